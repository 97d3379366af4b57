// Operations on experiments: listing, creating, renaming, and switching the active one.
import type { ParsedInputOf } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Experiment } from '../../shared/domain';
import { defineHandlers } from '../api/handler';
import type { Store } from '../db/store';
import { auditTargets } from '../setup/audit-target';
import {
  assertExperimentQuiet,
  findActiveExperiment,
  findExperiment,
  findExperimentByName,
  insertExperiment,
  listExperiments,
  renameExperiment,
  setActiveExperiment,
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


const renamed = auditTargets<ParsedInputOf<'experiments.rename'>>((input) => `experiment #${input.id} to "${input.name}"`);
const activated = auditTargets<ParsedInputOf<'experiments.activate'>>((input) => `experiment #${input.id}`);

export const experimentHandlers = defineHandlers({
  'experiments.list': {
    reads: ['experiment'],
    run: (_input, { store }) => listExperiments(store),
  },

  'experiments.create': {
    run: (input, { store }) =>
      store.write(['experiment'], () => {
        assertNameFree(store, input.name);
        const active = findActiveExperiment(store);
        // The first experiment is always made active: while any exists, exactly one is.
        const makeActive = input.activate || !active;
        if (makeActive && active) assertExperimentQuiet(store, active, `Cannot switch to the new experiment "${input.name}"`);
        const id = insertExperiment(store, input.name);
        if (makeActive) setActiveExperiment(store, id);
        return getExperiment(store, id);
      }),
    auditTarget: (input) => `experiment "${input.name}"`,
  },

  'experiments.rename': {
    run: (input, { store }) =>
      store.write(['experiment'], () => {
        const experiment = getExperiment(store, input.id);
        assertNameFree(store, input.name, experiment.id);
        renameExperiment(store, experiment.id, input.name);
        renamed.remember(input, `experiment "${experiment.name}" (#${experiment.id}) to "${input.name}"`);
        return getExperiment(store, experiment.id);
      }),
    auditTarget: renamed.target,
  },

  'experiments.activate': {
    run: (input, { store }) =>
      store.write(['experiment'], () => {
        const experiment = getExperiment(store, input.id);
        const active = findActiveExperiment(store);
        if (active?.id !== experiment.id) {
          if (active) assertExperimentQuiet(store, active, `Cannot switch to experiment "${experiment.name}"`);
          setActiveExperiment(store, experiment.id);
        }
        activated.remember(input, `experiment "${experiment.name}" (#${experiment.id})`);
        return getExperiment(store, experiment.id);
      }),
    auditTarget: activated.target,
  },
});
