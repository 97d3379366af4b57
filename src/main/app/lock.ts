// One instance per data directory: a lock file holding the owner's pid, created atomically.
// Two processes writing the same database would each believe their run numbers and live
// status; the second one is refused with a message naming the first.
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'daq.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(
      `Another instance is using ${dataDir} (pid ${pid}). ` +
        `Close it first; if no such instance is running, delete ${lockFile}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockContent {
  pid: number;
  host: string;
  nonce: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseLock(text: string | undefined): LockContent | undefined {
  try {
    const data = JSON.parse(text ?? '') as Partial<LockContent>;
    if (typeof data.pid === 'number' && Number.isInteger(data.pid) && data.pid > 0) {
      return { pid: data.pid, host: String(data.host ?? ''), nonce: String(data.nonce ?? '') };
    }
  } catch {
    // Unreadable: no valid owner.
  }
  return undefined;
}

/** Puts the lock in place unless one exists; false when one does. */
function tryCreate(temp: string, file: string, text: string): boolean {
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: exclusive create instead (the content is one small write).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  try {
    writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes a stale lock, but only the one we examined: it is first moved aside atomically, and
 * if what we moved is not what we read (another starter replaced it meanwhile), it goes back.
 */
function removeIfUnchanged(file: string, seen: string, aside: string): void {
  try {
    renameSync(file, aside);
  } catch {
    return; // Gone already.
  }
  if (readText(aside) !== seen) {
    try {
      linkSync(aside, file);
    } catch {
      // Someone holds the place again: our next attempt will see it.
    }
  }
  rmSync(aside, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of a data directory, or throws DataDirLockedError while a live process holds
 * it. A lock left by a process that is gone (a crash, a power cut) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const content: LockContent = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') };
  // Written completely under a private name, then linked into place: link() fails if the lock
  // exists, so no other process can ever read a half-written lock.
  const temp = join(dataDir, `.${LOCK_FILE}.${process.pid}.${content.nonce}`);
  const text = `${JSON.stringify(content)}\n`;
  writeFileSync(temp, text, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      if (tryCreate(temp, file, text)) break;
      // Other starters keep racing us for a stale lock (or it cannot be read): give up rather than spin.
      if (attempt >= 5) throw new Error(`Could not take the lock ${file}: it keeps changing, or cannot be read`);
      const seen = readText(file);
      if (seen === undefined) continue; // Removed meanwhile: try again.
      const owner = parseLock(seen);
      // On another host (a shared file system) the pid means nothing here: assume it is alive.
      if (owner && (owner.host !== content.host || isAlive(owner.pid))) {
        throw new DataDirLockedError(dataDir, owner.pid, file);
      }
      removeIfUnchanged(file, seen, `${temp}.stale`);
    }
  } finally {
    rmSync(temp, { force: true });
  }

  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (parseLock(readText(file))?.nonce === content.nonce) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    }
  };
  // A normal exit without close() (an uncaught error) still leaves no lock behind.
  process.on('exit', release);
  return { file, release };
}
