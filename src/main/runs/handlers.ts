// Operations on runs as a whole: Start all, Stop all, their status, and the after-stop jobs.
// (Editing a run's metadata and measurements belongs to the run sheet.)
import { ApiError } from '../../shared/api/errors';
import { defineHandlers } from '../api/handler';
import { resolveExperiment } from '../experiments/queries';
import { listJobs } from './jobs';
import type { RunControl } from './run-control';

function notRunning(): never {
  throw new ApiError('REFUSED', 'Run control is not running in this process');
}

export function runControlHandlers(control: RunControl | null) {
  const need = (): RunControl => control ?? notRunning();
  return defineHandlers({
    'runs.status': {
      reads: ['ecc_status', 'experiment', 'run', 'data_router', 'job'],
      run: () => (control ? control.status() : { experimentId: null, currentRun: null, dataRouters: [], pendingJobs: 0 }),
    },
    'runs.startAll': {
      run: (_input, { auditTarget }) => {
        auditTarget('Start all');
        return need().startAll();
      },
    },
    'runs.stopAll': {
      run: (_input, { auditTarget }) => {
        auditTarget('Stop all');
        return need().stopAll();
      },
    },
    'runs.interrupted': {
      reads: ['run_journal', 'run', 'ecc_status', 'ecc_server_state', 'experiment'],
      run: () => (control ? control.journal.interrupted() : null),
    },
    'runs.resolveInterrupted': {
      run: (input, { auditTarget }) => {
        auditTarget(`${input.action} for interrupted operation #${input.id}`);
        return need().journal.resolve(input.id, input.action);
      },
    },
    'jobs.list': {
      reads: ['job', 'experiment'],
      run: (input, { store }) => {
        const experiment = resolveExperiment(store, input.experimentId);
        return listJobs(store, { experimentId: experiment.id, status: input.status, limit: input.limit });
      },
    },
  });
}
