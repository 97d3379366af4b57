// The serve-mode server (out-bench/main/serve.js, see build.ts) as its own process on a
// free loopback port with a fresh data directory, and its API called as a script would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputOf, OperationName, OutputOf } from '../../src/shared/api/contract';
import type { ApiResult } from '../../src/shared/api/errors';
import { startServeProcess } from '../../tests/support/serve-process';
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
  const served = await startServeProcess({ script: SERVE_JS, args: ['--data', dataDir, '--port', '0', '--host', '127.0.0.1'] });
  const { url, origin, token } = served;
  return {
    url,
    origin,
    pid: served.child.pid ?? 0,
    async call(name, input) {
      const response = await fetch(`${origin}/api/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const result = (await response.json()) as ApiResult<unknown>;
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value as OutputOf<typeof name>;
    },
    async stop() {
      await served.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
