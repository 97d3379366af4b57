// Reading and writing an experiment's setup (ECC servers with their config sets, data routers,
// data sources): the SQL, and the mapping of rows to the domain records. Writers must be called
// inside `store.write`, which the handlers open with every table a change touches.
import {
  ECC_STATES,
  type ConfigSet,
  type ConnectionType,
  type DataRouter,
  type DataSource,
  type EccServer,
  type EccState,
  type Experiment,
  type Setup,
} from '../../shared/domain';
import type { Store } from '../db/store';

interface EccServerRow {
  id: number;
  experiment_id: number;
  name: string;
  address: string;
  port: number;
  log_path: string;
  config_root: string;
  config_backup_root: string;
  soap_namespace: string;
  state: number | null;
}

interface ConfigSetRow {
  id: number;
  ecc_server_id: number;
  describe: string;
  prepare: string;
  configure: string;
  is_selected: number;
}

interface DataRouterRow {
  id: number;
  experiment_id: number;
  name: string;
  address: string;
  port: number;
  connection_type: ConnectionType;
  log_path: string;
}

interface DataSourceRow {
  id: number;
  experiment_id: number;
  name: string;
  ecc_server_id: number;
  data_router_id: number;
}

/** The state's name for a stored state code; null when the server has not been reached. */
export function eccStateName(code: number | null): EccState | null {
  return code === null ? null : (ECC_STATES[code] ?? null);
}

const IDLE = ECC_STATES.indexOf('Idle');

function toConfigSet(row: ConfigSetRow): ConfigSet {
  return {
    id: row.id,
    describe: row.describe,
    prepare: row.prepare,
    configure: row.configure,
    selected: row.is_selected === 1,
  };
}

function toEccServer(row: EccServerRow, configSets: ConfigSet[]): EccServer {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    address: row.address,
    port: row.port,
    logPath: row.log_path,
    configRoot: row.config_root,
    configBackupRoot: row.config_backup_root,
    soapNamespace: row.soap_namespace,
    state: eccStateName(row.state),
    configSets,
  };
}

function toDataRouter(row: DataRouterRow): DataRouter {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    address: row.address,
    port: row.port,
    connectionType: row.connection_type,
    logPath: row.log_path,
  };
}

function toDataSource(row: DataSourceRow): DataSource {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    eccServerId: row.ecc_server_id,
    dataRouterId: row.data_router_id,
  };
}

const CONFIG_SET_ORDER = 'ORDER BY describe, prepare, configure, id';

// --- ECC servers and config sets ----------------------------------------------------------

export function listEccServers(store: Store, experimentId: number): EccServer[] {
  const rows = store.db
    .prepare('SELECT * FROM ecc_server WHERE experiment_id = ? ORDER BY id')
    .all(experimentId) as EccServerRow[];
  const sets = store.db
    .prepare(
      `SELECT config_set.* FROM config_set JOIN ecc_server ON ecc_server.id = config_set.ecc_server_id
       WHERE ecc_server.experiment_id = ? ${CONFIG_SET_ORDER}`,
    )
    .all(experimentId) as ConfigSetRow[];
  const byServer = new Map<number, ConfigSet[]>();
  for (const set of sets) {
    const list = byServer.get(set.ecc_server_id) ?? [];
    list.push(toConfigSet(set));
    byServer.set(set.ecc_server_id, list);
  }
  return rows.map((row) => toEccServer(row, byServer.get(row.id) ?? []));
}

export function findEccServer(store: Store, id: number): EccServer | undefined {
  const row = store.db.prepare('SELECT * FROM ecc_server WHERE id = ?').get(id) as EccServerRow | undefined;
  if (!row) return undefined;
  const sets = store.db
    .prepare(`SELECT * FROM config_set WHERE ecc_server_id = ? ${CONFIG_SET_ORDER}`)
    .all(id) as ConfigSetRow[];
  return toEccServer(row, sets.map(toConfigSet));
}

/** The id of the ECC server of that name in the experiment, if there is one. */
export function findEccServerIdByName(store: Store, experimentId: number, name: string): number | undefined {
  const row = store.db
    .prepare('SELECT id FROM ecc_server WHERE experiment_id = ? AND name = ?')
    .get(experimentId, name) as { id: number } | undefined;
  return row?.id;
}

/** The experiment's ECC servers whose last known state is anything but Idle (never reached counts as Idle). */
export function listEccServersNotIdle(store: Store, experimentId: number): { name: string; state: EccState | null }[] {
  const rows = store.db
    .prepare('SELECT name, state FROM ecc_server WHERE experiment_id = ? AND state IS NOT NULL AND state <> ? ORDER BY id')
    .all(experimentId, IDLE) as { name: string; state: number }[];
  return rows.map((row) => ({ name: row.name, state: eccStateName(row.state) }));
}

export interface EccServerFields {
  name: string;
  address: string;
  port: number;
  logPath: string;
  configRoot: string;
  configBackupRoot: string;
  soapNamespace: string;
}

/** Inserts an ECC server (state unknown, no config sets). */
export function insertEccServer(store: Store, experimentId: number, fields: EccServerFields): number {
  const info = store.db
    .prepare(
      `INSERT INTO ecc_server
         (experiment_id, name, address, port, log_path, config_root, config_backup_root, soap_namespace)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      experimentId,
      fields.name,
      fields.address,
      fields.port,
      fields.logPath,
      fields.configRoot,
      fields.configBackupRoot,
      fields.soapNamespace,
    );
  return Number(info.lastInsertRowid);
}

export function updateEccServer(store: Store, id: number, fields: EccServerFields): void {
  store.db
    .prepare(
      `UPDATE ecc_server SET name = ?, address = ?, port = ?, log_path = ?, config_root = ?,
         config_backup_root = ?, soap_namespace = ?
       WHERE id = ?`,
    )
    .run(
      fields.name,
      fields.address,
      fields.port,
      fields.logPath,
      fields.configRoot,
      fields.configBackupRoot,
      fields.soapNamespace,
      id,
    );
}

/** Deletes an ECC server and (by cascade) its config sets. */
export function deleteEccServer(store: Store, id: number): void {
  store.db.prepare('DELETE FROM ecc_server WHERE id = ?').run(id);
}

export interface ConfigSetFields {
  describe: string;
  prepare: string;
  configure: string;
}

export function insertConfigSet(
  store: Store,
  eccServerId: number,
  set: ConfigSetFields,
  selected: boolean,
): number {
  const info = store.db
    .prepare('INSERT INTO config_set (ecc_server_id, describe, prepare, configure, is_selected) VALUES (?, ?, ?, ?, ?)')
    .run(eccServerId, set.describe, set.prepare, set.configure, selected ? 1 : 0);
  return Number(info.lastInsertRowid);
}

// --- Data routers ---------------------------------------------------------------------------

export function listDataRouters(store: Store, experimentId: number): DataRouter[] {
  const rows = store.db
    .prepare('SELECT * FROM data_router WHERE experiment_id = ? ORDER BY id')
    .all(experimentId) as DataRouterRow[];
  return rows.map(toDataRouter);
}

export function findDataRouter(store: Store, id: number): DataRouter | undefined {
  const row = store.db.prepare('SELECT * FROM data_router WHERE id = ?').get(id) as DataRouterRow | undefined;
  return row && toDataRouter(row);
}

export function findDataRouterIdByName(store: Store, experimentId: number, name: string): number | undefined {
  const row = store.db
    .prepare('SELECT id FROM data_router WHERE experiment_id = ? AND name = ?')
    .get(experimentId, name) as { id: number } | undefined;
  return row?.id;
}

export interface DataRouterFields {
  name: string;
  address: string;
  port: number;
  connectionType: ConnectionType;
  logPath: string;
}

export function insertDataRouter(store: Store, experimentId: number, fields: DataRouterFields): number {
  const info = store.db
    .prepare(
      `INSERT INTO data_router (experiment_id, name, address, port, connection_type, log_path)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(experimentId, fields.name, fields.address, fields.port, fields.connectionType, fields.logPath);
  return Number(info.lastInsertRowid);
}

export function updateDataRouter(store: Store, id: number, fields: DataRouterFields): void {
  store.db
    .prepare('UPDATE data_router SET name = ?, address = ?, port = ?, connection_type = ?, log_path = ? WHERE id = ?')
    .run(fields.name, fields.address, fields.port, fields.connectionType, fields.logPath, id);
}

export function deleteDataRouter(store: Store, id: number): void {
  store.db.prepare('DELETE FROM data_router WHERE id = ?').run(id);
}

// --- Data sources ---------------------------------------------------------------------------

export function listDataSources(store: Store, experimentId: number): DataSource[] {
  const rows = store.db
    .prepare('SELECT * FROM data_source WHERE experiment_id = ? ORDER BY id')
    .all(experimentId) as DataSourceRow[];
  return rows.map(toDataSource);
}

export function findDataSource(store: Store, id: number): DataSource | undefined {
  const row = store.db.prepare('SELECT * FROM data_source WHERE id = ?').get(id) as DataSourceRow | undefined;
  return row && toDataSource(row);
}

export function findDataSourceIdByName(store: Store, experimentId: number, name: string): number | undefined {
  const row = store.db
    .prepare('SELECT id FROM data_source WHERE experiment_id = ? AND name = ?')
    .get(experimentId, name) as { id: number } | undefined;
  return row?.id;
}

export function listDataSourcesOfEccServer(store: Store, eccServerId: number): DataSource[] {
  const rows = store.db
    .prepare('SELECT * FROM data_source WHERE ecc_server_id = ? ORDER BY id')
    .all(eccServerId) as DataSourceRow[];
  return rows.map(toDataSource);
}

/** The data source a data router serves, if any (at most one). */
export function findDataSourceOfDataRouter(store: Store, dataRouterId: number): DataSource | undefined {
  const row = store.db.prepare('SELECT * FROM data_source WHERE data_router_id = ?').get(dataRouterId) as
    | DataSourceRow
    | undefined;
  return row && toDataSource(row);
}

export interface DataSourceFields {
  name: string;
  eccServerId: number;
  dataRouterId: number;
}

export function insertDataSource(store: Store, experimentId: number, fields: DataSourceFields): number {
  const info = store.db
    .prepare('INSERT INTO data_source (experiment_id, name, ecc_server_id, data_router_id) VALUES (?, ?, ?, ?)')
    .run(experimentId, fields.name, fields.eccServerId, fields.dataRouterId);
  return Number(info.lastInsertRowid);
}

export function updateDataSource(store: Store, id: number, fields: DataSourceFields): void {
  store.db
    .prepare('UPDATE data_source SET name = ?, ecc_server_id = ?, data_router_id = ? WHERE id = ?')
    .run(fields.name, fields.eccServerId, fields.dataRouterId, id);
}

export function deleteDataSource(store: Store, id: number): void {
  store.db.prepare('DELETE FROM data_source WHERE id = ?').run(id);
}

// --- The whole setup ------------------------------------------------------------------------

export function readSetup(store: Store, experiment: Experiment): Setup {
  return {
    experiment,
    eccServers: listEccServers(store, experiment.id),
    dataRouters: listDataRouters(store, experiment.id),
    dataSources: listDataSources(store, experiment.id),
  };
}

/** Deletes the experiment's data sources, data routers and ECC servers (their config sets cascade). */
export function deleteSetup(store: Store, experimentId: number): void {
  store.db.prepare('DELETE FROM data_source WHERE experiment_id = ?').run(experimentId);
  store.db.prepare('DELETE FROM data_router WHERE experiment_id = ?').run(experimentId);
  store.db.prepare('DELETE FROM ecc_server WHERE experiment_id = ?').run(experimentId);
}
