// Fixtures of the ECC control, run and schedule tests: the whole application (openApplication on
// a fresh data directory, the real gateway and its worker threads) over simulated ECC servers on
// 127.0.0.1, with short step durations and limits. Waits are on what the application reports.
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Application, ApplicationOptions } from '../../src/main/app/application';
import { openApplication } from '../../src/main/app/application';
import {
  closeEccSimulators,
  startEccSimulator,
  type EccRequestRecord,
  type EccSimulator,
  type EccSimulatorOptions,
} from '../../src/main/ecc/simulator';
import type { EccStatus, InputOf, OperationName, OutputOf, QueryName } from '../../src/shared/api/contract';
import { ApiError } from '../../src/shared/api/errors';
import { ECC_STEPS, type LogEntry } from '../../src/shared/domain';
import { operator, tempDir } from '../support/store';
import { waitForQuery } from '../support/wait-for-query';

/** Limits short enough for tests, long enough for a loaded machine. */
export const LIMITS = {
  getState: { softMs: 500, hardMs: 1_500 },
  step: { softMs: 1_000, hardMs: 3_000 },
};

const opened: Application[] = [];
const simulators: EccSimulator[] = [];

afterEach(async () => {
  const apps = opened.splice(0);
  for (const app of apps) app.close();
  await Promise.all(apps.map((app) => app.closed));
  await closeEccSimulators(simulators.splice(0));
});

export type AppOptions = Partial<Omit<ApplicationOptions, 'dataDir'>>;

/** The application on a data directory (a fresh one by default), closed after the test. */
export function openApp(dataDir = tempDir('daq-ecc-'), options: AppOptions = {}): Application {
  const app = openApplication({
    dataDir,
    nativeBinding: undefined,
    ...options,
    ecc: {
      gateway: { getStateLimits: LIMITS.getState, configIdsLimits: LIMITS.getState, stepLimits: LIMITS.step, maxThreads: 2 },
      control: { followIntervalMs: 50 },
      schedule: { refreshIntervalMs: 300, transitionIntervalMs: 100 },
      ...options.ecc,
    },
    // The SSH checks and after-stop jobs only where a test asks for them (tests/runs/ssh-jobs.test.ts).
    ssh: { schedule: false, ...options.ssh },
  });
  opened.push(app);
  return app;
}

/** Closes an application opened by openApp now (e.g. to reopen its data directory). */
export async function closeApp(app: Application): Promise<void> {
  const i = opened.indexOf(app);
  if (i >= 0) opened.splice(i, 1);
  app.close();
  await app.closed;
}

export async function simulator(options: EccSimulatorOptions = {}): Promise<EccSimulator> {
  const started = await startEccSimulator({ strict: true, stepMs: 50, ...options });
  simulators.push(started);
  return started;
}

export async function call<K extends OperationName>(app: Application, name: K, input: InputOf<K>): Promise<OutputOf<K>> {
  const result = await app.service.call(name, input, operator);
  if (!result.ok) throw ApiError.from(result.error);
  return result.value as OutputOf<K>;
}

/** The error an operation is refused with (fails the test when it succeeds). */
export async function refusal<K extends OperationName>(app: Application, name: K, input: InputOf<K>): Promise<ApiError> {
  try {
    await call(app, name, input);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`${name} was not refused`);
}

/** Resolves with the first result of a query subscription that satisfies `predicate`. */
export function waitFor<K extends QueryName>(
  app: Application,
  name: K,
  input: InputOf<K>,
  predicate: (value: OutputOf<K>) => boolean,
  timeoutMs = 10_000,
): Promise<OutputOf<K>> {
  return waitForQuery(app.service, operator, name, input, predicate, timeoutMs);
}

export function waitForStatus(app: Application, predicate: (status: EccStatus) => boolean, timeoutMs?: number): Promise<EccStatus> {
  return waitFor(app, 'ecc.status', {}, predicate, timeoutMs);
}

/** Waits for the end of the operation on all servers that started after `since` (ISO time). */
export function waitForReport(app: Application, since: string, timeoutMs?: number) {
  return waitForStatus(app, (s) => s.operation === null && s.lastReport !== null && s.lastReport.startedAt >= since, timeoutMs).then(
    (s) => s.lastReport as NonNullable<EccStatus['lastReport']>,
  );
}

/** Waits until no step of the application's is under way on the server, and returns its status. */
export async function waitForIdleServer(app: Application, id: number, timeoutMs?: number) {
  const status = await waitForStatus(app, (s) => s.servers.find((x) => x.id === id)?.activity === null, timeoutMs);
  return status.servers.find((x) => x.id === id) as EccStatus['servers'][number];
}

export function errorLog(app: Application): LogEntry[] {
  return app.store.db
    .prepare("SELECT * FROM log_entry WHERE level = 'error' ORDER BY id")
    .all()
    .map((row) => {
      const r = row as { id: number; experiment_id: number | null; time: string; level: 'error'; source: string; subject: string; message: string; details: string; count: number; last_at: string };
      return { id: r.id, experimentId: r.experiment_id, time: r.time, level: r.level, source: r.source, subject: r.subject, message: r.message, details: r.details, count: r.count, lastAt: r.last_at };
    });
}

/** The step requests a simulator received (GetState and GetConfigIDs left out). */
export function stepRequests(sim: EccSimulator): EccRequestRecord[] {
  return sim.requests.filter((r) => (ECC_STEPS as readonly string[]).includes(r.operation ?? ''));
}

export interface Board {
  sim: EccSimulator;
  eccServerId: number;
  dataRouterId: number;
  name: string;
}

export interface Rig {
  app: Application;
  experimentId: number;
  cobos: Board[];
  mutant: Board | null;
  all: Board[];
}

/**
 * An experiment with `cobos` CoBos (one ECC server each) and optionally a MuTAnT with its own
 * ECC server, every server a simulator; config sets read and `cobo0/experiment/experiment`
 * selected; states read (Idle).
 */
export async function rig(options: { cobos: number; mutant?: boolean; sim?: EccSimulatorOptions; app?: Application } = { cobos: 2 }): Promise<Rig> {
  const app = options.app ?? openApp();
  const experiment = await call(app, 'experiments.create', { name: 'e20009' });
  const add = async (name: string, source: string, index: number, connectionType: 'TCP' | 'FDT'): Promise<Board> => {
    const sim = await simulator(options.sim);
    const server = await call(app, 'eccServers.add', {
      name,
      address: '127.0.0.1',
      port: sim.port,
      logPath: '/log/ecc.log',
      configRoot: '/configs',
      configBackupRoot: '/backups',
    });
    const router = await call(app, 'dataRouters.add', {
      name: `DataRouter${source.startsWith('Mutant') ? '_mutant' : index}`,
      address: '127.0.0.1',
      port: 46005 + index,
      connectionType,
      logPath: '/log/router.log',
    });
    await call(app, 'dataSources.add', { name: source, eccServerId: server.id, dataRouterId: router.id });
    return { sim, eccServerId: server.id, dataRouterId: router.id, name };
  };
  const cobos: Board[] = [];
  for (let i = 0; i < options.cobos; i++) cobos.push(await add(`ECC${i}`, `CoBo[${i}]`, i, 'TCP'));
  const mutant = options.mutant ? await add('ECC_mutant', 'Mutant[master]', 100, 'FDT') : null;
  const all = mutant ? [...cobos, mutant] : cobos;
  // One GetConfigIDs may time out on a loaded machine (its limit is short here): asked again
  // for the servers still without sets, as an operator would press the button again.
  let setup: OutputOf<'setup.get'> | undefined;
  for (let attempt = 0; attempt < 6 && setup === undefined; attempt++) {
    const current = await call(app, 'setup.get', {});
    for (const server of current?.eccServers ?? []) {
      if (server.configSets.length === 0) await call(app, 'configSets.refresh', { eccServerId: server.id });
    }
    setup = await waitFor(app, 'setup.get', {}, (s) => s !== null && s.eccServers.every((e) => e.configSets.length > 0), 5_000).catch(() => undefined);
  }
  if (!setup) throw new Error('The simulators\' config sets were not read after six requests');
  for (const server of setup?.eccServers ?? []) {
    const set = server.configSets.find((c) => c.describe === 'cobo0' && c.configure === 'experiment');
    if (!set) throw new Error('The simulator did not list cobo0/experiment');
    await call(app, 'configSets.select', { id: set.id });
  }
  await call(app, 'ecc.refresh', {});
  await waitForStatus(app, (s) => s.overall === 'Idle');
  // The refresh asked for may still be under way when a scheduled round already showed Idle.
  await app.ecc.idle();
  return { app, experimentId: experiment.id, cobos, mutant, all };
}

/**
 * Overrides, through the API as an operator would, every checklist item that keeps Start all
 * from going and may be overridden (in rigs without worker computers: their processes and
 * staging folders are not known). Returns the keys overridden.
 */
export async function overrideChecklist(app: Application, reason = 'test rig without worker computers'): Promise<string[]> {
  const { checklist } = await call(app, 'runs.status', {});
  const keys = checklist.filter((i) => i.status !== 'pass' && i.override === null && i.overridable).map((i) => i.key);
  for (const key of keys) await call(app, 'runs.overrideChecklistItem', { key, reason });
  return keys;
}

/**
 * Gives an ECC server its selected set's three config files in a fresh config_root, and a fresh
 * backup root, on this computer (the test sshd's): Start all reads them over SFTP before a start,
 * and a file that cannot be read stops it (run provenance).
 */
export async function giveConfigFiles(app: Application, eccServerId: number): Promise<{ configRoot: string; backupRoot: string; names: string[] }> {
  const configRoot = realpathSync(tempDir('daq-configs-'));
  const backupRoot = realpathSync(tempDir('daq-config-backups-'));
  const server = (await call(app, 'setup.get', {}))?.eccServers.find((s) => s.id === eccServerId);
  const set = server?.configSets.find((s) => s.selected);
  if (!set) throw new Error(`ECC server #${eccServerId} has no selected config set`);
  const names = [`describe-${set.describe}.xcfg`, `prepare-${set.prepare}.xcfg`, `configure-${set.configure}.xcfg`];
  for (const name of names) writeFileSync(join(configRoot, name), `<!-- ${name} -->\n<Setup><Node id="CoBo"/></Setup>\n`);
  await call(app, 'eccServers.update', { id: eccServerId, configRoot, configBackupRoot: backupRoot });
  return { configRoot, backupRoot, names };
}
