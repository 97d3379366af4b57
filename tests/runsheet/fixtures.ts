// Fixtures of the run-sheet tests: the API over a fresh database with one experiment, runs
// recorded the way run control records them, and a way to read what an error says.
import type { InputOf } from '../../src/shared/api/contract';
import { ApiError } from '../../src/shared/api/errors';
import type { Experiment, Observable, Run } from '../../src/shared/domain';
import { createRun, stopRun } from '../../src/main/runsheet/queries';
import { testApi, type TestApi } from '../support/store';

export interface SheetApi extends TestApi {
  experiment: Experiment;
  /** Adds an observable to the active experiment (or the one named). */
  observable(input: InputOf<'observables.add'>): Promise<Observable>;
  /** Records a run started and stopped, as run control does. */
  run(experimentId?: number): Run;
}

export async function sheetApi(name = 'e20009'): Promise<SheetApi> {
  const api = testApi();
  const experiment = await api.call('experiments.create', { name });
  return {
    ...api,
    experiment,
    observable: (input) => api.call('observables.add', input),
    run: (experimentId = experiment.id) => {
      const run = createRun(api.store, { experimentId, configName: 'cfg' });
      return stopRun(api.store, run.id);
    },
  };
}

/** The ApiError a call rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('Expected the call to fail');
}

/** The stored SQLite type of each measurement of an observable, by run number. */
export function storedTypes(api: TestApi, observableId: number): { number: number; type: string }[] {
  return api.store.db
    .prepare(
      `SELECT r.number AS number, typeof(m.value) AS type FROM measurement m JOIN run r ON r.id = m.run_id
       WHERE m.observable_id = ? ORDER BY r.number`,
    )
    .all(observableId) as { number: number; type: string }[];
}

/** The newest audit entry. */
export function lastAudit(api: TestApi): { action: string; target: string; result: string } {
  return api.store.db.prepare('SELECT action, target, result FROM audit_entry ORDER BY id DESC LIMIT 1').get() as {
    action: string;
    target: string;
    result: string;
  };
}
