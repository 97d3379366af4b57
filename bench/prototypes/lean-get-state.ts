// PROTOTYPE, not product code: a refresh round through the lean GetState worker, with the
// product gateway's pool settings (2 threads here, 64 calls per thread, batches of 25), so that
// the only difference from the product's round is the client code inside the threads.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { resolveWorkerFile } from '../../src/main/app/worker-file';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import type { LeanGetStatesTask, LeanResult } from './lean-get-state-worker';

const BATCH = 25;

export interface LeanRefresh {
  /** One round: every endpoint once; resolves with the number of answers. */
  round(endpoints: readonly EccEndpoint[]): Promise<number>;
  close(): Promise<void>;
}

export function createLeanRefresh(): LeanRefresh {
  const worker = resolveWorkerFile(import.meta.url, 'lean-get-state-worker.ts', 'lean-get-state-worker.js');
  const pool = new Piscina({
    filename: worker.filename,
    execArgv: worker.execArgv,
    name: 'getStates',
    minThreads: 1,
    maxThreads: Math.min(4, Math.max(2, Math.floor(availableParallelism() / 2))),
    concurrentTasksPerWorker: 64,
    maxQueue: 1000,
  });
  return {
    async round(endpoints) {
      const batches: EccEndpoint[][] = [];
      for (let i = 0; i < endpoints.length; i += BATCH) batches.push(endpoints.slice(i, i + BATCH));
      const results = await Promise.all(
        batches.map((batch) => pool.run({ endpoints: batch, timeoutMs: 5_000 } satisfies LeanGetStatesTask) as Promise<LeanResult[]>),
      );
      return results.flat().filter((r) => r.ok).length;
    },
    close: () => pool.destroy(),
  };
}
