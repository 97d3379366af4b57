// Where better-sqlite3's Electron build lives. node_modules holds the Node build (tests and the
// browser-interface server use it); Electron needs one built for its own ABI, kept apart in
// native/electron-v<abi>/ by scripts/native-electron.mjs and shipped as an extra resource.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './app/paths';

export const NATIVE_ADDON = 'better_sqlite3.node';

/** The folder for one Electron ABI, relative to the project root or to the packaged resources. */
export function nativeFolder(abi: string = process.versions.modules): string {
  return join('native', `electron-v${abi}`);
}

export interface NativeBindingOptions {
  /** app.isPackaged; when unknown, the packaged location is tried first. */
  packaged?: boolean;
  resourcesPath?: string;
  root?: string;
  abi?: string;
}

/**
 * Where the addon may be, in the order tried: in the packaged resources (`<resources>/native/
 * electron-v<abi>/`, an extra resource of electron-builder.yml) and in the checkout's native/.
 */
export function nativeBindingCandidates(options: NativeBindingOptions = {}): string[] {
  const abi = options.abi ?? process.versions.modules;
  const resourcesPath = options.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  const packagedPath = resourcesPath ? join(resourcesPath, nativeFolder(abi), NATIVE_ADDON) : undefined;
  const devPath = join(options.root ?? projectRoot(), nativeFolder(abi), NATIVE_ADDON);
  const candidates = options.packaged === true ? [packagedPath] : options.packaged === false ? [devPath] : [packagedPath, devPath];
  return candidates.filter((path): path is string => path !== undefined);
}

/**
 * The addon better-sqlite3 must load inside Electron, or undefined outside Electron (plain Node
 * uses the build in node_modules). Throws a message saying how to build it when it is missing.
 */
export function electronNativeBinding(options: NativeBindingOptions = {}): string | undefined {
  if (!process.versions.electron) return undefined;
  const candidates = nativeBindingCandidates(options);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    `better-sqlite3 for Electron (ABI ${options.abi ?? process.versions.modules}) is missing: looked for ${candidates.join(' and ')}. ` +
      'Build it with `npm run native:electron` (needs Electron and its headers), or use `npm run serve`.',
  );
}
