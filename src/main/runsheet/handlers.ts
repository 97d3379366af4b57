// Operations on the run sheet: observables, the description and measurements of runs, and the
// sheet itself (as records and as CSV).
import { ApiError } from '../../shared/api/errors';
import { parseMeasurement, type Experiment, type Observable, type Run, type ValueType } from '../../shared/domain';
import { defineHandlers } from '../api/handler';
import type { Store } from '../db/store';
import { resolveExperiment, resolveExperimentOrNone } from '../experiments/queries';
import { listRunNotes } from '../notes/queries';
import { runSheetCsv, runSheetFileName } from './csv';
import {
  copyMeasurements,
  countValuesOfObservable,
  deleteMeasurement,
  deleteMeasurementsOfRun,
  deleteObservable,
  findObservable,
  findObservableByName,
  findPreviousRun,
  findRun,
  insertObservable,
  listObservables,
  listRuns,
  listValuesOfObservable,
  setDisplayOrder,
  setMeasurement,
  updateObservable,
  updateRunDescription,
} from './queries';

function getObservable(store: Store, id: number): Observable {
  const observable = findObservable(store, id);
  if (!observable) throw new ApiError('NOT_FOUND', `There is no observable with id ${id}`, 'id');
  return observable;
}

function getRun(store: Store, id: number): Run {
  const run = findRun(store, id);
  if (!run) throw new ApiError('NOT_FOUND', `There is no run with id ${id}`, 'id');
  return run;
}

function experimentName(store: Store, id: number): string {
  return resolveExperiment(store, id).name;
}

function assertNameFree(store: Store, experiment: Pick<Experiment, 'id' | 'name'>, name: string, exceptId?: number): void {
  const existing = findObservableByName(store, experiment.id, name);
  if (existing && existing.id !== exceptId) {
    throw new ApiError('CONFLICT', `Experiment "${experiment.name}" already has an observable named "${name}"`, 'name');
  }
}

const TYPE_NAMES: Record<ValueType, string> = { integer: 'a whole number', float: 'a number', string: 'text' };

/**
 * The values an observable's recorded measurements become under a new type; refused when one
 * of them does not fit it.
 */
function convertValues(store: Store, observable: Observable, valueType: ValueType): { runId: number; value: number | string | null }[] {
  return listValuesOfObservable(store, observable.id).map(({ runId, runNumber, value }) => {
    let converted: ReturnType<typeof parseMeasurement>;
    if (valueType === 'string') converted = { ok: true, value: String(value) };
    else if (typeof value === 'number') {
      // Numbers convert between themselves without a detour through text.
      converted =
        valueType === 'integer' && !Number.isInteger(value) ? { ok: false, message: 'Must be a whole number' } : { ok: true, value };
    } else converted = parseMeasurement(valueType, value);
    if (!converted.ok) {
      throw new ApiError(
        'REFUSED',
        `Cannot make "${observable.name}" ${TYPE_NAMES[valueType]}: run ${runNumber} holds "${value}", which is not one. ` +
          'Correct or clear that value first.',
        'valueType',
      );
    }
    return { runId, value: converted.value };
  });
}

const runTarget = (store: Store, run: Run) => `run ${run.number} of "${experimentName(store, run.experimentId)}"`;
const observableTarget = (observable: Pick<Observable, 'id' | 'name'>) => `observable "${observable.name}" (#${observable.id})`;

export const runSheetHandlers = defineHandlers({
  'runSheet.get': {
    reads: ['experiment', 'run', 'observable', 'measurement', 'shift_note', 'run_config'],
    run: (input, { store }) => {
      const experiment = resolveExperimentOrNone(store, input.experimentId);
      if (!experiment) return null;
      return {
        experiment,
        observables: listObservables(store, experiment.id),
        runs: listRuns(store, experiment.id),
        notes: listRunNotes(store, experiment.id),
      };
    },
  },

  'runSheet.exportCsv': {
    reads: ['experiment', 'run', 'observable', 'measurement', 'shift_note', 'run_config'],
    run: (input, { store }) => {
      const experiment = resolveExperiment(store, input.experimentId);
      const csv = runSheetCsv({
        observables: listObservables(store, experiment.id),
        runs: listRuns(store, experiment.id),
        notes: listRunNotes(store, experiment.id),
      });
      return { fileName: runSheetFileName(experiment.name), csv };
    },
  },

  'observables.add': {
    run: (input, { store, auditTarget }) =>
      store.write(['observable'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        assertNameFree(store, experiment, input.name);
        const id = insertObservable(store, {
          experimentId: experiment.id,
          name: input.name,
          valueType: input.valueType,
          units: input.units,
          comment: input.comment,
        });
        const observable = getObservable(store, id);
        auditTarget(`${observableTarget(observable)} of "${experiment.name}"`);
        return observable;
      }),
    describeTarget: (input) => `observable "${input.name}"`,
  },

  'observables.update': {
    run: (input, { store, auditTarget }) =>
      store.write(['observable', 'measurement'], () => {
        const observable = getObservable(store, input.id);
        const experiment = resolveExperiment(store, observable.experimentId);
        const fields = {
          name: input.name ?? observable.name,
          valueType: input.valueType ?? observable.valueType,
          units: input.units ?? observable.units,
          comment: input.comment ?? observable.comment,
        };
        if (fields.name !== observable.name) assertNameFree(store, experiment, fields.name, observable.id);
        if (fields.valueType !== observable.valueType) {
          const converted = convertValues(store, observable, fields.valueType);
          const retyped = { ...observable, valueType: fields.valueType };
          for (const { runId, value } of converted) {
            if (value === null) deleteMeasurement(store, runId, observable.id);
            else setMeasurement(store, runId, retyped, value);
          }
        }
        updateObservable(store, observable.id, fields);
        auditTarget(observableTarget(observable));
        return getObservable(store, observable.id);
      }),
    describeTarget: (input) => `observable #${input.id}`,
  },

  'observables.remove': {
    run: (input, { store, auditTarget }) =>
      store.write(['observable', 'measurement'], () => {
        const observable = getObservable(store, input.id);
        const count = countValuesOfObservable(store, observable.id);
        if (count > 0 && !input.deleteValues) {
          throw new ApiError(
            'REFUSED',
            `"${observable.name}" holds values in ${count} ${count === 1 ? 'run' : 'runs'}: ` +
              'remove it together with its values, or clear them first',
          );
        }
        deleteObservable(store, observable.id);
        auditTarget(observableTarget(observable));
        return { id: observable.id };
      }),
    describeTarget: (input) => `observable #${input.id}`,
  },

  'observables.reorder': {
    run: (input, { store, auditTarget }) =>
      store.write(['observable'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        const ids = new Set(listObservables(store, experiment.id).map((observable) => observable.id));
        const given = new Set(input.order);
        if (given.size !== input.order.length) {
          throw new ApiError('INVALID_INPUT', 'The new order names an observable more than once', 'order');
        }
        if (given.size !== ids.size || input.order.some((id) => !ids.has(id))) {
          throw new ApiError(
            'INVALID_INPUT',
            `The new order must list every observable of experiment "${experiment.name}" once: the sheet may have changed, reload it`,
            'order',
          );
        }
        input.order.forEach((id, index) => setDisplayOrder(store, id, index));
        auditTarget(`observables of "${experiment.name}"`);
        return listObservables(store, experiment.id);
      }),
  },

  'runs.update': {
    run: (input, { store, auditTarget }) =>
      store.write(['run', 'measurement'], () => {
        const run = getRun(store, input.id);
        const observables = new Map(listObservables(store, run.experimentId).map((observable) => [observable.id, observable]));
        // Every value is checked before anything is written, so that the message names the
        // first bad field; the transaction would undo a partial write anyway.
        const changes = Object.entries(input.measurements ?? {}).map(([key, typed]) => {
          const field = `measurements.${key}`;
          const observable = observables.get(Number(key));
          if (!observable) {
            throw new ApiError('NOT_FOUND', `Experiment "${experimentName(store, run.experimentId)}" has no observable with id ${key}`, field);
          }
          const parsed = parseMeasurement(observable.valueType, typed);
          if (!parsed.ok) throw new ApiError('INVALID_INPUT', `${observable.name}: ${parsed.message}`, field);
          const empty = parsed.value === null || (typeof parsed.value === 'string' && parsed.value.trim() === '');
          return { observable, value: empty ? null : parsed.value };
        });
        updateRunDescription(store, run.id, { title: input.title ?? run.title, runClass: input.runClass ?? run.runClass });
        for (const { observable, value } of changes) {
          if (value === null) deleteMeasurement(store, run.id, observable.id);
          else setMeasurement(store, run.id, observable, value);
        }
        auditTarget(runTarget(store, run));
        return getRun(store, run.id);
      }),
    describeTarget: (input) => `run #${input.id}`,
  },

  'runs.sameAsPrevious': {
    run: (input, { store, auditTarget }) =>
      store.write(['run', 'measurement'], () => {
        const run = getRun(store, input.id);
        const previous = findPreviousRun(store, run.experimentId, run.number);
        if (!previous) throw new ApiError('REFUSED', `Run ${run.number} has no previous run to copy from`);
        updateRunDescription(store, run.id, { title: previous.title, runClass: previous.runClass });
        deleteMeasurementsOfRun(store, run.id);
        copyMeasurements(store, previous.id, run.id);
        auditTarget(`${runTarget(store, run)} from run ${previous.number}`);
        return getRun(store, run.id);
      }),
    describeTarget: (input) => `run #${input.id}`,
  },
});
