// SHA-256 of a run folder's `.graw` files, computed on the worker computer (`sha256sum` over exec,
// argv quoted by the connection layer), and the manifest written beside them. A run folder may
// hold hundreds of 1 GiB files: they are hashed in batches, each one exec under its own time
// limit and within the argument-list limits, so no single command reads the whole folder.
//
// Two forms of manifest, so that a tool never mistakes one for the other:
// - `MANIFEST.sha256`: exactly what `sha256sum` prints and `sha256sum -c` reads
//   (`<64 hex>  <name>\n`, sorted by name, no comment line: not every checker skips `#` lines);
// - `MANIFEST.sizes`, where the experiment turned checksums off: a first line saying so
//   (`# sizes only: …`), then `<bytes>  <name>\n` per file.
import { checkAbsolutePath, checkSegment, joinRemote } from './remote-paths';
import type { CommandOutput } from './staging';

export const SHA256_MANIFEST = 'MANIFEST.sha256';
export const SIZES_MANIFEST = 'MANIFEST.sizes';

/** A file of a run folder as measured now: its size, and its SHA-256 unless checksums are off. */
export interface MeasuredFile {
  name: string;
  size: number;
  /** Lower-case hex; null when checksums are off for the experiment. */
  sha256: string | null;
}

/** How a folder's files are cut into `sha256sum` calls. */
export interface BatchLimits {
  /** Files per call (default 64). */
  files?: number;
  /** Bytes read per call (default 1 GiB: one full `.graw` file; a larger file is a batch of its own). */
  bytes?: number;
  /** Bytes of the command line (default 32 KiB, far below any ARG_MAX). */
  argvBytes?: number;
}

const DEFAULT_BATCH = { files: 64, bytes: 1024 ** 3, argvBytes: 32 * 1024 };

/** Batches of files (in the order given), each within the limits; a file alone over a limit is a batch of one. */
export function checksumBatches<T extends { name: string; size: number }>(folder: string, files: readonly T[], limits: BatchLimits = {}): T[][] {
  const maxFiles = Math.max(1, limits.files ?? DEFAULT_BATCH.files);
  const maxBytes = Math.max(1, limits.bytes ?? DEFAULT_BATCH.bytes);
  const maxArgv = Math.max(1, limits.argvBytes ?? DEFAULT_BATCH.argvBytes);
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  let argv = 0;
  for (const file of files) {
    // Quoted, with a space: a little more than the path itself.
    const arg = Buffer.byteLength(joinRemote(folder, file.name), 'utf8') + 3;
    if (batch.length > 0 && (batch.length >= maxFiles || bytes + file.size > maxBytes || argv + arg > maxArgv)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
      argv = 0;
    }
    batch.push(file);
    bytes += file.size;
    argv += arg;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** `sha256sum -- <folder>/<name> …` (argv: every piece checked, quoted by the connection layer). */
export function sha256sumCommand(folder: string, names: readonly string[]): string[] {
  const root = checkAbsolutePath(folder, 'Run folder');
  return ['sha256sum', '--', ...names.map((name) => joinRemote(root, checkSegment(name, 'File name')))];
}

/** sha256sum failed, or printed something that is not its answer for the files asked. */
export class ChecksumError extends Error {
  override name = 'ChecksumError';
}

// `<hash>  <path>` (text mode) or `<hash> *<path>` (binary); a leading `\` says the path is escaped.
const LINE = /^(\\?)([0-9a-fA-F]{64}) [ *](.*)$/;

function unescapePath(path: string): string {
  return path.replace(/\\(\\|n|r)/g, (_all, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** The hashes of the files asked (by name, in their order) from sha256sum's answer. */
export function parseSha256sum(folder: string, names: readonly string[], result: CommandOutput): Map<string, string> {
  if (result.code !== 0) {
    const why = result.stderr.trim() || result.stdout.trim() || 'no message';
    if (result.code === 127) throw new ChecksumError(`sha256sum is not installed on the worker computer (${why})`);
    throw new ChecksumError(`sha256sum failed (${result.code === null ? 'ended by a signal' : `exit ${result.code}`}): ${why}`);
  }
  const lines = result.stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== names.length) throw new ChecksumError(`sha256sum printed ${lines.length} line(s) for ${names.length} file(s)`);
  const hashes = new Map<string, string>();
  names.forEach((name, i) => {
    const line = lines[i] ?? '';
    const match = LINE.exec(line);
    if (!match) throw new ChecksumError(`Unreadable sha256sum line: ${JSON.stringify(line)}`);
    const path = match[1] === '\\' ? unescapePath(match[3] ?? '') : (match[3] ?? '');
    const expected = joinRemote(folder, name);
    if (path !== expected) throw new ChecksumError(`sha256sum answered for ${JSON.stringify(path)} where ${JSON.stringify(expected)} was asked`);
    hashes.set(name, (match[2] ?? '').toLowerCase());
  });
  return hashes;
}

/**
 * The manifest of a run folder's files: its name and text. Names are sorted by code point, so
 * that the same files always give the same bytes (a job run again finds its manifest unchanged).
 */
export function manifestText(files: readonly MeasuredFile[], context: { experiment: string; runNumber: number; dataRouter: string }): { name: string; text: string } {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    // sha256sum -c would read a name with a newline or a backslash only escaped: such a name is refused here.
    if (/[\\\n\r]/.test(checkSegment(file.name, 'File name'))) throw new ChecksumError(`File name ${JSON.stringify(file.name)} cannot be written in a manifest`);
  }
  if (sorted.every((f) => f.sha256 !== null)) {
    return { name: SHA256_MANIFEST, text: sorted.map((f) => `${f.sha256 ?? ''}  ${f.name}\n`).join('') };
  }
  if (sorted.some((f) => f.sha256 !== null)) throw new ChecksumError('Some files have a SHA-256 and others not: one manifest holds one or the other');
  const header = `# sizes only: checksums are turned off for experiment ${context.experiment}; run ${context.runNumber} on ${context.dataRouter}, bytes then name\n`;
  return { name: SIZES_MANIFEST, text: header + sorted.map((f) => `${f.size}  ${f.name}\n`).join('') };
}
