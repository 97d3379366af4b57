// One instance per data directory, held by a lock the kernel keeps: an exclusive SQLite write
// lock (fcntl) on daq.lock, held open for the life of the process. The kernel drops it when the
// process ends in any way (a crash, kill -9, a power cut), so nothing can be left behind that
// blocks the next start; a second live instance, in another process or this one, is refused.
// The owner's pid and host are written beside it only to name the owner in that refusal.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'daq.lock';
/** Who holds the lock (pid, host), for the refusal's message; removed when the holder ends cleanly. */
export const LOCK_OWNER_FILE = 'daq.lock.owner';

const SQLITE_HEADER = 'SQLite format 3\0';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    /** The holder's pid as it wrote it, or null when it has not written it yet. */
    readonly pid: number | null,
    readonly lockFile: string,
  ) {
    super(`Another instance is using ${dataDir} (pid ${pid ?? 'not known yet'}). Close it first.`);
    this.name = 'DataDirLockedError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Lets the lock go (the kernel would at exit anyway) and removes the owner file if it is ours. Safe to call twice. */
  release(): void;
}

export interface LockOptions {
  /** better-sqlite3's addon (Electron's build inside Electron), as for the Store. */
  nativeBinding?: string;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const data = JSON.parse(readText(file) ?? '') as Partial<LockOwner>;
    if (typeof data.pid === 'number' && Number.isInteger(data.pid) && data.pid > 0) {
      return { pid: data.pid, host: String(data.host ?? ''), nonce: String(data.nonce ?? '') };
    }
  } catch {
    // Unreadable or not written yet: no owner to name.
  }
  return undefined;
}

/** The first bytes of a file, or '' when it is missing or empty. */
function header(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const bytes = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, bytes, 0, bytes.length, 0);
    return bytes.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/**
 * Earlier versions wrote a pid file under the same name. It is not a database, and the pid in it
 * proves nothing (it may linger, or be reused after a reboot): it is moved aside and removed, but
 * only the file examined (if another starter put the real lock in place meanwhile, it goes back).
 */
function removeLegacyPidFile(file: string, aside: string): void {
  const seen = readText(file);
  if (seen === undefined) return;
  try {
    renameSync(file, aside);
  } catch {
    return; // Gone already.
  }
  if (readText(aside) !== seen) {
    try {
      linkSync(aside, file);
    } catch {
      // Someone holds the place again: opening it will tell.
    }
  }
  rmSync(aside, { force: true });
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** Takes the lock of a data directory, or throws DataDirLockedError while another instance holds it. */
export function lockDataDir(dataDir: string, options: LockOptions = {}): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const ownerFile = join(dataDir, LOCK_OWNER_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') };
  const found = header(file);
  if (found !== '' && found !== SQLITE_HEADER) removeLegacyPidFile(file, join(dataDir, `.${LOCK_FILE}.${owner.nonce}.legacy`));

  const db = new Database(file, { timeout: 0, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  try {
    // EXCLUSIVE locking mode keeps every lock taken until the connection closes, and BEGIN
    // EXCLUSIVE takes the strongest one now: no other connection, in any process, can even read.
    // Nothing is ever written, so the file stays empty, and the journal stays in memory: no file
    // is left to recover after a crash.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (!isBusy(error)) throw error;
    throw new DataDirLockedError(dataDir, readOwner(ownerFile)?.pid ?? null, file);
  }

  // Written completely under a private name, then renamed into place: a refused starter never
  // reads half an owner.
  const temp = join(dataDir, `.${LOCK_OWNER_FILE}.${owner.nonce}`);
  try {
    writeFileSync(temp, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
    renameSync(temp, ownerFile);
  } catch (error) {
    rmSync(temp, { force: true });
    db.close();
    throw error;
  }

  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // The owner file first, while the lock still keeps the next instance from writing its own.
    if (readOwner(ownerFile)?.nonce === owner.nonce) rmSync(ownerFile, { force: true });
    // The lock file itself stays: removing it would let a starter that has opened it already
    // lock a file nobody else can find any more, beside a new one.
    db.close();
  };
  // A normal exit without close() (an uncaught error) still removes the owner file.
  process.on('exit', release);
  return { file, release };
}
