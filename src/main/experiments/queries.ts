// Reading experiments, and finding the one an operation acts on (the active one by default).
import type { Experiment } from '../../shared/domain';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';

interface ExperimentRow {
  id: number;
  name: string;
  is_active: number;
  created_at: string;
}

function toExperiment(row: ExperimentRow): Experiment {
  return { id: row.id, name: row.name, active: row.is_active === 1, createdAt: row.created_at };
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
