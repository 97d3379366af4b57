// Free space of a staging directory's file system: `df -Pk <directory>` on the worker computer,
// read the same on Linux and macOS. `-P` (POSIX output) keeps each file system on one line
// (long device names would otherwise wrap) and `-k` counts in KiB on both systems.
import type { DiskSpace } from '../../shared/api/contract';
import { checkAbsolutePath } from './remote-paths';
import type { CommandOutput } from './staging';

/** The command for one directory (argv: quoted by the connection layer, never a shell string). */
export function diskSpaceCommand(directory: string): string[] {
  return ['df', '-Pk', checkAbsolutePath(directory, 'Staging directory')];
}

/** df failed or answered something that is not POSIX output. */
export class DiskSpaceError extends Error {
  override name = 'DiskSpaceError';
}

// Device (may hold spaces, e.g. macOS `map auto_home`), 1024-blocks, Used, Available, Capacity
// (`47%`, or `-` where the size is 0), then the mount point, which starts with `/` and may hold
// spaces too.
const ROW = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(\/.*)$/;

/** Reads the answer of `df -Pk <directory>`: the header, then one line for its file system. */
export function parseDiskSpace(directory: string, result: CommandOutput): DiskSpace {
  if (result.code !== 0) {
    const why = result.stderr.trim() || result.stdout.trim() || 'no message';
    throw new DiskSpaceError(`df failed (${result.code === null ? 'ended by a signal' : `exit ${result.code}`}): ${why}`);
  }
  const lines = result.stdout.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0] ?? '';
  if (!/^Filesystem\s+1024-blocks\s+Used\s+Avail(able)?\s+Capacity\s+Mounted on\s*$/.test(header)) {
    throw new DiskSpaceError(`Unexpected df header: ${JSON.stringify(header)}`);
  }
  if (lines.length !== 2) throw new DiskSpaceError(`df printed ${lines.length - 1} file systems for one directory: ${JSON.stringify(result.stdout)}`);
  const row = ROW.exec(lines[1] ?? '');
  if (!row) throw new DiskSpaceError(`Unreadable df line: ${JSON.stringify(lines[1])}`);
  const [totalKb, usedKb, availableKb] = [row[2], row[3], row[4]].map(Number) as [number, number, number];
  const capacity = row[5] ?? '-';
  // df's own percentage (used / (used + available), rounded up): what the operator compares with `df` there.
  const usedPercent = capacity === '-' ? (usedKb + availableKb === 0 ? 0 : Math.ceil((100 * usedKb) / (usedKb + availableKb))) : Number(capacity.slice(0, -1));
  return { directory, totalKb, usedKb, availableKb, usedPercent, mountPoint: (row[6] ?? '').trimEnd() };
}
