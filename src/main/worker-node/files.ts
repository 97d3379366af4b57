// File work on a worker computer over SFTP: the clean check of a staging directory, organizing a
// run's `.graw` files after Stop, backing up an ECC server's config files, and the end of a log.
//
// Nothing here overwrites: an SFTP rename onto an existing file fails (OpenSSH links, then
// unlinks), and that failure is what tells us the name is taken, so nothing is stat-ed ahead.
// Every task can simply run again after an interruption and finish the job.
import { createHash } from 'node:crypto';
import type { SFTPWrapper, Stats } from 'ssh2';
import { checkAbsolutePath, checkConfigFileName, checkExperimentFolder, checkSegment, joinRemote, runFolderName } from './remote-paths';

/** SFTP status codes (ssh2 puts them on `error.code`). */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

const GRAW = /\.graw$/;

function sftpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The SFTP session ended (the connection dropped or was closed) while work was under way. */
export class SftpSessionClosedError extends Error {
  override name = 'SftpSessionClosedError';
}

// ssh2 answers requests in flight with "No response from server" when the channel ends, but a
// request made AFTER that is never answered at all: every call here fails fast instead.
interface Watch {
  closed: boolean;
  pending: Set<(error: Error) => void>;
}
const watches = new WeakMap<SFTPWrapper, Watch>();

function watch(sftp: SFTPWrapper): Watch {
  let found = watches.get(sftp);
  if (!found) {
    const state: Watch = { closed: false, pending: new Set() };
    const end = () => {
      state.closed = true;
      for (const reject of state.pending) reject(new SftpSessionClosedError('The SFTP session closed'));
      state.pending.clear();
    };
    sftp.once('end', end);
    sftp.once('close', end);
    watches.set(sftp, (found = state));
  }
  return found;
}

/** One ssh2 callback call as a promise that also fails when the session ends. */
function call<T>(sftp: SFTPWrapper, start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  const state = watch(sftp);
  if (state.closed) return Promise.reject(new SftpSessionClosedError('The SFTP session is closed'));
  return new Promise<T>((resolve, reject) => {
    state.pending.add(reject);
    start((error, value) => {
      state.pending.delete(reject);
      if (error) reject(error);
      else resolve(value);
    });
  });
}

const readdir = (sftp: SFTPWrapper, path: string) => call<{ filename: string; attrs: Stats }[]>(sftp, (done) => sftp.readdir(path, done));
const stat = (sftp: SFTPWrapper, path: string) => call<Stats>(sftp, (done) => sftp.stat(path, done));
const rename = (sftp: SFTPWrapper, from: string, to: string) => call<void>(sftp, (done) => sftp.rename(from, to, (e) => done(e, undefined)));
const mkdir = (sftp: SFTPWrapper, path: string) => call<void>(sftp, (done) => sftp.mkdir(path, (e) => done(e, undefined)));
const unlink = (sftp: SFTPWrapper, path: string) => call<void>(sftp, (done) => sftp.unlink(path, (e) => done(e, undefined)));
const open = (sftp: SFTPWrapper, path: string, flags: 'r' | 'wx') => call<Buffer>(sftp, (done) => sftp.open(path, flags, done));
const fstat = (sftp: SFTPWrapper, handle: Buffer) => call<Stats>(sftp, (done) => sftp.fstat(handle, done));
const closeHandle = (sftp: SFTPWrapper, handle: Buffer) => call<void>(sftp, (done) => sftp.close(handle, (e) => done(e, undefined)));
const write = (sftp: SFTPWrapper, handle: Buffer, data: Buffer, position: number) =>
  call<void>(sftp, (done) => sftp.write(handle, data, 0, data.length, position, (e) => done(e, undefined)));

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file). */
async function readAt(sftp: SFTPWrapper, handle: Buffer, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const got = await call<number>(sftp, (done) =>
      sftp.read(handle, buffer, filled, length - filled, position + filled, (error, bytesRead) =>
        // ssh2 reports the end of the file as an EOF status error.
        error && sftpCode(error) !== 1 ? done(error, 0) : done(undefined, error ? 0 : bytesRead),
      ),
    );
    if (got === 0) break;
    filled += got;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

async function withHandle<T>(sftp: SFTPWrapper, path: string, flags: 'r' | 'wx', work: (handle: Buffer) => Promise<T>): Promise<T> {
  const handle = await open(sftp, path, flags);
  try {
    return await work(handle);
  } finally {
    await closeHandle(sftp, handle).catch(() => undefined);
  }
}

/** Whether a path exists (SFTP stat, no shell): "no such file" is false, any other failure is thrown. */
export async function pathExists(sftp: SFTPWrapper, path: string): Promise<boolean> {
  try {
    await stat(sftp, path);
    return true;
  } catch (error) {
    if (sftpCode(error) === SFTP_NO_SUCH_FILE) return false;
    throw error;
  }
}

/** mkdir of one level; an existing folder is fine, an existing file is not. */
async function ensureFolder(sftp: SFTPWrapper, path: string): Promise<void> {
  try {
    await mkdir(sftp, path);
  } catch (error) {
    let found: Stats;
    try {
      found = await stat(sftp, path);
    } catch {
      throw new Error(`Cannot create folder ${path}: ${message(error)}`);
    }
    if (!found.isDirectory()) throw new Error(`Cannot create folder ${path}: a file of that name exists`);
  }
}

/** Creates an absolute folder and any missing parent, one level at a time. */
async function ensureFolderPath(sftp: SFTPWrapper, absolute: string): Promise<void> {
  const parts = absolute.split('/').filter((p) => p.length > 0);
  // Walk up to the deepest existing folder first, so that only missing levels are created.
  let existing = parts.length;
  while (existing > 0 && !(await pathExists(sftp, `/${parts.slice(0, existing).join('/')}`))) existing--;
  for (let level = existing + 1; level <= parts.length; level++) await ensureFolder(sftp, `/${parts.slice(0, level).join('/')}`);
}

/** A `.graw` file as one listing saw it: a file still being written changes size or time between two. */
export interface GrawFileStat {
  name: string;
  size: number;
  /** Modification time in whole seconds (SFTP version 3 carries no finer time). */
  mtime: number;
}

/** Top-level `.graw` files of a folder (regular files only), by name. */
async function listGrawFiles(sftp: SFTPWrapper, folder: string): Promise<GrawFileStat[]> {
  const entries = await readdir(sftp, folder);
  return entries
    .filter((e) => GRAW.test(e.filename) && e.attrs.isFile())
    .map((e) => ({ name: e.filename, size: e.attrs.size, mtime: e.attrs.mtime }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The `.graw` files at the top of a staging directory with their sizes and times (one SFTP readdir). */
export async function snapshotGrawFiles(sftp: SFTPWrapper, stagingDirectory: string): Promise<GrawFileStat[]> {
  return listGrawFiles(sftp, checkAbsolutePath(stagingDirectory, 'Staging directory'));
}

/** A staging folder's `.graw` files summed up at one reading (the data flow during a run). */
export interface GrawFolderReading {
  files: number;
  bytes: number;
  /** The file modified last (by the later name when two share a time); null when there is none. */
  newest: GrawFileStat | null;
  /** When the listing was taken (ms since the epoch): the middle of its readdir, so the network's delay is split evenly. */
  takenAtMs: number;
}

/**
 * One SFTP readdir of a staging folder, summed up where it is read: a folder of a long run holds
 * thousands of files, and only their count, bytes and newest cross to the main thread.
 */
export async function readGrawFolder(sftp: SFTPWrapper, stagingDirectory: string): Promise<GrawFolderReading> {
  const folder = checkAbsolutePath(stagingDirectory, 'Staging directory');
  const sent = Date.now();
  const entries = await readdir(sftp, folder);
  const takenAtMs = Math.round((sent + Date.now()) / 2);
  let files = 0;
  let bytes = 0;
  let newest: GrawFileStat | null = null;
  for (const e of entries) {
    if (!GRAW.test(e.filename) || !e.attrs.isFile()) continue;
    files++;
    bytes += e.attrs.size;
    if (!newest || e.attrs.mtime > newest.mtime || (e.attrs.mtime === newest.mtime && e.filename > newest.name)) {
      newest = { name: e.filename, size: e.attrs.size, mtime: e.attrs.mtime };
    }
  }
  return { files, bytes, newest, takenAtMs };
}

// ---------------------------------------------------------------------------------------------
// Clean check

export interface CleanCheck {
  /** True when no `.graw` file is left at the top of the staging directory. */
  clean: boolean;
  grawFiles: number;
  totalBytes: number;
}

/** Counts the `.graw` files at the top of a staging directory (run folders are not looked into). */
export async function checkClean(sftp: SFTPWrapper, stagingDirectory: string): Promise<CleanCheck> {
  const files = await listGrawFiles(sftp, checkAbsolutePath(stagingDirectory, 'Staging directory'));
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  return { clean: files.length === 0, grawFiles: files.length, totalBytes };
}

// ---------------------------------------------------------------------------------------------
// Organize after Stop

export interface OrganizeOptions {
  /** Renames in flight at once (default 64): pipelining is several times faster than one by one. */
  concurrency?: number;
  /** Stops starting new renames (those in flight finish); the result says `interrupted`. */
  signal?: AbortSignal;
}

export interface OrganizeResult {
  /** `<staging>/<experiment>/run_NNNN` (or the folder the files were moved into). */
  destination: string;
  moved: number;
  /** Files of the expected listing that changed or went since it was taken: left in place (still being written). */
  changed: string[];
  /** Names already present in the destination: left where they are, not overwritten. */
  skippedExisting: string[];
  errors: { name: string; message: string }[];
  /** True when stopped by the signal or a lost session before every file was tried: run it again. */
  interrupted: boolean;
}

/**
 * Moves the `.graw` files at the top of the staging directory into
 * `<staging>/<experiment>/run_NNNN/`: every one, or with `target.files` only those still exactly
 * as listed there (same size and time), so that a file still being written is never moved.
 * Running it again after an interruption finishes the job. The names are checked before
 * anything touches the server.
 */
export async function organizeRunFiles(
  sftp: SFTPWrapper,
  target: { stagingDirectory: string; experiment: string; runNumber: number; files?: readonly GrawFileStat[] },
  options: OrganizeOptions = {},
): Promise<OrganizeResult> {
  const staging = checkAbsolutePath(target.stagingDirectory, 'Staging directory');
  const experiment = checkExperimentFolder(target.experiment);
  return moveGrawFiles(sftp, staging, [experiment, runFolderName(target.runNumber)], target.files, options);
}

/**
 * Moves the `.graw` files left at the top of a staging directory (a crash, an earlier session)
 * aside into `<staging>/<experiment>/unsorted/<folder>/`: kept, never deleted, never overwritten.
 */
export async function moveLeftoverFiles(
  sftp: SFTPWrapper,
  target: { stagingDirectory: string; experiment: string; folder: string },
  options: OrganizeOptions = {},
): Promise<OrganizeResult> {
  const staging = checkAbsolutePath(target.stagingDirectory, 'Staging directory');
  const experiment = checkExperimentFolder(target.experiment);
  if (!/^\d{8}-\d{6}$/.test(target.folder)) throw new Error(`Not a leftovers folder name (YYYYMMDD-HHMMSS): ${JSON.stringify(target.folder)}`);
  return moveGrawFiles(sftp, staging, [experiment, UNSORTED_FOLDER, target.folder], undefined, options);
}

/** Where leftovers go, beside the run folders of an experiment. */
export const UNSORTED_FOLDER = 'unsorted';

function sameStat(a: GrawFileStat, b: GrawFileStat): boolean {
  return a.size === b.size && a.mtime === b.mtime;
}

async function moveGrawFiles(
  sftp: SFTPWrapper,
  staging: string,
  levels: readonly string[],
  expected: readonly GrawFileStat[] | undefined,
  options: OrganizeOptions,
): Promise<OrganizeResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 64));
  // SFTP mkdir makes one level at a time.
  let destination = staging;
  for (const level of levels) {
    destination = joinRemote(destination, level);
    await ensureFolder(sftp, destination);
  }
  const present = await listGrawFiles(sftp, staging);
  const result: OrganizeResult = { destination, moved: 0, changed: [], skippedExisting: [], errors: [], interrupted: false };
  let files = present;
  if (expected) {
    // Listed just now, against the listing the caller saw stay still: what differs is still being written.
    const now = new Map(present.map((f) => [f.name, f]));
    files = [];
    for (const file of expected) {
      const seen = now.get(file.name);
      if (seen && sameStat(seen, file)) files.push(seen);
      else result.changed.push(file.name);
    }
  }
  let next = 0;
  const moveOne = async (name: string): Promise<void> => {
    try {
      await rename(sftp, joinRemote(staging, name), joinRemote(destination, name));
      result.moved++;
    } catch (error) {
      if (error instanceof SftpSessionClosedError || watch(sftp).closed) {
        result.interrupted = true;
        result.errors.push({ name, message: message(error) });
        return;
      }
      // The server says only "Failure": the destination tells whether the name was taken.
      let taken = false;
      try {
        taken = await pathExists(sftp, joinRemote(destination, name));
      } catch {
        // Reported below with the rename's own message.
      }
      if (taken) result.skippedExisting.push(name);
      else result.errors.push({ name, message: message(error) });
    }
  };
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      if (options.signal?.aborted || watch(sftp).closed) {
        result.interrupted = true;
        return;
      }
      const file = files[next++];
      if (file) await moveOne(file.name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, lane));
  result.skippedExisting.sort();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Back up config files after Stop

export type BackupOutcome =
  /** `sha256`: of the bytes copied, i.e. of the config file as it was at the backup. */
  | { name: string; status: 'copied'; bytes: number; sha256: string }
  /** A backup of that name was already there with the same content (a job run again). */
  | { name: string; status: 'already-backed-up'; bytes: number; sha256: string }
  /** A backup of that name is there with different content: kept, not overwritten. */
  | { name: string; status: 'conflict'; message: string }
  | { name: string; status: 'error'; message: string };

export interface BackupResult {
  backupFolder: string;
  files: BackupOutcome[];
}

const CHUNK = 64 * 1024;

/**
 * Copies a remote file to a new remote file (refusing an existing one); returns the bytes copied
 * and their SHA-256 (hashed as they pass: the backup's hash is of exactly what was copied).
 */
async function copyNew(sftp: SFTPWrapper, from: string, to: string): Promise<{ bytes: number; sha256: string }> {
  return withHandle(sftp, from, 'r', async (source) => {
    const size = (await fstat(sftp, source)).size;
    const hash = createHash('sha256');
    return withHandle(sftp, to, 'wx', async (target) => {
      let position = 0;
      for (;;) {
        const chunk = await readAt(sftp, source, position, CHUNK);
        if (chunk.length === 0) break;
        hash.update(chunk);
        await write(sftp, target, chunk, position);
        position += chunk.length;
        if (chunk.length < CHUNK) break;
      }
      if (position !== size) throw new Error(`Read ${position} bytes of ${from}, whose size is ${size}`);
      return { bytes: position, sha256: hash.digest('hex') };
    });
  });
}

/** The SHA-256 and size of a remote file, read in chunks over SFTP (no shell). */
async function hashFile(sftp: SFTPWrapper, path: string): Promise<{ bytes: number; sha256: string }> {
  return withHandle(sftp, path, 'r', async (handle) => {
    const size = (await fstat(sftp, handle)).size;
    const hash = createHash('sha256');
    let position = 0;
    for (;;) {
      const chunk = await readAt(sftp, handle, position, CHUNK);
      if (chunk.length === 0) break;
      hash.update(chunk);
      position += chunk.length;
      if (chunk.length < CHUNK) break;
    }
    if (position !== size) throw new Error(`Read ${position} bytes of ${path}, whose size is ${size}`);
    return { bytes: position, sha256: hash.digest('hex') };
  });
}

async function sameContent(sftp: SFTPWrapper, a: string, b: string): Promise<boolean> {
  return withHandle(sftp, a, 'r', (ha) =>
    withHandle(sftp, b, 'r', async (hb) => {
      if ((await fstat(sftp, ha)).size !== (await fstat(sftp, hb)).size) return false;
      for (let position = 0; ; position += CHUNK) {
        const [ca, cb] = await Promise.all([readAt(sftp, ha, position, CHUNK), readAt(sftp, hb, position, CHUNK)]);
        if (!ca.equals(cb)) return false;
        if (ca.length < CHUNK) return true;
      }
    }),
  );
}

/**
 * Copies the selected config files from `configRoot` into `backupFolder` (created as needed):
 * each is written under a temporary name, checked by size, then renamed into place, so a
 * backup is never half written and never replaces an existing one.
 */
export async function backupConfigFiles(
  sftp: SFTPWrapper,
  job: { configRoot: string; files: readonly string[]; backupFolder: string },
): Promise<BackupResult> {
  const configRoot = checkAbsolutePath(job.configRoot, 'Config folder');
  const backupFolder = checkAbsolutePath(job.backupFolder, 'Backup folder');
  const names = job.files.map((f) => checkConfigFileName(f));
  await ensureFolderPath(sftp, backupFolder);

  const outcomes: BackupOutcome[] = [];
  for (const name of names) {
    const source = joinRemote(configRoot, name);
    const final = joinRemote(backupFolder, name);
    const temporary = joinRemote(backupFolder, `.${name}.partial-${process.pid}-${Date.now().toString(36)}`);
    try {
      const { bytes, sha256 } = await copyNew(sftp, source, temporary);
      const written = (await stat(sftp, temporary)).size;
      if (written !== bytes) throw new Error(`Backup of ${name} has ${written} bytes, the original ${bytes}`);
      try {
        await rename(sftp, temporary, final);
        const placed = (await stat(sftp, final)).size;
        if (placed !== bytes) throw new Error(`Backup of ${name} has ${placed} bytes after the move, the original ${bytes}`);
        outcomes.push({ name, status: 'copied', bytes, sha256 });
      } catch (error) {
        if (!(await pathExists(sftp, final))) throw error;
        if (await sameContent(sftp, temporary, final)) outcomes.push({ name, status: 'already-backed-up', bytes, sha256 });
        else outcomes.push({ name, status: 'conflict', message: `${final} exists with different content; kept as it is` });
      }
    } catch (error) {
      outcomes.push({ name, status: 'error', message: message(error) });
    } finally {
      await unlink(sftp, temporary).catch(() => undefined);
    }
  }
  return { backupFolder, files: outcomes };
}

// ---------------------------------------------------------------------------------------------
// Config files as they are now (run provenance: their hashes at Start all)

export type ConfigFileReading =
  | { name: string; status: 'read'; bytes: number; sha256: string }
  /** The server answered about the file itself: it is not there, or may not be read. */
  | { name: string; status: 'missing' | 'unreadable'; message: string };

/**
 * The SHA-256 of each config file in `configRoot`, one after the other on one SFTP session. A
 * file the server says is absent or forbidden is that file's answer; any other failure (the
 * session or the connection lost) is thrown: then nothing is known of the rest either.
 */
export async function hashConfigFiles(sftp: SFTPWrapper, job: { configRoot: string; files: readonly string[] }): Promise<ConfigFileReading[]> {
  const configRoot = checkAbsolutePath(job.configRoot, 'Config folder');
  const names = job.files.map((f) => checkConfigFileName(f));
  const readings: ConfigFileReading[] = [];
  for (const name of names) {
    const path = joinRemote(configRoot, name);
    try {
      readings.push({ name, status: 'read', ...(await hashFile(sftp, path)) });
    } catch (error) {
      readings.push({ name, ...fileRefusal(path, error) });
    }
  }
  return readings;
}

/** What the server said about a file itself (absent, forbidden) as that file's answer; any other failure is thrown on. */
function fileRefusal(path: string, error: unknown): { status: 'missing' | 'unreadable'; message: string } {
  const code = sftpCode(error);
  if (code === SFTP_NO_SUCH_FILE) return { status: 'missing', message: `${path} does not exist` };
  if (code === SFTP_PERMISSION_DENIED) return { status: 'unreadable', message: `${path} may not be read: ${message(error)}` };
  throw error;
}

// Config files read whole (comparing two runs: their backups after Stop)

export type ConfigFileText =
  /** `text`: the file as UTF-8; `sha256` of its bytes, so a caller sees it is the backup it expects. */
  | { name: string; status: 'read'; bytes: number; sha256: string; text: string }
  | { name: string; status: 'missing' | 'unreadable' | 'too-large'; message: string };

/**
 * Each named config file of `folder` read whole over one SFTP session, none larger than
 * `maxBytes`. A file the server says is absent or forbidden, or one too large, is that file's
 * answer; any other failure is thrown.
 */
export async function readConfigFiles(sftp: SFTPWrapper, job: { folder: string; files: readonly string[]; maxBytes: number }): Promise<ConfigFileText[]> {
  const folder = checkAbsolutePath(job.folder, 'Config folder');
  const names = job.files.map((f) => checkConfigFileName(f));
  const answers: ConfigFileText[] = [];
  for (const name of names) {
    const path = joinRemote(folder, name);
    try {
      const read = await withHandle(sftp, path, 'r', async (handle) => {
        const size = (await fstat(sftp, handle)).size;
        if (size > job.maxBytes) return null;
        return readAt(sftp, handle, 0, size);
      });
      if (read === null) answers.push({ name, status: 'too-large', message: `${path} is larger than ${job.maxBytes} bytes` });
      else answers.push({ name, status: 'read', bytes: read.length, sha256: createHash('sha256').update(read).digest('hex'), text: read.toString('utf8') });
    } catch (error) {
      answers.push({ name, ...fileRefusal(path, error) });
    }
  }
  return answers;
}

// A run folder's manifest (checksums.ts makes its text)

/** The `.graw` files at the top of a run folder, by name; null when the folder does not exist. */
export async function listRunFolder(sftp: SFTPWrapper, folder: string): Promise<GrawFileStat[] | null> {
  const path = checkAbsolutePath(folder, 'Run folder');
  try {
    return await listGrawFiles(sftp, path);
  } catch (error) {
    if (sftpCode(error) === SFTP_NO_SUCH_FILE) return null;
    throw error;
  }
}

export type ManifestWrite =
  | { status: 'written'; path: string; bytes: number }
  /** The same manifest was there already (a job run again). */
  | { status: 'already-written'; path: string; bytes: number };

async function readWhole(sftp: SFTPWrapper, path: string): Promise<Buffer> {
  return withHandle(sftp, path, 'r', async (handle) => {
    const size = (await fstat(sftp, handle)).size;
    return readAt(sftp, handle, 0, size);
  });
}

/**
 * Writes a manifest into a run folder: under a temporary name, checked by size, then renamed into
 * place, so a half-written manifest never exists under its own name. An existing manifest is never
 * replaced: one with the same bytes is fine (a job run again), another one is an error that names it.
 */
export async function writeManifestFile(sftp: SFTPWrapper, target: { folder: string; name: string; text: string }): Promise<ManifestWrite> {
  const folder = checkAbsolutePath(target.folder, 'Run folder');
  const name = checkSegment(target.name, 'Manifest name');
  const data = Buffer.from(target.text, 'utf8');
  const final = joinRemote(folder, name);
  const temporary = joinRemote(folder, `.${name}.partial-${process.pid}-${Date.now().toString(36)}`);
  try {
    await withHandle(sftp, temporary, 'wx', async (handle) => {
      for (let position = 0; position < data.length; position += CHUNK) {
        await write(sftp, handle, data.subarray(position, position + CHUNK), position);
      }
    });
    const written = (await stat(sftp, temporary)).size;
    if (written !== data.length) throw new Error(`${temporary} has ${written} bytes, ${data.length} were written`);
    try {
      await rename(sftp, temporary, final);
      return { status: 'written', path: final, bytes: data.length };
    } catch (error) {
      if (!(await pathExists(sftp, final))) throw error;
      if ((await readWhole(sftp, final)).equals(data)) return { status: 'already-written', path: final, bytes: data.length };
      throw new Error(`${final} exists with other content: kept as it is (move it away to have it written again)`);
    }
  } finally {
    await unlink(sftp, temporary).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// The end of a log file

export interface TailOptions {
  /** Bytes read per request, from the end backwards (default 64 KiB). */
  chunkBytes?: number;
  /** Reads at most this much in all (default 4 MiB): a log of enormous lines is cut. */
  maxBytes?: number;
}

export interface TailResult {
  lines: string[];
  /** The file's size when read. */
  fileBytes: number;
  bytesRead: number;
  /** The lines are the whole file (it holds no line before them). */
  whole: boolean;
}

/** The last `count` lines of a remote file, reading backwards from its end in chunks. */
export async function tailLines(sftp: SFTPWrapper, path: string, count = 50, options: TailOptions = {}): Promise<TailResult> {
  const file = checkAbsolutePath(path, 'Log file');
  const chunkBytes = Math.max(1024, options.chunkBytes ?? CHUNK);
  const maxBytes = Math.max(chunkBytes, options.maxBytes ?? 4 * 1024 * 1024);
  return withHandle(sftp, file, 'r', async (handle) => {
    const fileBytes = (await fstat(sftp, handle)).size;
    const chunks: Buffer[] = [];
    let position = fileBytes;
    let newlines = 0;
    let bytesRead = 0;
    let endsWithNewline = false;
    // `count` lines need `count` newlines before them (one more when the file ends with one).
    while (position > 0 && bytesRead < maxBytes) {
      const length = Math.min(chunkBytes, position, maxBytes - bytesRead);
      position -= length;
      const chunk = await readAt(sftp, handle, position, length);
      if (bytesRead === 0) endsWithNewline = chunk[chunk.length - 1] === 0x0a;
      chunks.unshift(chunk);
      bytesRead += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) newlines++;
      if (newlines >= count + (endsWithNewline ? 1 : 0)) break;
    }
    let text = Buffer.concat(chunks).toString('utf8');
    // Unless the read reached the start of the file, the first line is cut: drop it.
    if (position > 0) text = text.slice(text.indexOf('\n') + 1);
    const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    if (endsWithNewline || lines[lines.length - 1] === '') lines.pop();
    const shown = count > 0 ? lines.slice(-count) : [];
    return { lines: shown, fileBytes, bytesRead, whole: position === 0 && shown.length === lines.length };
  });
}
