// Starts the serve-mode server (out/main/serve.js, built by `electron-vite build`) as a real
// process on a free port with its own data directory, and reads the link it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// DAQ_OUT_DIR: another build folder (`electron-vite build --outDir <dir>`), e.g. for two builds side by side.
const SERVE_JS = join(process.env.DAQ_OUT_DIR ? resolve(process.env.DAQ_OUT_DIR) : join(ROOT, 'out'), 'main/serve.js');
const START_TIMEOUT_MS = 20_000;

export interface ServerOptions {
  dataDir: string;
  readOnly?: boolean;
  /** A fixed port, e.g. to restart on the port a page is connected to; a free one by default. */
  port?: number;
}

export interface RunningServer {
  /** The link the server printed, with its token. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  token: string;
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

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!existsSync(SERVE_JS)) throw new Error(`${SERVE_JS} is missing: run \`npx electron-vite build\` first`);
  const args = [SERVE_JS, '--data', options.dataDir, '--port', String(options.port ?? 0)];
  if (options.readOnly) args.push('--read-only');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve.js printed no "Open:" line within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: string) => {
      output += chunk;
      const match = /Open:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve.js exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });

  const parsed = new URL(url);
  const token = parsed.searchParams.get('token');
  if (!token) throw new Error(`The printed link has no token: ${url}`);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token,
    dataDir: options.dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
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
