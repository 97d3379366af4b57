// `npm start`: the Electron application when Electron's binary is installed, otherwise the
// browser interface (npm run serve) with the same arguments. Before Electron starts, makes
// sure better-sqlite3's Electron build exists and the application is built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, root } from './serve.mjs';

const electronDir = join(root, 'node_modules', 'electron');

/** The Electron executable, or undefined when its download never happened or failed. */
export function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : undefined;
}

/** Electron's Node ABI (process.versions.modules), asked of the binary itself. */
export function electronAbi(binary) {
  const result = spawnSync(binary, ['-p', 'process.versions.modules'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
  const abi = result.status === 0 ? result.stdout.trim() : '';
  if (!/^\d+$/.test(abi)) throw new Error(`Could not ask Electron (${binary}) for its ABI: ${result.stderr || result.error}`);
  return abi;
}

async function main() {
  const args = process.argv.slice(2);
  const binary = electronBinary();
  if (!binary) {
    console.log("Electron's binary is not installed here (its download failed); starting the browser interface instead.");
    console.log('(Install it with `npx install-electron` where downloads work, then `npm start` opens the window.)');
    console.log('');
    ensureBuilt();
    // Same process: serve.js reads the arguments after the script name from argv.
    await import(pathToFileURL(join(root, 'out/main/serve.js')).href);
    return;
  }

  const abi = electronAbi(binary);
  const addon = join(root, 'native', `electron-v${abi}`, 'better_sqlite3.node');
  if (!existsSync(addon)) {
    console.log(`better-sqlite3 for Electron (ABI ${abi}) is missing: building it...`);
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'native-electron.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) {
      console.error('Could not build better-sqlite3 for Electron (see above). `npm run serve` works without it.');
      process.exit(built.status ?? 1);
    }
  }

  ensureBuilt();
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, ['.', ...args], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

await main();
