// Helpers for the experiment and setup tests: inputs an operator would type, state the ECC layer
// would write, runs the run layer would start, a dump of the database, and subscriptions to watch.
import { ECC_STATES, type EccState } from '../../src/shared/domain';
import { ApiError, type ApiResult } from '../../src/shared/api/errors';
import type { ApiService } from '../../src/main/api/service';
import type { Store } from '../../src/main/db/store';
import { operator, type TestApi } from '../support/store';

/** The ApiError a call was rejected with; fails when it succeeded or failed otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => new Error('Expected the call to be rejected, but it succeeded'),
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw error;
  return error;
}

export function eccServerInput(name: string, address = '192.168.41.10') {
  return {
    name,
    address,
    logPath: '/Users/attpc/Logs/ecc.log',
    configRoot: '/Users/attpc/configs',
    configBackupRoot: '/Users/attpc/config-backups',
  };
}

export function dataRouterInput(name: string, address = '192.168.41.60') {
  return { name, address, logPath: '/Users/attpc/Logs/dataRouter.log' };
}

/** One CoBo: an ECC server, a data router and the data source linking them; returns their ids. */
export async function addCobo(api: TestApi, n: number, experimentId?: number, eccServerId?: number) {
  const server =
    eccServerId ?? (await api.call('eccServers.add', { experimentId, ...eccServerInput(`ECC${n}`, `192.168.41.${10 + n}`) })).id;
  const router = await api.call('dataRouters.add', { experimentId, ...dataRouterInput(`DataRouter${n}`, `192.168.41.${60 + n}`) });
  const source = await api.call('dataSources.add', {
    experimentId,
    name: `CoBo[${n}]`,
    eccServerId: server,
    dataRouterId: router.id,
  });
  return { eccServerId: server, dataRouterId: router.id, dataSourceId: source.id };
}

/** What the ECC layer writes when it reads a server's state. */
export function setEccState(store: Store, eccServerId: number, state: EccState | null): void {
  store.db.prepare('UPDATE ecc_server SET state = ? WHERE id = ?').run(state === null ? null : ECC_STATES.indexOf(state), eccServerId);
}

/** A run that has started and not stopped, as Start all would leave it. */
export function startRun(store: Store, experimentId: number, number = 0): number {
  const info = store.db
    .prepare('INSERT INTO run (experiment_id, number, start_time) VALUES (?, ?, ?)')
    .run(experimentId, number, '2025-05-01T10:00:00.000Z');
  return Number(info.lastInsertRowid);
}

export function stopRun(store: Store, runId: number): void {
  store.db.prepare('UPDATE run SET stop_time = ? WHERE id = ?').run('2025-05-01T11:00:00.000Z', runId);
}

export function addConfigSet(store: Store, eccServerId: number, name: string, selected = false): void {
  store.db
    .prepare('INSERT INTO config_set (ecc_server_id, describe, prepare, configure, is_selected) VALUES (?, ?, ?, ?, ?)')
    .run(eccServerId, name, name, name, selected ? 1 : 0);
}

export function addObservable(
  store: Store,
  experimentId: number,
  name: string,
  displayOrder: number,
  valueType = 'float',
  units = '',
): void {
  store.db
    .prepare('INSERT INTO observable (experiment_id, name, value_type, units, comment, display_order) VALUES (?, ?, ?, ?, ?, ?)')
    .run(experimentId, name, valueType, units, '', displayOrder);
}

/**
 * Every row of every table (and the id counters), to compare before and after a call that must
 * change nothing. The audit trail is left out: it records refused calls too, by design.
 */
export function dumpDatabase(store: Store): Record<string, unknown[]> {
  const tables = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_entry' ORDER BY name")
    .all() as { name: string }[];
  const rows = (table: string) =>
    table === 'sqlite_sequence'
      ? store.db.prepare("SELECT * FROM sqlite_sequence WHERE name <> 'audit_entry' ORDER BY name").all()
      : store.db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
  return Object.fromEntries(tables.map(({ name }) => [name, rows(name)]));
}

export interface AuditRow {
  action: string;
  target: string;
  result: string;
  os_user: string;
  origin: string;
}

export function auditRows(store: Store): AuditRow[] {
  return store.db.prepare('SELECT action, target, result, os_user, origin FROM audit_entry ORDER BY id').all() as AuditRow[];
}

/** A subscription whose pushes can be awaited one by one, in order. */
export function watch(service: ApiService, name: string, input: unknown) {
  const received: ApiResult<unknown>[] = [];
  const waiting: ((result: ApiResult<unknown>) => void)[] = [];
  const stop = service.subscribe(name, input, operator, (result) => {
    const waiter = waiting.shift();
    if (waiter) waiter(result);
    else received.push(result);
  });
  return {
    next(): Promise<ApiResult<unknown>> {
      const result = received.shift();
      return result ? Promise.resolve(result) : new Promise((resolve) => waiting.push(resolve));
    },
    stop,
  };
}
