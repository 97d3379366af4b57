// A Piscina pool for network tasks, each under a hard time limit enforced in the main thread,
// shared by the ECC (SOAP) and SSH gateways.
//
// The limit is not handed to Piscina as an abort signal: Piscina runs an abortable task alone
// on its thread, so every call waiting for an answer would hold a whole thread, and ten servers
// that never answer would hold ten. A task that outlives its hard limit means its thread is
// stuck (the soft limit inside the worker ends every network wait) or the pool is hopelessly
// behind: new tasks go to a fresh pool, and the old one takes no more, lets the calls it holds
// end, then ends its threads.
import { setTimeout as delay } from 'node:timers/promises';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { WorkerFile } from './worker-file';

/** A call's two limits in milliseconds: its own (soft) limit inside the worker, and the hard limit here. */
export interface TimeLimits {
  softMs: number;
  hardMs: number;
}

/** Refuses limits that cannot work; `name` says whose they are in the message. */
export function checkLimits<L extends TimeLimits>(name: string, limits: L): L {
  if (!(limits.softMs > 0 && limits.hardMs >= limits.softMs)) {
    throw new RangeError(`${name}: the soft limit must be positive and the hard limit at least as long (got ${limits.softMs} / ${limits.hardMs} ms)`);
  }
  return limits;
}

export interface TimedPoolOptions {
  worker: WorkerFile;
  /** The task a new thread loads first (Piscina's default, 'default', does not exist). */
  firstTask: string;
  minThreads: number;
  maxThreads: number;
  concurrentTasksPerWorker: number;
  maxQueue: number;
  idleTimeout: number;
  /** How long a retired pool lets its running calls end: the longest hard limit. */
  retireGraceMs: number;
  /** How long close() lets running calls end on quit. */
  closeTimeoutMs: number;
  /** Each thread's V8 limits (worker_threads' resourceLimits), e.g. a small young generation. */
  resourceLimits?: ResourceLimits;
}

export type TimedPoolFailure = 'timeout' | 'closed' | 'busy' | 'failed';

/** Why a task gave no result; each gateway turns it into its own error. */
export class TimedPoolError extends Error {
  constructor(
    readonly failure: TimedPoolFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TimedPoolError';
  }
}

export interface TimedPool {
  /**
   * Runs one task until `deadline` (a signal that aborts at the hard limit; callers that also
   * wait for something else before the task, e.g. a per-host slot, create it first).
   */
  run<R>(name: string, task: object, deadline: AbortSignal, hardMs: number): Promise<R>;
  readonly closed: boolean;
  close(): Promise<void>;
}

export function createTimedPool(options: TimedPoolOptions): TimedPool {
  function createPool(): Piscina {
    const created = new Piscina({
      filename: options.worker.filename,
      execArgv: options.worker.execArgv,
      name: options.firstTask,
      minThreads: options.minThreads,
      maxThreads: options.maxThreads,
      concurrentTasksPerWorker: options.concurrentTasksPerWorker,
      maxQueue: options.maxQueue,
      idleTimeout: options.idleTimeout,
      closeTimeout: options.retireGraceMs,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    // Piscina reports a close that outlived closeTimeout (and thread crashes, which also fail
    // their tasks) as 'error' events; without a listener they would crash the process.
    created.on('error', () => {});
    return created;
  }

  let pool = createPool();
  let closing: Promise<void> | undefined;
  const retired = new Set<Piscina>();

  function retire(stale: Piscina): void {
    if (stale !== pool || closing) return;
    pool = createPool();
    retired.add(stale);
    void stale
      .close({ force: false })
      .catch(() => stale.destroy())
      .finally(() => retired.delete(stale));
  }

  return {
    async run<R>(name: string, task: object, deadline: AbortSignal, hardMs: number): Promise<R> {
      if (closing) throw new TimedPoolError('closed', 'closed');
      const timedOut = () => new TimedPoolError('timeout', `The ${name} task did not end within its hard limit of ${hardMs} ms`);
      if (deadline.aborted) throw timedOut();
      const current = pool;
      let onAbort: (() => void) | undefined;
      const expired = new Promise<never>((_resolve, reject) => {
        onAbort = () => reject(timedOut());
        deadline.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return (await Promise.race([current.run(task, { name }), expired])) as R;
      } catch (error) {
        if (error instanceof TimedPoolError) {
          retire(current);
          throw error;
        }
        const message = error instanceof Error ? error.message : String(error);
        if (closing) throw new TimedPoolError('closed', 'closed during the call');
        if (/queue is at limit/i.test(message)) throw new TimedPoolError('busy', 'too many calls are waiting');
        throw new TimedPoolError('failed', message);
      } finally {
        if (onAbort) deadline.removeEventListener('abort', onAbort);
      }
    },

    get closed() {
      return closing !== undefined;
    },

    close(): Promise<void> {
      // On quit: queued calls are cancelled, running ones get closeTimeoutMs to end.
      const last = pool;
      closing ??= Promise.race([last.close({ force: true }), delay(options.closeTimeoutMs)])
        .catch(() => undefined)
        .then(() => Promise.allSettled([last, ...retired].map((p) => p.destroy())))
        .then(() => undefined);
      return closing;
    },
  };
}
