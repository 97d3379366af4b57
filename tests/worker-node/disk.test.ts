// The free space of a staging directory: `df -Pk` output from Linux and macOS, df's failures as
// errors, and the real df of this computer read the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSpaceError, diskSpaceCommand, parseDiskSpace } from '../../src/main/worker-node/disk';
import { runLocally } from './programs';

const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });

describe('df -Pk output', () => {
  it('reads GNU df on Linux, a long device name on its one line', () => {
    const out = `Filesystem                                  1024-blocks      Used Available Capacity Mounted on
/dev/mapper/ubuntu--vg-ubuntu--lv--data--big   102687672  45678900  51763908      47% /data
`;
    expect(parseDiskSpace('/data/cobo0', ok(out))).toEqual({ directory: '/data/cobo0', totalKb: 102687672, usedKb: 45678900, availableKb: 51763908, usedPercent: 47, mountPoint: '/data' });
  });

  it('reads macOS df, a mount point with spaces included', () => {
    const out = `Filesystem    1024-blocks      Used Available Capacity  Mounted on
/dev/disk3s5    971350180 612345678 320000000    66%    /Volumes/GET Data
`;
    expect(parseDiskSpace('/Volumes/GET Data/staging', ok(out))).toEqual({
      directory: '/Volumes/GET Data/staging',
      totalKb: 971350180,
      usedKb: 612345678,
      availableKb: 320000000,
      usedPercent: 66,
      mountPoint: '/Volumes/GET Data',
    });
  });

  it('computes the percentage as df does when df prints none', () => {
    const out = 'Filesystem 1024-blocks Used Available Capacity Mounted on\nnone 0 0 0 - /proc\n';
    expect(parseDiskSpace('/proc', ok(out)).usedPercent).toBe(0);
  });

  it('makes a failure of df, or output that is not POSIX df, an error saying why', () => {
    expect(() => parseDiskSpace('/x', { code: 1, stdout: '', stderr: 'df: /x: No such file or directory\n' })).toThrow(/df failed \(exit 1\): df: \/x: No such file or directory/);
    expect(() => parseDiskSpace('/x', ok('Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 1 0 100% /\n'))).toThrow(DiskSpaceError);
    expect(() => parseDiskSpace('/x', ok('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 1 x 0 100% /\n'))).toThrow(/Unreadable df line/);
  });

  it('is asked of an absolute directory only, as argv', () => {
    expect(diskSpaceCommand("/data/it's here")).toEqual(['df', '-Pk', "/data/it's here"]);
    expect(() => diskSpaceCommand('data')).toThrow();
  });

  it('reads the real df of this computer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daq-df-'));
    try {
      const disk = parseDiskSpace(dir, await runLocally(diskSpaceCommand(dir)));
      expect(disk.directory).toBe(dir);
      expect(disk.totalKb).toBeGreaterThan(0);
      expect(disk.mountPoint.startsWith('/')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
