// `npm run dist`: the installers of this computer's system, as electron-builder.yml describes
// them (AppImage and .deb on Linux, NSIS on Windows, dmg on macOS), in dist/. Arguments go to
// electron-builder (e.g. `npm run dist -- --dir` for the unpacked application only).
// The better-sqlite3 build for Electron's ABI must exist first (`npm run native:electron`):
// electron-builder ships it as it is and rebuilds nothing (npmRebuild: false).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './serve.mjs';

/**
 * Electron's Node ABI as its npm package declares it (node_modules/electron/abi_version), so that
 * installers can be made where the Electron binary itself cannot run (another platform's).
 */
export function electronPackageAbi(projectRoot = root) {
  const file = join(projectRoot, 'node_modules', 'electron', 'abi_version');
  const abi = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!/^\d+$/.test(abi)) throw new Error(`Cannot tell Electron's ABI: ${file} is missing or not a number (is the electron package installed?)`);
  return abi;
}

/** The Electron build of better-sqlite3 that the installers ship. */
export function electronNativeAddon(projectRoot = root) {
  return join(projectRoot, 'native', `electron-v${electronPackageAbi(projectRoot)}`, 'better_sqlite3.node');
}

function run(command, args) {
  console.log(`> ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function main() {
  const addon = electronNativeAddon();
  if (!existsSync(addon)) {
    console.error(
      `dist: better-sqlite3 for Electron is missing (${addon}). Build it with \`npm run native:electron\` ` +
        "(it needs Electron's binary and headers), then run `npm run dist` again.",
    );
    process.exit(1);
  }
  // Always a fresh build: an installer made from an older out/ would ship older code.
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  run(process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js'), ...process.argv.slice(2)]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
