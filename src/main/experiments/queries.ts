// Reading experiments, and finding the one an operation acts on (the active one by default);
// writing them; and the rule that an experiment's setup may change only while it is quiet.
import type { Experiment } from '../../shared/domain';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';
import { nowIso } from '../time';
import { findCurrentRun } from '../runsheet/queries';
import { listEccServersNotIdle } from '../setup/queries';

interface ExperimentRow {
  id: number;
  name: string;
  is_active: number;
  created_at: string;
  checksum_files: number;
}

function toExperiment(row: ExperimentRow): Experiment {
  return { id: row.id, name: row.name, active: row.is_active === 1, createdAt: row.created_at, checksums: row.checksum_files === 1 };
}

export function listExperiments(store: Store): Experiment[] {
  const rows = store.db.prepare('SELECT * FROM experiment ORDER BY name COLLATE NOCASE').all() as ExperimentRow[];
  return rows.map(toExperiment);
}

export function findExperiment(store: Store, id: number): Experiment | undefined {
  const row = store.db.prepare('SELECT * FROM experiment WHERE id = ?').get(id) as ExperimentRow | undefined;
  return row && toExperiment(row);
}

export function findActiveExperiment(store: Store): Experiment | undefined {
  const row = store.db.prepare('SELECT * FROM experiment WHERE is_active = 1').get() as ExperimentRow | undefined;
  return row && toExperiment(row);
}

/**
 * The experiment an operation acts on: the one named, or the active one. Throws NOT_FOUND
 * with a message an operator understands when there is none.
 */
export function resolveExperiment(store: Store, experimentId?: number): Experiment {
  if (experimentId !== undefined) {
    const experiment = findExperiment(store, experimentId);
    if (!experiment) throw new ApiError('NOT_FOUND', `There is no experiment with id ${experimentId}`, 'experimentId');
    return experiment;
  }
  const active = findActiveExperiment(store);
  if (!active) throw new ApiError('NOT_FOUND', 'There is no experiment yet: create one first');
  return active;
}

/** Like resolveExperiment, but undefined where there is no experiment at all (for views). */
export function resolveExperimentOrNone(store: Store, experimentId?: number): Experiment | undefined {
  if (experimentId === undefined) return findActiveExperiment(store);
  return resolveExperiment(store, experimentId);
}

export function findExperimentByName(store: Store, name: string): Experiment | undefined {
  const row = store.db.prepare('SELECT * FROM experiment WHERE name = ?').get(name) as ExperimentRow | undefined;
  return row && toExperiment(row);
}

// The writers below must be called inside `store.write(['experiment'], ...)`.

/** Inserts an inactive experiment; activate it with setActiveExperiment. */
export function insertExperiment(store: Store, name: string): number {
  const info = store.db.prepare('INSERT INTO experiment (name, is_active, created_at) VALUES (?, 0, ?)').run(name, nowIso());
  return Number(info.lastInsertRowid);
}

export function renameExperiment(store: Store, id: number, name: string): void {
  store.db.prepare('UPDATE experiment SET name = ? WHERE id = ?').run(name, id);
}

export function setExperimentChecksums(store: Store, id: number, checksums: boolean): void {
  store.db.prepare('UPDATE experiment SET checksum_files = ? WHERE id = ?').run(checksums ? 1 : 0, id);
}

/** Makes one experiment the active one. */
export function setActiveExperiment(store: Store, id: number): void {
  // The old one is cleared first: the partial unique index allows one active row at any moment.
  store.db.prepare('UPDATE experiment SET is_active = 0 WHERE is_active = 1 AND id <> ?').run(id);
  store.db.prepare('UPDATE experiment SET is_active = 1 WHERE id = ?').run(id);
}

/**
 * Makes `target` the active experiment, refused (with `refusal` saying what) while the one active
 * now is not quiet (see assertExperimentQuiet). Call inside `store.write(['experiment'], …)`.
 */
export function switchActiveExperiment(store: Store, target: Experiment, refusal: string): void {
  const active = findActiveExperiment(store);
  if (active?.id === target.id) return;
  if (active) assertExperimentQuiet(store, active, refusal);
  setActiveExperiment(store, target.id);
}

/**
 * Throws REFUSED unless every ECC server of the experiment is Idle (or never reached) and no
 * run of it is going. `refusal` says what is refused, e.g. "Cannot switch the active experiment".
 */
export function assertExperimentQuiet(store: Store, experiment: Experiment, refusal: string): void {
  const busy = listEccServersNotIdle(store, experiment.id);
  if (busy.length > 0) {
    const list = busy.map((server) => `${server.name} is ${server.state ?? 'unknown'}`).join(', ');
    throw new ApiError(
      'REFUSED',
      `${refusal} while ECC servers of experiment "${experiment.name}" are not Idle (${list}): bring them back to Idle first`,
    );
  }
  const run = findCurrentRun(store, experiment.id);
  if (run) {
    throw new ApiError('REFUSED', `${refusal} while run ${run.number} of experiment "${experiment.name}" is going: stop it first`);
  }
}
