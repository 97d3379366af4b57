// Paths on the worker computers built from text people typed (experiment names, config file
// names, configured folders): every piece is checked here, before anything touches a server,
// and joined with POSIX rules whatever the local platform is.
import { posix } from 'node:path';
import { experimentName, remotePath } from '../../shared/domain';

/** A path or path piece that must not be used on a worker computer; the message says why. */
export class RemotePathError extends Error {
  override name = 'RemotePathError';
}

const CONTROL = /[\x00-\x1f\x7f]/;
/** Most file systems (ext4, APFS) refuse longer names. */
const MAX_SEGMENT_BYTES = 255;

/**
 * Checks one file or folder name: not empty, not `.` or `..`, no `/`, no control characters,
 * at most 255 bytes. Returns it unchanged (no trimming: a name with edges of spaces is refused
 * rather than silently changed).
 */
export function checkSegment(segment: string, what = 'Name'): string {
  if (typeof segment !== 'string' || segment.length === 0) throw new RemotePathError(`${what} is empty`);
  if (segment === '.' || segment === '..') throw new RemotePathError(`${what} must not be '${segment}'`);
  if (segment.includes('/')) throw new RemotePathError(`${what} must not contain '/': ${JSON.stringify(segment)}`);
  if (CONTROL.test(segment)) throw new RemotePathError(`${what} must not contain control characters: ${JSON.stringify(segment)}`);
  if (segment.trim() !== segment) throw new RemotePathError(`${what} must not start or end with spaces: ${JSON.stringify(segment)}`);
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) throw new RemotePathError(`${what} is longer than ${MAX_SEGMENT_BYTES} bytes`);
  return segment;
}

/**
 * Checks an experiment name used as a folder name: the rule of `experimentName` in
 * src/shared/domain.ts (checked again here, since a name may come from an older database or an
 * import), taken as is, plus the segment rules.
 */
export function checkExperimentFolder(name: string): string {
  const parsed = experimentName.safeParse(name);
  if (!parsed.success) {
    throw new RemotePathError(`Experiment name ${JSON.stringify(name)} cannot be a folder name: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (parsed.data !== name) throw new RemotePathError(`Experiment name ${JSON.stringify(name)} has spaces around it`);
  return checkSegment(name, 'Experiment name');
}

/**
 * Checks an absolute path on a worker computer (`remotePath` of src/shared/domain.ts, taken as
 * is) and returns it normalized: no `..`, no control characters, no trailing `/`.
 */
export function checkAbsolutePath(path: string, what = 'Path'): string {
  const parsed = remotePath.safeParse(path);
  if (!parsed.success) throw new RemotePathError(`${what} ${JSON.stringify(path)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  if (parsed.data !== path) throw new RemotePathError(`${what} ${JSON.stringify(path)} has spaces around it`);
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** `base/segment/…` with every piece checked. */
export function joinRemote(base: string, ...segments: string[]): string {
  const root = checkAbsolutePath(base);
  return posix.join(root, ...segments.map((s) => checkSegment(s)));
}

/** `run_NNNN`: the run number zero-padded to 4 digits (longer numbers keep all their digits). */
export function runFolderName(runNumber: number): string {
  if (!Number.isSafeInteger(runNumber) || runNumber < 0) throw new RemotePathError(`Run number ${String(runNumber)} is not a whole number ≥ 0`);
  return `run_${String(runNumber).padStart(4, '0')}`;
}

/** `<root>/<experiment>/run_NNNN`, every piece checked. */
export function runFolderPath(root: string, experiment: string, runNumber: number): string {
  return joinRemote(root, checkExperimentFolder(experiment), runFolderName(runNumber));
}

/**
 * Reads the `folder` of an organize_files job (`<experiment>/run_NNNN`, as queued at Stop by
 * src/main/runs/jobs.ts) back into its parts, checking both.
 */
export function parseRunFolder(folder: string): { experiment: string; runNumber: number } {
  const match = /^([^/]*)\/run_(\d{4,})$/.exec(folder);
  if (!match) throw new RemotePathError(`Run folder ${JSON.stringify(folder)} is not <experiment>/run_NNNN`);
  const experiment = checkExperimentFolder(match[1] ?? '');
  const runNumber = Number(match[2]);
  if (runFolderName(runNumber) !== `run_${match[2] ?? ''}`) throw new RemotePathError(`Run folder ${JSON.stringify(folder)} is not zero-padded to 4 digits`);
  return { experiment, runNumber };
}

const CONFIG_FILE = /^(describe|prepare|configure)-.+\.xcfg$/;

/** A config file name from a config set (`describe-<d>.xcfg` …), checked as a single name. */
export function checkConfigFileName(name: string): string {
  checkSegment(name, 'Config file name');
  if (!CONFIG_FILE.test(name)) throw new RemotePathError(`Config file name ${JSON.stringify(name)} is not describe-/prepare-/configure-<name>.xcfg`);
  return name;
}
