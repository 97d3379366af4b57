// The product's EccGateway: SOAP calls run as tasks of ONE Piscina pool (worker.ts), so no
// network wait or XML parsing happens on the main thread. Each call has two limits
// (DOMAIN.md, "Background work and its schedule"): the soft limit is the call's own timeout
// inside the worker, which aborts the request and closes its socket; the hard limit is an abort
// signal in this thread that settles the call with a timeout whatever the worker does, a safety
// net for a stuck thread (the pool is then replaced). Calls wait on the network, so each thread
// carries many at once (concurrentTasksPerWorker).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import type { EccStep } from '../../shared/domain';
import { projectRoot } from '../app/paths';
import { TimedPoolError, checkLimits, createTimedPool, type TimedPoolFailure } from '../app/timed-pool';
import { resolveWorkerFile, type WorkerFile } from '../app/worker-file';
import {
  EccCallError,
  type CallLimits,
  type ConfigSetNames,
  type DataLink,
  type EccEndpoint,
  type EccErrorKind,
  type EccGateway,
  type StateReport,
  type StepAnswer,
} from './gateway';
import { PayloadError, buildConfigId, buildTable } from './payloads';
import type { ConfigIdsValue, GetConfigIdsTask, GetStatesTask, GetStateTask, StepTask, TaskResult } from './worker';

/** DOMAIN.md: GetState 5 s / 10 s; a step 45 s / 60 s. GetConfigIDs is as quick as GetState. */
export const DEFAULT_GET_STATE_LIMITS: CallLimits = { softMs: 5_000, hardMs: 10_000 };
export const DEFAULT_CONFIG_IDS_LIMITS: CallLimits = { softMs: 5_000, hardMs: 10_000 };
export const DEFAULT_STEP_LIMITS: CallLimits = { softMs: 45_000, hardMs: 60_000 };

/**
 * A refresh round leaves short-lived garbage only (sockets, buffers, parsed answers): with V8's
 * default young generation (48 MB per thread on a 64-bit machine) each thread grows far beyond
 * what it keeps before collecting it. A small one is collected often, and cheaply since little
 * of it survives. The application refreshing 200 servers back to back with the lean GetState
 * (docs/performance.md, "6. Memory"), resident memory median / max: 196 / 253 MB without a
 * limit, 183–191 / 191–204 MB with 8 MB, 177–179 / 186–187 MB with 4 MB; rounds as fast.
 */
export const DEFAULT_ECC_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

export type EccWorkerFile = WorkerFile;

export interface EccGatewayOptions {
  /** The self-contained WSDL; default `resources/ecc.wsdl` of the application. */
  wsdlPath?: string;
  getStateLimits?: CallLimits;
  configIdsLimits?: CallLimits;
  stepLimits?: CallLimits;
  /**
   * Threads. Calls wait on the network, so a few threads carry many calls each; more threads
   * only share the XML parsing. Default: 2 to 4 depending on the processor.
   */
  maxThreads?: number;
  /**
   * Calls one thread carries at once (default 64): a server that never answers holds a slot,
   * not a thread, until its soft limit.
   */
  concurrentTasksPerWorker?: number;
  /**
   * Tasks allowed to wait for a slot (default 1000). A refresh round of N servers is
   * ceil(N / batchSize) tasks; beyond this, calls are refused at once ('other') instead of piling
   * up behind servers that do not answer.
   */
  maxQueue?: number;
  /**
   * A thread left without work this long ends (default 60 s). Longer than the 5 s refresh
   * period, so the threads that parsed the WSDL stay warm while the application polls.
   */
  idleTimeout?: number;
  /** GetState calls per task of a refresh round (default 25); the calls of a task run at once. */
  batchSize?: number;
  /** How long close() lets running calls finish before ending the threads (default 2 s). */
  closeTimeoutMs?: number;
  /** Each thread's V8 limits (default DEFAULT_ECC_RESOURCE_LIMITS: a small young generation). */
  resourceLimits?: ResourceLimits;
  /** The worker module; found automatically (see resolveEccWorker). */
  worker?: EccWorkerFile;
  /** Told about GetConfigIDs entries that could not be read (names with & or <, …). */
  onConfigIdsSkipped?: (endpoint: EccEndpoint, reasons: string[]) => void;
}

/**
 * The worker module: `worker.ts` compiled by tsx when this module is itself TypeScript (vitest,
 * tsx), else the `ecc-worker.js` entry built next to the main bundle (`out/main`).
 */
export function resolveEccWorker(moduleUrl: string = import.meta.url): EccWorkerFile {
  return resolveWorkerFile(moduleUrl, 'worker.ts', 'ecc-worker.js');
}

/** Steps that read `configID` (Describe, Prepare, Configure) and `table` (Configure). */
const READS_CONFIG_ID = new Set<EccStep>(['Describe', 'Prepare', 'Configure']);
const READS_TABLE = new Set<EccStep>(['Configure']);

export function createEccGateway(options: EccGatewayOptions = {}): EccGateway {
  const wsdlPath = options.wsdlPath ?? join(projectRoot(), 'resources', 'ecc.wsdl');
  const stateLimits = checkLimits('getStateLimits', options.getStateLimits ?? DEFAULT_GET_STATE_LIMITS);
  const configIdsLimits = checkLimits('configIdsLimits', options.configIdsLimits ?? DEFAULT_CONFIG_IDS_LIMITS);
  const stepLimits = checkLimits('stepLimits', options.stepLimits ?? DEFAULT_STEP_LIMITS);
  const batchSize = Math.max(1, options.batchSize ?? 25);
  const worker = options.worker ?? resolveEccWorker();
  const maxThreads = options.maxThreads ?? Math.min(4, Math.max(2, Math.floor(availableParallelism() / 2)));
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;

  const timedPool = createTimedPool({
    worker,
    // Every run names its task; this one is what a new thread loads first.
    firstTask: 'getState',
    minThreads: 1,
    maxThreads,
    concurrentTasksPerWorker: options.concurrentTasksPerWorker ?? 64,
    maxQueue: options.maxQueue ?? 1000,
    idleTimeout: options.idleTimeout ?? 60_000,
    retireGraceMs: Math.max(stateLimits.hardMs, configIdsLimits.hardMs, stepLimits.hardMs),
    closeTimeoutMs,
    resourceLimits: options.resourceLimits ?? DEFAULT_ECC_RESOURCE_LIMITS,
  });

  const FAILURES: Record<TimedPoolFailure, (name: string, message: string) => EccCallError> = {
    timeout: (_name, message) => new EccCallError('timeout', message),
    closed: () => new EccCallError('other', 'The ECC gateway is closed'),
    busy: () => new EccCallError('other', 'Too many ECC calls are waiting: this one was refused'),
    failed: (_name, message) => new EccCallError('other', `The ECC worker failed: ${message}`),
  };

  /** Runs one task under its hard limit (see app/timed-pool.ts). */
  async function run<R>(name: string, task: object, limits: CallLimits): Promise<R> {
    checkLimits(`The ${name} call's limits`, limits);
    try {
      return await timedPool.run<R>(name, task, AbortSignal.timeout(limits.hardMs), limits.hardMs);
    } catch (error) {
      if (error instanceof TimedPoolError) throw FAILURES[error.failure](name, error.message);
      throw error;
    }
  }

  function unwrap<T>(result: TaskResult<T>): T {
    if (result.ok) return result.value;
    throw new EccCallError(result.kind, result.message);
  }

  return {
    async getState(endpoint: EccEndpoint, limits = stateLimits): Promise<StateReport> {
      const task: GetStateTask = { wsdlPath, timeoutMs: limits.softMs, endpoint };
      return unwrap(await run<TaskResult<StateReport>>('getState', task, limits));
    },

    async getStates(endpoints: EccEndpoint[], limits = stateLimits) {
      type Row = { ok: true; report: StateReport } | { ok: false; kind: EccErrorKind; message: string };
      const batches: EccEndpoint[][] = [];
      for (let i = 0; i < endpoints.length; i += batchSize) batches.push(endpoints.slice(i, i + batchSize));
      const rows = await Promise.all(
        batches.map(async (batch): Promise<Row[]> => {
          const task: GetStatesTask = { wsdlPath, timeoutMs: limits.softMs, endpoints: batch };
          try {
            const results = await run<TaskResult<StateReport>[]>('getStates', task, limits);
            return results.map((r): Row => (r.ok ? { ok: true, report: r.value } : r));
          } catch (error) {
            const e = error instanceof EccCallError ? error : new EccCallError('other', String(error));
            return batch.map((): Row => ({ ok: false, kind: e.kind, message: e.message }));
          }
        }),
      );
      return rows.flat();
    },

    async getConfigIds(endpoint: EccEndpoint, limits = configIdsLimits): Promise<ConfigSetNames[]> {
      const task: GetConfigIdsTask = { wsdlPath, timeoutMs: limits.softMs, endpoint };
      const value = unwrap(await run<TaskResult<ConfigIdsValue>>('getConfigIds', task, limits));
      if (value.errorCode !== 0) {
        throw new EccCallError('other', `GetConfigIDs failed (error ${value.errorCode}): ${value.errorMessage}`);
      }
      if (value.skipped.length > 0) options.onConfigIdsSkipped?.(endpoint, value.skipped);
      return value.sets;
    },

    async step(endpoint: EccEndpoint, step: EccStep, configSet: ConfigSetNames, links: DataLink[], limits = stepLimits): Promise<StepAnswer> {
      // The payloads are built here, so a value the server cannot take is refused at once. A
      // step that does not read a payload is never blocked by it (Undo must always be possible).
      let configID = '';
      let table = '';
      try {
        configID = buildConfigId(configSet);
      } catch (error) {
        if (!(error instanceof PayloadError)) throw error;
        if (READS_CONFIG_ID.has(step)) throw new EccCallError('other', `${step} not sent: ${error.message}`);
      }
      try {
        table = buildTable(links);
      } catch (error) {
        if (!(error instanceof PayloadError)) throw error;
        if (READS_TABLE.has(step)) throw new EccCallError('other', `${step} not sent: ${error.message}`);
      }
      const task: StepTask = { wsdlPath, timeoutMs: limits.softMs, endpoint, step, configID, table };
      return unwrap(await run<TaskResult<StepAnswer>>('step', task, limits));
    },

    close: () => timedPool.close(),
  };
}
