// Operations on experiments: listing, creating, renaming, and switching the active one.
import { ApiError } from '../../shared/api/errors';
import type { Experiment } from '../../shared/domain';
import { defineHandlers } from '../api/handler';
import type { Store } from '../db/store';
import {
  findActiveExperiment,
  findExperiment,
  findExperimentByName,
  insertExperiment,
  listExperiments,
  renameExperiment,
  setExperimentChecksums,
  switchActiveExperiment,
} from './queries';

function assertNameFree(store: Store, name: string, exceptId?: number): void {
  const existing = findExperimentByName(store, name);
  if (existing && existing.id !== exceptId) {
    throw new ApiError('CONFLICT', `An experiment named "${name}" already exists`, 'name');
  }
}

function getExperiment(store: Store, id: number): Experiment {
  const experiment = findExperiment(store, id);
  if (!experiment) throw new ApiError('NOT_FOUND', `There is no experiment with id ${id}`, 'id');
  return experiment;
}

export const experimentHandlers = defineHandlers({
  'experiments.list': {
    reads: ['experiment'],
    run: (_input, { store }) => listExperiments(store),
  },

  'experiments.create': {
    run: (input, { store }) =>
      store.write(['experiment'], () => {
        assertNameFree(store, input.name);
        // The first experiment is always made active: while any exists, exactly one is.
        const makeActive = input.activate || !findActiveExperiment(store);
        const experiment = getExperiment(store, insertExperiment(store, input.name));
        // Refused: the transaction is rolled back, the new experiment with it.
        if (makeActive) switchActiveExperiment(store, experiment, `Cannot switch to the new experiment "${input.name}"`);
        return getExperiment(store, experiment.id);
      }),
    describeTarget: (input) => `experiment "${input.name}"`,
  },

  'experiments.rename': {
    run: (input, { store, auditTarget }) =>
      store.write(['experiment'], () => {
        const experiment = getExperiment(store, input.id);
        assertNameFree(store, input.name, experiment.id);
        renameExperiment(store, experiment.id, input.name);
        auditTarget(`experiment "${experiment.name}" (#${experiment.id}) to "${input.name}"`);
        return getExperiment(store, experiment.id);
      }),
    describeTarget: (input) => `experiment #${input.id} to "${input.name}"`,
  },

  'experiments.update': {
    run: (input, { store, auditTarget }) =>
      store.write(['experiment'], () => {
        const experiment = getExperiment(store, input.id);
        setExperimentChecksums(store, experiment.id, input.checksums);
        auditTarget(`experiment "${experiment.name}" (#${experiment.id}): checksums ${input.checksums ? 'on' : 'off (sizes only)'}`);
        return getExperiment(store, experiment.id);
      }),
    describeTarget: (input) => `experiment #${input.id}`,
  },

  'experiments.activate': {
    run: (input, { store, auditTarget }) =>
      store.write(['experiment'], () => {
        const experiment = getExperiment(store, input.id);
        switchActiveExperiment(store, experiment, `Cannot switch to experiment "${experiment.name}"`);
        auditTarget(`experiment "${experiment.name}" (#${experiment.id})`);
        return getExperiment(store, experiment.id);
      }),
    describeTarget: (input) => `experiment #${input.id}`,
  },
});
