// Where the application looks for its native module and its worker threads' modules, in the
// checkout and when packaged (tests/packaging checks the packaged layout against these).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { builtWorkerCandidates, resolveWorkerFile } from '../../src/main/app/worker-file';
import { NATIVE_ADDON, electronNativeBinding, nativeBindingCandidates, nativeFolder } from '../../src/main/native';

describe("better-sqlite3's Electron build", () => {
  const resourcesPath = join('/opt', 'AT-TPC DAQ Control', 'resources');
  const root = join('/home', 'shift', 'attpc-daq-control');

  it('is looked for among the packaged resources when packaged', () => {
    expect(nativeBindingCandidates({ packaged: true, resourcesPath, root, abi: '150' })).toEqual([
      join(resourcesPath, 'native', 'electron-v150', NATIVE_ADDON),
    ]);
  });

  it("is looked for in the checkout's native/ folder when not packaged", () => {
    expect(nativeBindingCandidates({ packaged: false, resourcesPath, root, abi: '150' })).toEqual([join(root, nativeFolder('150'), NATIVE_ADDON)]);
  });

  it('is looked for in both, the packaged one first, when it is not known whether the app is packaged', () => {
    expect(nativeBindingCandidates({ resourcesPath, root, abi: '150' })).toEqual([
      join(resourcesPath, 'native', 'electron-v150', NATIVE_ADDON),
      join(root, 'native', 'electron-v150', NATIVE_ADDON),
    ]);
  });

  it('is not needed outside Electron (plain Node loads the build in node_modules)', () => {
    expect(process.versions.electron).toBeUndefined();
    expect(electronNativeBinding({ packaged: true, resourcesPath: '/nowhere' })).toBeUndefined();
  });
});

describe("a worker thread's built module", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function bundle(files: string[]): string {
    dir = mkdtempSync(join(tmpdir(), 'worker-file-'));
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
    return dir;
  }

  it('is found next to the main bundle from a chunk below it', () => {
    const out = bundle(['out/main/ecc-worker.js', 'out/main/chunks/application-x.js']);
    const caller = pathToFileURL(join(out, 'out/main/chunks/application-x.js')).href;
    expect(resolveWorkerFile(caller, 'worker.ts', 'ecc-worker.js')).toEqual({ filename: join(out, 'out/main/ecc-worker.js'), execArgv: [] });
  });

  it('is found next to the main bundle from the main bundle itself', () => {
    const out = bundle(['out/main/ssh-worker.js', 'out/main/index.js']);
    const caller = pathToFileURL(join(out, 'out/main/index.js')).href;
    expect(resolveWorkerFile(caller, 'ssh-worker.ts', 'ssh-worker.js').filename).toBe(join(out, 'out/main/ssh-worker.js'));
  });

  it('is missing with a message naming every place looked at', () => {
    const out = bundle(['out/main/chunks/application-x.js']);
    const caller = pathToFileURL(join(out, 'out/main/chunks/application-x.js')).href;
    const places = builtWorkerCandidates(join(out, 'out/main/chunks'), 'demo-worker.js');
    expect(places).toContain(join(out, 'out/main/demo-worker.js'));
    expect(() => resolveWorkerFile(caller, 'demo-thread.ts', 'demo-worker.js')).toThrow(
      `The worker demo-worker.js is not next to the main bundle: looked for ${places.join(', ')}`,
    );
  });
});
