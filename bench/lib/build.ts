// The built application for the scenarios that run it as its own process (serve mode for the
// browser, the headless application for memory): electron-vite's output in out-bench (git-ignored,
// DAQ_OUT_DIR), not out/, which other people build into at any time. serve.js serves the
// interface built beside it (out-bench/renderer) and finds `resources` and node_modules in the
// project.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT_DIR = join(PROJECT_ROOT, 'out-bench');
export const SERVE_JS = join(OUT_DIR, 'main', 'serve.js');
export const MEMORY_APP_JS = join(OUT_DIR, 'main', 'bench-memory-app.js');
const MARKER = join(OUT_DIR, 'built-at');
/** What the build is made from: a change to any of them builds again. */
const INPUTS = ['src', 'bench/memory', 'bench/lib', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];

/** The newest modification time (ms) of a file, or of the files under a folder. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
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

/**
 * Builds the application (electron-vite: main with serve.js and the worker entries, preload,
 * renderer) and the benchmark's headless application entry, unless a build newer than every
 * source file is there already.
 */
export async function ensureBuild(log: (line: string) => void): Promise<void> {
  const sources = Math.max(...INPUTS.map((input) => newest(join(PROJECT_ROOT, input))));
  const builtAt = existsSync(MARKER) ? Number(readFileSync(MARKER, 'utf8')) : 0;
  if (builtAt > sources && existsSync(SERVE_JS) && existsSync(MEMORY_APP_JS)) return;
  const started = Date.now();
  log('  building the application into out-bench (electron-vite build)…');
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
