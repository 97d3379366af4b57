// Operations on runs as a whole: Start all, Stop all, their status, the after-stop jobs (listed,
// tried again), moving a router's leftover files aside, a run's manifests (listed, verified) and
// its whole record (exported), and two runs' configs compared. (Editing a run's metadata and measurements belongs to the run sheet.)
import { ApiError } from '../../shared/api/errors';
import { defineHandlers } from '../api/handler';
import { resolveExperiment } from '../experiments/queries';
import { exportRun } from '../runsheet/run-export';
import { findDataRouter } from '../setup/queries';
import type { JobRunner } from './job-runner';
import { findJob, listJobs, retryJob } from './jobs';
import type { LeftoverFiles } from './leftovers';
import { RunComparer } from './compare';
import { listRunManifests, resolveRun, type RunVerifier } from './manifests';
import type { RunControl } from './run-control';
import type { RunPlanner } from './run-plan';
import { BYTES_PER_GB, describePlan, type RunPlanInput } from '../../shared/run-plan';

function notRunning(): never {
  throw new ApiError('REFUSED', 'Run control is not running in this process');
}

export function runControlHandlers(
  control: RunControl | null,
  jobs: JobRunner | null = null,
  leftovers: LeftoverFiles | null = null,
  verifier: RunVerifier | null = null,
  planner: RunPlanner | null = null,
  comparer: RunComparer | null = null,
) {
  const need = (): RunControl => control ?? notRunning();
  return defineHandlers({
    'runs.status': {
      reads: ['ecc_status', 'workers_status', 'checklist_overrides', 'app_setting', 'experiment', 'ecc_server', 'config_set', 'data_source', 'run', 'data_router', 'job'],
      run: () => (control ? control.status() : { experimentId: null, currentRun: null, dataRouters: [], pendingJobs: 0, checklist: [] }),
    },
    'runs.overrideChecklistItem': {
      run: (input, { auditTarget, caller }) => {
        auditTarget(`Start all checklist: ${input.key}${input.reason === null ? ' (override withdrawn)' : ` overridden: ${input.reason}`}`);
        return need().overrideChecklistItem(input.key, input.reason, caller.osUser);
      },
    },
    'runs.startAll': {
      run: (input, { auditTarget, caller }) => {
        const plan = input.stopAfterSeconds !== undefined || input.stopAfterGb !== undefined;
        auditTarget(plan ? `Start all (${describePlan(planOfInput(input))})` : 'Start all');
        if (planner) return planner.startAll(input, caller.osUser);
        if (plan) throw new ApiError('REFUSED', 'Timed and repeated runs are not followed in this process');
        return need().startAll();
      },
    },
    'runs.plan': {
      reads: ['run_plan', 'run', 'experiment', 'data_flow'],
      run: () => planner?.shown() ?? null,
    },
    'runs.cancelPlan': {
      run: (_input, { auditTarget, caller }) => {
        auditTarget('the active run plan');
        if (!planner) throw new ApiError('REFUSED', 'There is no active run plan to cancel');
        return planner.cancel(caller.osUser);
      },
    },
    'runs.dismissPlan': {
      run: (input, { auditTarget, caller }) => {
        auditTarget(`run plan #${input.id}`);
        if (!planner) throw new ApiError('NOT_FOUND', `There is no run plan #${input.id}`, 'id');
        return planner.dismiss(input.id, caller.osUser);
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
      reads: ['job', 'job_phase', 'experiment'],
      run: (input, { store }) => {
        const experiment = resolveExperiment(store, input.experimentId);
        return listJobs(store, { experimentId: experiment.id, status: input.status, limit: input.limit }, (id) => jobs?.phaseOf(id) ?? null);
      },
    },
    'jobs.retry': {
      run: (input, { store, caller, auditTarget }) => {
        const job = findJob(store, input.id);
        if (job) auditTarget(`job #${job.id} (${job.kind} of run ${job.runNumber} on ${job.targetName})`);
        return retryJob(store, input.id, caller.osUser);
      },
    },
    'runs.manifests': {
      reads: ['run_manifest', 'run_verify', 'job', 'run', 'experiment'],
      run: (input, { store }) => listRunManifests(store, resolveRun(store, input), (runId, routerId) => verifier?.verifying(runId, routerId) ?? false),
    },
    'runs.export': {
      reads: ['experiment', 'run', 'observable', 'measurement', 'run_config', 'job', 'shift_note', 'run_manifest', 'run_verify'],
      run: (input, { store }) => exportRun(store, input.id, (runId, routerId) => verifier?.verifying(runId, routerId) ?? false),
    },
    'runs.compare': {
      // A backup job that ends can make a diff readable: the comparison follows the jobs.
      reads: ['experiment', 'run', 'run_config', 'job'],
      run: (input, { store }) => (comparer ?? new RunComparer(store, null, () => notRunning())).compare(input),
    },
    'runs.verify': {
      run: (input, { store, caller, auditTarget }) => {
        const run = resolveRun(store, input);
        auditTarget(`the files of run ${run.number}`);
        if (!verifier) throw new ApiError('REFUSED', 'The worker computers are not reached from this process');
        return verifier.verify({ runId: run.id }, caller.osUser);
      },
    },
    'dataRouters.moveLeftovers': {
      run: (input, { store, caller, auditTarget }) => {
        const router = findDataRouter(store, input.id);
        if (router) auditTarget(router.name);
        if (!leftovers) throw new ApiError('REFUSED', 'The worker computers are not reached from this process');
        return leftovers.moveAside(input.id, caller.osUser);
      },
    },
  });
}

function planOfInput(input: RunPlanInput) {
  return {
    stopAfterSeconds: input.stopAfterSeconds ?? null,
    stopAfterBytes: input.stopAfterGb === undefined ? null : input.stopAfterGb * BYTES_PER_GB,
    cycle: input.cycle ?? false,
    maxRuns: input.runs ?? null,
  };
}
