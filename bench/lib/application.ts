// The application as the benchmark uses it: openApplication on a fresh data directory, and an
// experiment whose ECC servers are the given simulators, put in place through the API in one
// `setup.import` (one transaction, whatever the number of servers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApplication, type Application, type ApplicationOptions } from '../../src/main/app/application';
import type { Caller } from '../../src/main/api/handler';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import type { EccStatus, InputOf, OperationName, OutputOf } from '../../src/shared/api/contract';
import { ApiError } from '../../src/shared/api/errors';
import type { Setup } from '../../src/shared/domain';
import { SETUP_FORMAT, SETUP_FORMAT_VERSION } from '../../src/shared/setup-document';
import { waitForQuery } from '../../tests/support/wait-for-query';
import { assertLoopback } from './loopback';

export const BENCH_CALLER: Caller = { origin: 'bench', osUser: 'bench', readOnly: false };

/** The config set every simulator lists by default (describe cobo0, configure experiment). */
export const CONFIG_SET = { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' };

export interface BenchApp {
  app: Application;
  /** Closes the application (and waits for its worker threads) and removes its data directory. */
  close(): Promise<void>;
}

/** The application on a fresh data directory; the SSH schedule is off unless asked for. */
export function openBenchApp(options: Omit<ApplicationOptions, 'dataDir'> = {}): BenchApp {
  const dataDir = mkdtempSync(join(tmpdir(), 'daq-bench-'));
  const app = openApplication({ dataDir, ...options, ssh: { schedule: false, ...options.ssh } });
  return {
    app,
    async close() {
      app.close();
      await app.closed;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function call<K extends OperationName>(app: Application, name: K, input: InputOf<K>): Promise<OutputOf<K>> {
  const result = await app.service.call(name, input, BENCH_CALLER);
  if (!result.ok) throw ApiError.from(result.error);
  return result.value as OutputOf<K>;
}

/**
 * A setup document of one CoBo per ECC server, each server a simulator with the config set
 * selected; the data routers are on loopback too (nothing here contacts them unless the SSH
 * schedule is on).
 */
export function setupDocument(name: string, endpoints: readonly EccEndpoint[]): InputOf<'setup.import'>['document'] {
  for (const endpoint of endpoints) assertLoopback(endpoint.address);
  return {
    format: SETUP_FORMAT,
    formatVersion: SETUP_FORMAT_VERSION,
    experiment: { name },
    eccServers: endpoints.map((endpoint, i) => ({
      name: `ECC${i}`,
      address: endpoint.address,
      port: endpoint.port,
      soapNamespace: endpoint.soapNamespace,
      logPath: '/var/log/ecc.log',
      configRoot: '/home/daq/configs',
      configBackupRoot: '/home/daq/configs/backup',
      selectedConfigSet: CONFIG_SET,
    })),
    dataRouters: endpoints.map((_, i) => ({
      name: `DataRouter${i}`,
      address: '127.0.0.1',
      port: 46005 + i,
      connectionType: 'TCP',
      logPath: '/var/log/dataRouter.log',
    })),
    dataSources: endpoints.map((_, i) => ({ name: `CoBo[${i}]`, eccServer: `ECC${i}`, dataRouter: `DataRouter${i}` })),
    observables: [],
  };
}

/** Creates an experiment (made active) whose ECC servers are `endpoints`, in this order. */
export async function createExperiment(app: Application, name: string, endpoints: readonly EccEndpoint[]): Promise<Setup> {
  const experiment = await call(app, 'experiments.create', { name, activate: true });
  return call(app, 'setup.import', { experimentId: experiment.id, document: setupDocument(name, endpoints) });
}

/** Resolves with the first `ecc.status` the application pushes that satisfies `predicate`. */
export function waitForStatus(app: Application, predicate: (status: EccStatus) => boolean, timeoutMs = 30_000): Promise<EccStatus> {
  return waitForQuery(app.service, BENCH_CALLER, 'ecc.status', {}, predicate, timeoutMs);
}
