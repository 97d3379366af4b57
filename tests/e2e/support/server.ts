// Starts the serve-mode server (out/main/serve.js, built by `electron-vite build`) as a real
// process on a free port with its own data directory, and reads the link it prints.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { startServeProcess } from '../../support/serve-process';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// DAQ_OUT_DIR: another build folder (`electron-vite build --outDir <dir>`), e.g. for two builds side by side.
const SERVE_JS = join(process.env.DAQ_OUT_DIR ? resolve(process.env.DAQ_OUT_DIR) : join(ROOT, 'out'), 'main/serve.js');

export interface ServerOptions {
  dataDir: string;
  readOnly?: boolean;
  /** A fixed port, e.g. to restart on the port a page is connected to; a free one by default. */
  port?: number;
  /** Also serve a read-only monitor (--monitor-port; 0: a free port). */
  monitorPort?: number;
}

export interface RunningServer {
  /** The link the server printed, with its token. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  token: string;
  /** The monitor link it printed (with the monitor token), when it serves one. */
  monitorUrl?: string;
  dataDir: string;
  /** Everything the server printed so far, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'attpc-daq-e2e-'));
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!existsSync(SERVE_JS)) throw new Error(`${SERVE_JS} is missing: run \`npx electron-vite build\` first`);
  const args = ['--data', options.dataDir, '--port', String(options.port ?? 0)];
  if (options.readOnly) args.push('--read-only');
  if (options.monitorPort !== undefined) args.push('--monitor-port', String(options.monitorPort));
  const served = await startServeProcess({ script: SERVE_JS, args, cwd: ROOT, monitor: options.monitorPort !== undefined });
  return {
    url: served.url,
    origin: served.origin,
    port: served.port,
    token: served.token,
    ...(served.monitorUrl ? { monitorUrl: served.monitorUrl } : {}),
    dataDir: options.dataDir,
    output: served.output,
    stop: served.stop,
  };
}

/**
 * One server for the whole spec file: started before its first test with a fresh data
 * directory, stopped (and the directory removed) after its last one.
 */
export function serverForThisFile(options: { readOnly?: boolean } = {}): () => RunningServer {
  let server: RunningServer | undefined;
  let dataDir: string | undefined;
  test.beforeAll(async () => {
    dataDir = await makeDataDir();
    server = await startServer({ dataDir, ...options });
  });
  test.afterAll(async () => {
    await server?.stop();
    if (dataDir) await removeDataDir(dataDir);
  });
  return () => {
    if (!server) throw new Error('The server has not started');
    return server;
  };
}
