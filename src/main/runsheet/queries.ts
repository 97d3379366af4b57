// Reading and writing the run sheet: observables, runs and their measurements, and the two
// run-record changes that run control makes (a new run with the next number, its stop).
// Writers without their own `store.write` must be called inside one opened by the caller.
import { ApiError } from '../../shared/api/errors';
import type { ChecklistItem, MeasurementValue, Observable, Run, RunClass, RunConfigMark, RunDataFlow, RouterFiguresAtStop, RunRouterDataFlow, ValueType } from '../../shared/domain';
import type { Store } from '../db/store';
import { nowIso } from '../time';
import { configMarkOfRun, configMarksOfExperiment } from './provenance';

interface ObservableRow {
  id: number;
  experiment_id: number;
  name: string;
  value_type: ValueType;
  units: string;
  comment: string;
  display_order: number;
}

interface RunRow {
  id: number;
  experiment_id: number;
  number: number;
  start_time: string;
  stop_time: string | null;
  title: string;
  run_class: RunClass;
  config_name: string;
  start_checklist: string;
  stop_unconfirmed: string;
  data_files: number | null;
  data_bytes: number | null;
  data_duration_seconds: number | null;
  data_mean_bytes_per_second: number | null;
}

interface RunDataFlowRow {
  run_id: number;
  data_router_id: number | null;
  router_name: string;
  files: number;
  bytes: number;
  read_at: string | null;
  current: number;
  counted_from: RunRouterDataFlow['countedFrom'];
  manifest_at: string | null;
}

interface MeasurementRow {
  run_id: number;
  observable_id: number;
  value: number | string;
}

function toObservable(row: ObservableRow): Observable {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    valueType: row.value_type,
    units: row.units,
    comment: row.comment,
    displayOrder: row.display_order,
  };
}

function toRouterDataFlow(row: RunDataFlowRow): RunRouterDataFlow {
  return {
    dataRouterId: row.data_router_id,
    name: row.router_name,
    files: row.files,
    bytes: row.bytes,
    readAt: row.read_at,
    current: row.current === 1,
    countedFrom: row.counted_from,
    manifestAt: row.manifest_at,
  };
}

function toDataFlow(row: RunRow, routers: readonly RunDataFlowRow[]): RunDataFlow | null {
  if (row.data_files === null || row.data_bytes === null || row.data_duration_seconds === null || row.data_mean_bytes_per_second === null) return null;
  return {
    files: row.data_files,
    bytes: row.data_bytes,
    durationSeconds: row.data_duration_seconds,
    meanMBps: row.data_mean_bytes_per_second / 1e6,
    routers: routers.map(toRouterDataFlow),
  };
}

function toRun(row: RunRow, measurements: Record<number, MeasurementValue>, config: RunConfigMark, dataFlow: readonly RunDataFlowRow[] = []): Run {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    number: row.number,
    startTime: row.start_time,
    stopTime: row.stop_time,
    title: row.title,
    runClass: row.run_class,
    configName: row.config_name,
    measurements,
    startChecklist: JSON.parse(row.start_checklist) as ChecklistItem[],
    stopUnconfirmed: JSON.parse(row.stop_unconfirmed) as string[],
    config,
    dataFlow: toDataFlow(row, dataFlow),
  };
}

/** One run read alone: its measurements, its config mark (against its previous run) and its data flow. */
function readRun(store: Store, row: RunRow): Run {
  return toRun(
    row,
    measurementsOf(store, row.id),
    configMarkOfRun(store, { id: row.id, number: row.number, experimentId: row.experiment_id }),
    dataFlowOf(store, row.id),
  );
}

// --- Observables ----------------------------------------------------------------------------

export function listObservables(store: Store, experimentId: number): Observable[] {
  const rows = store.db
    .prepare('SELECT * FROM observable WHERE experiment_id = ? ORDER BY display_order, id')
    .all(experimentId) as ObservableRow[];
  return rows.map(toObservable);
}

export function findObservable(store: Store, id: number): Observable | undefined {
  const row = store.db.prepare('SELECT * FROM observable WHERE id = ?').get(id) as ObservableRow | undefined;
  return row && toObservable(row);
}

export function findObservableByName(store: Store, experimentId: number, name: string): Observable | undefined {
  const row = store.db.prepare('SELECT * FROM observable WHERE experiment_id = ? AND name = ?').get(experimentId, name) as
    | ObservableRow
    | undefined;
  return row && toObservable(row);
}

export interface NewObservable {
  experimentId: number;
  name: string;
  valueType: ValueType;
  units: string;
  comment: string;
}

/** Inserts an observable at the end of its experiment's display order; returns its id. */
export function insertObservable(store: Store, observable: NewObservable): number {
  const info = store.db
    .prepare(
      `INSERT INTO observable (experiment_id, name, value_type, units, comment, display_order)
       VALUES (@experimentId, @name, @valueType, @units, @comment,
               (SELECT coalesce(max(display_order) + 1, 0) FROM observable WHERE experiment_id = @experimentId))`,
    )
    .run(observable);
  return Number(info.lastInsertRowid);
}

export type ObservableFields = Pick<Observable, 'name' | 'valueType' | 'units' | 'comment'>;

export function updateObservable(store: Store, id: number, fields: ObservableFields): void {
  store.db
    .prepare('UPDATE observable SET name = @name, value_type = @valueType, units = @units, comment = @comment WHERE id = @id')
    .run({ ...fields, id });
}

export function setDisplayOrder(store: Store, id: number, displayOrder: number): void {
  store.db.prepare('UPDATE observable SET display_order = ? WHERE id = ?').run(displayOrder, id);
}

/** Deletes an observable; its measurements go with it (ON DELETE CASCADE). */
export function deleteObservable(store: Store, id: number): void {
  store.db.prepare('DELETE FROM observable WHERE id = ?').run(id);
}

// --- Measurements ---------------------------------------------------------------------------

/**
 * Binds a value so that SQLite stores it as the observable's type: better-sqlite3 binds every
 * JavaScript number as a real, so whole numbers of an integer observable go as BigInt.
 */
function storedValue(type: ValueType, value: number | string): number | bigint | string {
  return type === 'integer' && typeof value === 'number' ? BigInt(value) : value;
}

export function setMeasurement(store: Store, runId: number, observable: Observable, value: number | string): void {
  store.db
    .prepare(
      `INSERT INTO measurement (run_id, observable_id, value) VALUES (?, ?, ?)
       ON CONFLICT (run_id, observable_id) DO UPDATE SET value = excluded.value`,
    )
    .run(runId, observable.id, storedValue(observable.valueType, value));
}

export function deleteMeasurement(store: Store, runId: number, observableId: number): void {
  store.db.prepare('DELETE FROM measurement WHERE run_id = ? AND observable_id = ?').run(runId, observableId);
}

export function deleteMeasurementsOfRun(store: Store, runId: number): void {
  store.db.prepare('DELETE FROM measurement WHERE run_id = ?').run(runId);
}

/** Copies every measurement of one run to another (which must have none). */
export function copyMeasurements(store: Store, fromRunId: number, toRunId: number): void {
  store.db
    .prepare('INSERT INTO measurement (run_id, observable_id, value) SELECT ?, observable_id, value FROM measurement WHERE run_id = ?')
    .run(toRunId, fromRunId);
}

export interface RecordedValue {
  runId: number;
  runNumber: number;
  value: number | string;
}

/** Every value recorded for an observable, by run number. */
export function listValuesOfObservable(store: Store, observableId: number): RecordedValue[] {
  return store.db
    .prepare(
      `SELECT m.run_id AS runId, r.number AS runNumber, m.value AS value
       FROM measurement m JOIN run r ON r.id = m.run_id
       WHERE m.observable_id = ? ORDER BY r.number`,
    )
    .all(observableId) as RecordedValue[];
}

export function countValuesOfObservable(store: Store, observableId: number): number {
  return (store.db.prepare('SELECT count(*) AS n FROM measurement WHERE observable_id = ?').get(observableId) as { n: number }).n;
}

// --- Runs -----------------------------------------------------------------------------------

function measurementsOf(store: Store, runId: number): Record<number, MeasurementValue> {
  const rows = store.db.prepare('SELECT * FROM measurement WHERE run_id = ?').all(runId) as MeasurementRow[];
  return Object.fromEntries(rows.map((row) => [row.observable_id, row.value]));
}

function dataFlowOf(store: Store, runId: number): RunDataFlowRow[] {
  return store.db.prepare('SELECT * FROM run_data_flow WHERE run_id = ? ORDER BY router_name').all(runId) as RunDataFlowRow[];
}

/** An experiment's runs by number, each with its measurements. */
export function listRuns(store: Store, experimentId: number): Run[] {
  const runs = store.db.prepare('SELECT * FROM run WHERE experiment_id = ? ORDER BY number').all(experimentId) as RunRow[];
  const rows = store.db
    .prepare('SELECT m.* FROM measurement m JOIN run r ON r.id = m.run_id WHERE r.experiment_id = ?')
    .all(experimentId) as MeasurementRow[];
  const byRun = new Map<number, Record<number, MeasurementValue>>();
  for (const row of rows) {
    let measurements = byRun.get(row.run_id);
    if (!measurements) byRun.set(row.run_id, (measurements = {}));
    measurements[row.observable_id] = row.value;
  }
  const marks = configMarksOfExperiment(store, runs, experimentId);
  
  const flows = store.db
    .prepare('SELECT f.* FROM run_data_flow f JOIN run r ON r.id = f.run_id WHERE r.experiment_id = ? ORDER BY f.router_name')
    .all(experimentId) as RunDataFlowRow[];
  const flowsByRun = new Map<number, RunDataFlowRow[]>();
  for (const flow of flows) {
    let ofRun = flowsByRun.get(flow.run_id);
    if (!ofRun) flowsByRun.set(flow.run_id, (ofRun = []));
    ofRun.push(flow);
  }
  return runs.map((row) => toRun(row, byRun.get(row.id) ?? {}, marks.get(row.id) as RunConfigMark, flowsByRun.get(row.id)));
}

export function findRun(store: Store, id: number): Run | undefined {
  const row = store.db.prepare('SELECT * FROM run WHERE id = ?').get(id) as RunRow | undefined;
  return row && readRun(store, row);
}

/** The run with the highest number below `number` in the experiment. */
export function findPreviousRun(store: Store, experimentId: number, number: number): Run | undefined {
  const row = store.db
    .prepare('SELECT * FROM run WHERE experiment_id = ? AND number < ? ORDER BY number DESC LIMIT 1')
    .get(experimentId, number) as RunRow | undefined;
  return row && readRun(store, row);
}

/** The number the experiment's next run gets: 0 before its first run, else the highest + 1 (as createRun picks it). */
export function nextRunNumber(store: Store, experimentId: number): number {
  const row = store.db.prepare('SELECT coalesce(max(number) + 1, 0) AS next FROM run WHERE experiment_id = ?').get(experimentId) as { next: number };
  return row.next;
}

/** The experiment's current run (started, not stopped), if any. */
export function findCurrentRun(store: Store, experimentId: number): Run | undefined {
  const row = store.db.prepare('SELECT * FROM run WHERE experiment_id = ? AND stop_time IS NULL').get(experimentId) as
    | RunRow
    | undefined;
  return row && readRun(store, row);
}

export function updateRunDescription(store: Store, id: number, fields: { title: string; runClass: RunClass }): void {
  store.db.prepare('UPDATE run SET title = @title, run_class = @runClass WHERE id = @id').run({ ...fields, id });
}

function getRun(store: Store, id: number): Run {
  const run = findRun(store, id);
  if (!run) throw new ApiError('NOT_FOUND', `There is no run with id ${id}`, 'id');
  return run;
}

export interface NewRun {
  experimentId: number;
  /** The configure-names of the experiment's ECC servers, comma-separated. */
  configName: string;
  startTime?: string;
  /** Start all's checklist as it stood at the start. */
  startChecklist?: readonly ChecklistItem[];
}

/**
 * Records the start of a run with the experiment's next number (0 for its first run). The
 * check that no run is current and the choice of the number share one transaction, so two
 * starts can never both succeed or share a number.
 */
export function createRun(store: Store, run: NewRun): Run {
  return store.write(['run'], () => {
    const experiment = store.db.prepare('SELECT name FROM experiment WHERE id = ?').get(run.experimentId) as
      | { name: string }
      | undefined;
    if (!experiment) throw new ApiError('NOT_FOUND', `There is no experiment with id ${run.experimentId}`, 'experimentId');
    const current = findCurrentRun(store, run.experimentId);
    if (current) {
      throw new ApiError(
        'REFUSED',
        `Run ${current.number} of experiment "${experiment.name}" is still going: stop it before starting another`,
      );
    }
    const info = store.db
      .prepare(
        `INSERT INTO run (experiment_id, number, start_time, config_name, start_checklist)
         VALUES (@experimentId, (SELECT coalesce(max(number) + 1, 0) FROM run WHERE experiment_id = @experimentId),
                 @startTime, @configName, @startChecklist)`,
      )
      .run({
        experimentId: run.experimentId,
        startTime: run.startTime ?? nowIso(),
        configName: run.configName,
        startChecklist: JSON.stringify(run.startChecklist ?? []),
      });
    return getRun(store, Number(info.lastInsertRowid));
  });
}

/**
 * Records the stop of a run, with the servers that could not be confirmed stopped; refused when
 * it has already stopped.
 */
export function stopRun(store: Store, runId: number, stopTime?: string, unconfirmed: readonly string[] = []): Run {
  return store.write(['run'], () => {
    const run = getRun(store, runId);
    if (run.stopTime !== null) throw new ApiError('REFUSED', `Run ${run.number} has already stopped (at ${run.stopTime})`);
    store.db.prepare('UPDATE run SET stop_time = ?, stop_unconfirmed = ? WHERE id = ?').run(stopTime ?? nowIso(), JSON.stringify(unconfirmed), runId);
    return getRun(store, runId);
  });
}

/**
 * Stores what the data flow read of a stopped run: each router's files and bytes, and the run's
 * totals, duration (start to stop) and mean rate. Replaces what was stored (an interrupted Stop
 * all closed again). Call inside the caller's `store.write`.
 */
export function recordRunDataFlow(store: Store, runId: number, routers: readonly RouterFiguresAtStop[]): void {
  const run = getRun(store, runId);
  if (run.stopTime === null) throw new ApiError('REFUSED', `Run ${run.number} has not stopped: its data flow is stored at its Stop`);
  store.db.prepare('DELETE FROM run_data_flow WHERE run_id = ?').run(runId);
  const insert = store.db.prepare(
    `INSERT INTO run_data_flow (run_id, data_router_id, router_name, files, bytes, read_at, current, counted_from)
     VALUES (@runId, @dataRouterId, @name, @files, @bytes, @readAt, @current, @countedFrom)`,
  );
  for (const r of routers) insert.run({ runId, dataRouterId: r.dataRouterId, name: r.name, files: r.files, bytes: r.bytes, readAt: r.readAt, current: r.current ? 1 : 0, countedFrom: r.countedFrom });
  updateRunTotals(store, run);
}

/** The run's totals, duration (start to stop) and mean rate, from its routers' rows. */
function updateRunTotals(store: Store, run: Run): void {
  const durationSeconds = Math.max(0, (Date.parse(run.stopTime ?? run.startTime) - Date.parse(run.startTime)) / 1000);
  const { files, bytes } = store.db.prepare('SELECT coalesce(sum(files), 0) AS files, coalesce(sum(bytes), 0) AS bytes FROM run_data_flow WHERE run_id = ?').get(run.id) as {
    files: number;
    bytes: number;
  };
  store.db
    .prepare('UPDATE run SET data_files = ?, data_bytes = ?, data_duration_seconds = ?, data_mean_bytes_per_second = ? WHERE id = ?')
    .run(files, bytes, durationSeconds, durationSeconds > 0 ? bytes / durationSeconds : 0, run.id);
}

/**
 * Settles a stopped run's figures for one router by its manifest (the run folder's files once the
 * router finished writing): its files and bytes become the manifest's, and the run's totals and
 * mean rate follow. A router the data flow never read gets its row from the manifest. Call inside
 * the caller's `store.write([..., 'run', 'run_data_flow'], …)`.
 */
export function settleRunDataFlow(store: Store, runId: number, router: { dataRouterId: number; name: string }, manifest: { files: number; bytes: number; madeAt: string }): void {
  const run = getRun(store, runId);
  if (run.stopTime === null) return;
  store.db
    .prepare(
      `INSERT INTO run_data_flow (run_id, data_router_id, router_name, files, bytes, read_at, current, counted_from, manifest_at)
       VALUES (@runId, @dataRouterId, @name, @files, @bytes, @madeAt, 1, 'start', @madeAt)
       ON CONFLICT (run_id, router_name) DO UPDATE SET files = excluded.files, bytes = excluded.bytes, read_at = excluded.read_at,
         current = 1, counted_from = 'start', manifest_at = excluded.manifest_at`,
    )
    .run({ runId, dataRouterId: router.dataRouterId, name: router.name, ...manifest });
  updateRunTotals(store, run);
}
