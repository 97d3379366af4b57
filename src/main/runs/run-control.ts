// Start all and Stop all (DOMAIN.md "Runs" and the MuTAnT/CoBo order): the checks made before
// anything is sent, the steps in order in the background, and the run record, written at the
// moment the start is declared (every ECC server confirmed Running) or the stop is done.
import { ApiError } from '../../shared/api/errors';
import type { RunControlStatus, Started } from '../../shared/api/contract';
import type { EccState } from '../../shared/domain';
import type { Store } from '../db/store';
import { describeFailures, type EccControl } from '../ecc/control/control';
import { stepOrder } from '../../shared/ecc-state-machine';
import { findActiveExperiment } from '../experiments/queries';
import { createRun, findCurrentRun, stopRun } from '../runsheet/queries';
import { listDataRouters } from '../setup/queries';
import { RunJournal } from './interrupted';
import { countPendingJobs, queueAfterStopJobs } from './jobs';
import type { DataRouterCleanliness } from './routers';

const RUNNING: readonly (EccState | null)[] = ['Running', 'Paused'];

export class RunControl {
  /** What Start all and Stop all are doing, kept so that an interrupted one is found at the next start. */
  readonly journal: RunJournal;

  constructor(
    private readonly store: Store,
    private readonly ecc: EccControl,
    readonly routers: DataRouterCleanliness,
  ) {
    this.journal = new RunJournal(store, ecc, routers);
  }

  status(): RunControlStatus {
    const experiment = findActiveExperiment(this.store);
    if (!experiment) return { experimentId: null, currentRun: null, dataRouters: [], pendingJobs: 0 };
    const run = findCurrentRun(this.store, experiment.id);
    return {
      experimentId: experiment.id,
      currentRun: run ? { id: run.id, number: run.number, startTime: run.startTime } : null,
      dataRouters: listDataRouters(this.store, experiment.id).map((router) => {
        const { clean, checkedAt } = this.routers.get(router.id);
        return { id: router.id, name: router.name, clean, checkedAt };
      }),
      pendingJobs: countPendingJobs(this.store, experiment.id),
    };
  }

  startAll(): Started {
    const name = 'Start all';
    const experiment = this.ecc.activeExperiment();
    const current = findCurrentRun(this.store, experiment.id);
    if (current) throw new ApiError('REFUSED', `${name} refused: run ${current.number} is going; stop it first`);
    this.journal.assertResolved(experiment.id, name);
    const dirty = listDataRouters(this.store, experiment.id).filter((router) => this.routers.get(router.id).clean === false);
    if (dirty.length > 0) {
      throw new ApiError(
        'REFUSED',
        `${name} refused: the staging directory of ${dirty.map((r) => r.name).join(', ')} is not clean (.graw files of an earlier run are still there)`,
      );
    }
    const targets = this.ecc.targets(experiment.id);
    if (targets.length === 0) throw new ApiError('REFUSED', `${name} refused: the active experiment has no ECC server`);
    const notReady = targets.filter((t) => this.ecc.status.state(t.id) !== 'Ready');
    if (notReady.length > 0) {
      const list = notReady.map((t) => `${t.name} ${this.ecc.status.state(t.id) ?? 'unknown'}`).join(', ');
      throw new ApiError('REFUSED', `${name} refused: every ECC server must be Ready (${list})`);
    }
    const missing = targets.filter((t) => t.configSet === null);
    if (missing.length > 0) {
      throw new ApiError('REFUSED', `${name} refused: ${missing.map((t) => t.name).join(', ')} without a selected config set`);
    }
    const configName = [...new Set(targets.map((t) => t.configSet?.configure ?? ''))].join(',');

    return this.ecc.startOperation(experiment, name, stepOrder('Start').text, (operation) => this.journal.during('start_all', experiment, null, async (entry) => {
      const failures = await operation.stepOrdered(operation.targets, 'Start');
      if (failures.length > 0) {
        return { ok: false, message: `${name} failed, no run recorded: ${describeFailures(failures)}`, failures };
      }
      // Declared now: every server has been confirmed Running by its state.
      operation.phase('Every ECC server is Running: recording the run');
      const run = this.store.write(['run', 'run_journal'], () => {
        const created = createRun(this.store, { experimentId: experiment.id, configName });
        entry.done(created.id, `Run ${created.number} started`);
        return created;
      });
      return { ok: true, message: `Run ${run.number} started (config ${configName})`, failures: [] };
    }));
  }

  stopAll(): Started {
    const name = 'Stop all';
    const experiment = this.ecc.activeExperiment();
    const current = findCurrentRun(this.store, experiment.id);
    if (!current) throw new ApiError('REFUSED', `${name} refused: no run is going`);
    // A server whose state is not known may be running: stopping the run record without it would lie.
    const unknown = this.ecc.targets(experiment.id).filter((t) => this.ecc.status.state(t.id) === null);
    if (unknown.length > 0) {
      throw new ApiError('REFUSED', `${name} refused: the state of ${unknown.map((t) => t.name).join(', ')} is not known (refresh first)`);
    }

    return this.ecc.startOperation(experiment, name, stepOrder('Stop').text, (operation) => this.journal.during('stop_all', experiment, current, async (entry) => {
      const running = operation.targets.filter((t) => RUNNING.includes(this.ecc.status.state(t.id)));
      const others = operation.targets.filter((t) => !running.includes(t));
      if (others.length > 0) {
        const list = others.map((t) => `${t.name} ${this.ecc.status.state(t.id)}`).join(', ');
        this.ecc.log('warning', others.map((t) => t.name).join(', '), `${name}: not stopping servers that are not running (${list})`, '', experiment.id);
      }
      const failures = await operation.stepOrdered(running, 'Stop');
      if (failures.length > 0) {
        return { ok: false, message: `${name} failed, run ${current.number} is still going: ${describeFailures(failures)}`, failures };
      }
      operation.phase(`Every ECC server is stopped: recording the stop of run ${current.number}`);
      const jobs = this.store.write(['run', 'job', 'run_journal'], () => {
        stopRun(this.store, current.id);
        entry.done(current.id, `Run ${current.number} stopped`);
        return queueAfterStopJobs(this.store, experiment.id, current);
      });
      // Files were written since the last check: unknown until checked again.
      for (const router of listDataRouters(this.store, experiment.id)) this.routers.forget(router.id);
      return { ok: true, message: `Run ${current.number} stopped; ${jobs} after-stop job${jobs === 1 ? '' : 's'} queued`, failures: [] };
    }));
  }
}
