// `npm run serve`: builds the application when the build is missing or older than the sources,
// then runs the browser-interface server (out/main/serve.js) with the given arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time under a path (a file or a folder, recursively). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Runs `electron-vite build` unless every output is newer than every input. */
export function ensureBuilt() {
  const outputs = ['out/main/index.js', 'out/main/serve.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((file) =>
    join(root, file),
  );
  const inputs = ['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json'].map((path) => join(root, path));
  const built = outputs.every((file) => existsSync(file)) ? Math.min(...outputs.map((file) => statSync(file).mtimeMs)) : 0;
  if (built > Math.max(...inputs.map(newest))) return;
  console.log(built === 0 ? 'Building the application (first run)...' : 'Sources changed: rebuilding...');
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The build failed (see above).');
    process.exit(result.status ?? 1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureBuilt();
  // Same process: signals (Ctrl+C) reach the server directly; it reads its options from argv.
  await import(pathToFileURL(join(root, 'out/main/serve.js')).href);
}
