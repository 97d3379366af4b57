// The earlier system's refresh round, rebuilt honestly for comparison: the same simulators, the
// same GetState calls and the same `soap` package and WSDL as the product, but a new client built
// from the WSDL for every call, the calls spread over a pool of 2 workers carrying one call each
// at a time (Celery prefork workers).
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { projectRoot } from '../../src/main/app/paths';
import { resolveWorkerFile } from '../../src/main/app/worker-file';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import type { EarlierGetStateTask, EarlierResult } from './earlier-worker';

export const EARLIER_WORKERS = 2;

export interface EarlierSystem {
  /** One refresh round: every endpoint once; resolves with the number of answers. */
  round(endpoints: readonly EccEndpoint[]): Promise<number>;
  close(): Promise<void>;
}

export function createEarlierSystem(): EarlierSystem {
  const worker = resolveWorkerFile(import.meta.url, 'earlier-worker.ts', 'earlier-worker.js');
  const pool = new Piscina({
    filename: worker.filename,
    execArgv: worker.execArgv,
    name: 'getState',
    minThreads: EARLIER_WORKERS,
    maxThreads: EARLIER_WORKERS,
    concurrentTasksPerWorker: 1,
    // A refresh of every server is queued at once, as the earlier system's group of tasks was.
    maxQueue: Infinity,
  });
  const wsdlPath = join(projectRoot(), 'resources', 'ecc.wsdl');
  return {
    async round(endpoints) {
      const results = await Promise.all(
        endpoints.map((endpoint) => pool.run({ wsdlPath, endpoint, timeoutMs: 5_000 } satisfies EarlierGetStateTask) as Promise<EarlierResult>),
      );
      return results.filter((r) => r.ok).length;
    },
    close: () => pool.destroy(),
  };
}
