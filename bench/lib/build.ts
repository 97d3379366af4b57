// The built application for the scenarios that run it as its own process (serve mode for the
// browser, the headless application for memory). Built into out-bench/app (git-ignored) as a
// small stand-alone copy of the project's layout: its own package.json (same name and version),
// `resources` linked to the project's, and electron-vite's output in out-bench/app/out. Why a
// copy: serve.js serves the renderer from <project root>/out/renderer, and other people build
// into out/ at any time; here the project root of the built code is out-bench/app, so serve.js
// serves the renderer built with it. node_modules is still found by walking up to the project.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const APP_DIR = join(PROJECT_ROOT, 'out-bench', 'app');
export const OUT_DIR = join(APP_DIR, 'out');
export const SERVE_JS = join(OUT_DIR, 'main', 'serve.js');
export const MEMORY_APP_JS = join(OUT_DIR, 'main', 'bench-memory-app.js');
const MARKER = join(APP_DIR, 'built-at');

/** The newest modification time (ms) of the files under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output.slice(-4000)}`))));
  });
}

/** The stand-alone layout around the build (see the top of this file). */
function prepareLayout(): void {
  mkdirSync(APP_DIR, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; type: string };
  writeFileSync(join(APP_DIR, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: pkg.type, private: true }, null, 2)}\n`);
  const resources = join(APP_DIR, 'resources');
  if (!existsSync(resources)) symlinkSync(join(PROJECT_ROOT, 'resources'), resources, 'dir');
}

/**
 * Builds the application (electron-vite: main with serve.js and the worker entries, preload,
 * renderer) and the benchmark's headless application entry, unless a build newer than every
 * source file is there already.
 */
export async function ensureBuild(log: (line: string) => void): Promise<void> {
  const sources = Math.max(newest(join(PROJECT_ROOT, 'src')), newest(join(PROJECT_ROOT, 'bench', 'memory')));
  const builtAt = existsSync(MARKER) ? Number(readFileSync(MARKER, 'utf8')) : 0;
  if (builtAt > sources && existsSync(SERVE_JS) && existsSync(MEMORY_APP_JS)) return;
  prepareLayout();
  const started = Date.now();
  log('  building the application into out-bench/app (electron-vite build)…');
  await run(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { DAQ_OUT_DIR: OUT_DIR });
  log('  building the headless application entry (vite)…');
  // Same code as the product's modules, bundled like serve.js; packages stay external.
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: PROJECT_ROOT,
    logLevel: 'warn',
    build: {
      ssr: join(PROJECT_ROOT, 'bench', 'memory', 'app-process.ts'),
      outDir: join(OUT_DIR, 'main'),
      emptyOutDir: false,
      minify: false,
      rollupOptions: { output: { entryFileNames: 'bench-memory-app.js' } },
    },
  });
  writeFileSync(MARKER, String(started));
  log(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
}
