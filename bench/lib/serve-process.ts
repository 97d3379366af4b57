// The serve-mode server (out-bench/app/out/main/serve.js, see build.ts) as its own process on a
// free loopback port with a fresh data directory, and its API called as a script would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputOf, OperationName, OutputOf } from '../../src/shared/api/contract';
import type { ApiResult } from '../../src/shared/api/errors';
import { SERVE_JS } from './build';

export interface ServeProcess {
  /** The printed link, with the token. */
  url: string;
  origin: string;
  pid: number;
  call<K extends OperationName>(name: K, input: InputOf<K>): Promise<OutputOf<K>>;
  stop(): Promise<void>;
}

export async function startServe(): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'daq-bench-serve-'));
  const child = spawn(process.execPath, [SERVE_JS, '--data', dataDir, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.js printed no address within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.js exited (${code}):\n${output}`));
    });
  });
  // Keep reading, so a full pipe never blocks the server.
  child.stdout.resume();
  child.stderr.resume();
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  return {
    url,
    origin: parsed.origin,
    pid: child.pid ?? 0,
    async call(name, input) {
      const response = await fetch(`${parsed.origin}/api/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const result = (await response.json()) as ApiResult<unknown>;
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value as OutputOf<typeof name>;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
