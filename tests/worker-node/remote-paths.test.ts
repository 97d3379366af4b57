// Every remote path built from typed text is checked piece by piece before use.
import { describe, expect, it } from 'vitest';
import {
  RemotePathError,
  checkAbsolutePath,
  checkConfigFileName,
  checkExperimentFolder,
  checkSegment,
  joinRemote,
  parseRunFolder,
  runFolderName,
  runFolderPath,
} from '../../src/main/worker-node/remote-paths';

const HOSTILE = ['x; rm -rf ~', '../../etc', '$(reboot)', '`reboot`', '..', '.', '', 'a/b', 'a\nb', 'a\0b', ' e1', 'e1 ', '-rf', '.hidden'];

describe('remote paths', () => {
  it('refuse experiment names that could leave their folder or run a command', () => {
    for (const name of HOSTILE) expect(() => checkExperimentFolder(name), JSON.stringify(name)).toThrow(RemotePathError);
    expect(checkExperimentFolder('e20009_2025')).toBe('e20009_2025');
    expect(checkExperimentFolder('He8.beam-test')).toBe('He8.beam-test');
  });

  it('refuse path pieces that are empty, dot names, contain a slash or control characters, or are too long', () => {
    for (const segment of ['', '.', '..', 'a/b', 'tab\there', 'del\x7f', ' padded', 'x'.repeat(256)]) {
      expect(() => checkSegment(segment), JSON.stringify(segment)).toThrow(RemotePathError);
    }
    expect(checkSegment('CoBo0_AsAd0_2025-01-01T00:00:00.000_0000.graw')).toBe('CoBo0_AsAd0_2025-01-01T00:00:00.000_0000.graw');
  });

  it('accept only absolute paths without .. and return them normalized', () => {
    expect(checkAbsolutePath('/data/staging/')).toBe('/data/staging');
    expect(checkAbsolutePath('/data//staging/./cobo0')).toBe('/data/staging/cobo0');
    expect(checkAbsolutePath('/')).toBe('/');
    for (const path of ['data/staging', '/data/../etc', '/data/\nx', '', ' /data']) expect(() => checkAbsolutePath(path), JSON.stringify(path)).toThrow(RemotePathError);
  });

  it('join with POSIX slashes and build <root>/<experiment>/run_NNNN', () => {
    expect(joinRemote('/data/staging', 'e1', 'run_0007')).toBe('/data/staging/e1/run_0007');
    expect(runFolderPath('/cfg/backup/', 'e1', 7)).toBe('/cfg/backup/e1/run_0007');
    expect(runFolderName(0)).toBe('run_0000');
    expect(runFolderName(12345)).toBe('run_12345');
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => runFolderName(bad)).toThrow(RemotePathError);
    expect(() => joinRemote('/data', '..', 'etc')).toThrow(RemotePathError);
    expect(() => runFolderPath('/data', '../../etc', 1)).toThrow(RemotePathError);
  });

  it('read back the folder of an organize job, refusing anything else', () => {
    expect(parseRunFolder('e1/run_0042')).toEqual({ experiment: 'e1', runNumber: 42 });
    expect(parseRunFolder('e1/run_12345')).toEqual({ experiment: 'e1', runNumber: 12345 });
    for (const folder of ['e1/run_42', '../run_0001', 'a/b/run_0001', '$(reboot)/run_0001', 'e1/run_00042', 'e1']) {
      expect(() => parseRunFolder(folder), folder).toThrow(RemotePathError);
    }
  });

  it('accept only describe-, prepare- and configure- .xcfg file names for config backups', () => {
    expect(checkConfigFileName('describe-cobo.xcfg')).toBe('describe-cobo.xcfg');
    for (const name of ['../describe-x.xcfg', 'passwd', 'describe-.xcfg', 'configure-a/b.xcfg', 'prepare-x.xcfg.sh']) {
      expect(() => checkConfigFileName(name), name).toThrow(RemotePathError);
    }
  });
});
