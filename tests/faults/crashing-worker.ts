// Test support for the crashing-thread cells: a worker task that ends its thread when asked. The
// test makes a file named after the task in the folder $DAQ_TEST_CRASH_DIR; the next such task
// takes it (one thread only wins the unlink) and ends its thread: with exit code 70 (the file
// says `exit`), as a crash in a native addon or a thread out of memory would, or by an error
// nothing catches (the file says `throw`). Either ends that thread, not the process.
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const CRASH_EXIT_CODE = 70;

/** `task` as it is, except that it ends its thread when the test asked for it. */
export function crashingTask<A, R>(name: string, task: (input: A) => R): (input: A) => R {
  return (input) => {
    const dir = process.env.DAQ_TEST_CRASH_DIR;
    const how = dir ? takeFlag(join(dir, name)) : null;
    if (how === 'exit') process.exit(CRASH_EXIT_CODE);
    if (how === 'throw') {
      // Thrown outside the task (which would only reject it): the thread's uncaught error.
      setImmediate(() => {
        throw new Error(`${name} crashed its thread (test)`);
      });
      return new Promise<never>(() => {}) as R;
    }
    return task(input);
  };
}

/** What the flag file says, once removed; null when there was none (or another thread took it). */
function takeFlag(file: string): string | null {
  try {
    const how = readFileSync(file, 'utf8').trim();
    unlinkSync(file);
    return how;
  } catch {
    return null;
  }
}
