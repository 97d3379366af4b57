// Finds a Piscina worker module: the TypeScript source (compiled by tsx) when the calling module
// is itself TypeScript (vitest, tsx), else the entry electron-vite built next to the main bundle.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export interface WorkerFile {
  filename: string;
  /** `['--require', <tsx/cjs>]` when the file is TypeScript. */
  execArgv: string[];
}

/**
 * Where a built worker entry may be, seen from the folder of the bundled module that starts it:
 * that module may be out/main/index.js or a chunk below it (out/main/chunks/). Packaged, the same
 * folders are inside resources/app.asar, which Electron reads in worker threads too.
 */
export function builtWorkerCandidates(callerDir: string, builtName: string): string[] {
  return [join(callerDir, builtName), join(callerDir, '..', builtName), join(callerDir, '..', '..', builtName)];
}

/**
 * `sourceName` sits beside the calling module (`moduleUrl`) in the sources; `builtName` is the
 * build entry's file (e.g. `ecc-worker.js`), in out/main next to the bundle.
 */
export function resolveWorkerFile(moduleUrl: string, sourceName: string, builtName: string): WorkerFile {
  const here = dirname(fileURLToPath(moduleUrl));
  if (moduleUrl.endsWith('.ts')) {
    // Node 20 ignores `--import` in a worker's execArgv, but honours `--require`: tsx's require
    // hook compiles the worker, which Piscina loads with require() first.
    return { filename: join(here, sourceName), execArgv: ['--require', createRequire(moduleUrl).resolve('tsx/cjs')] };
  }
  const candidates = builtWorkerCandidates(here, builtName);
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`The worker ${builtName} is not next to the main bundle: looked for ${candidates.join(', ')}`);
  return { filename: found, execArgv: [] };
}

/**
 * A plain worker thread (not a Piscina pool) running `file`. A TypeScript source cannot be a
 * thread's main module in this ES module package (Node refuses the .ts extension), so it is
 * required by a one-line script, through the tsx hook that execArgv loads, as Piscina does.
 */
export function startWorkerThread(file: WorkerFile, options: Omit<WorkerOptions, 'eval' | 'execArgv'> = {}): Worker {
  if (file.filename.endsWith('.ts')) {
    return new Worker(`require(${JSON.stringify(file.filename)});`, { ...options, eval: true, execArgv: file.execArgv });
  }
  return new Worker(file.filename, { ...options, execArgv: file.execArgv });
}
