// Start all and Stop all (DOMAIN.md "Runs" and the MuTAnT/CoBo order): Start all's checklist,
// checked before anything is sent, the steps in order in the background, and the run record,
// written at the moment the start is declared (every ECC server confirmed Running) or the stop
// is done.
import { ApiError } from '../../shared/api/errors';
import type { EccFailure, EccOperationReport, RunControlStatus, Started, WorkersStatus } from '../../shared/api/contract';
import type { ChecklistItem, EccState, Experiment, Run, RouterFiguresAtStop } from '../../shared/domain';
import type { Store, Table } from '../db/store';
import { describeFailures, type EccControl } from '../ecc/control/control';
import type { ServerTarget } from '../ecc/control/queries';
import { buildConfigId, buildTable } from '../ecc/payloads';
import { stepOrder } from '../../shared/ecc-state-machine';
import { findActiveExperiment } from '../experiments/queries';
import { recordRunConfig, type NewRunServerConfig } from '../runsheet/provenance';
import { createRun, findCurrentRun, findPreviousRun, nextRunNumber, recordRunDataFlow, stopRun } from '../runsheet/queries';
import { readSettings } from '../settings/queries';
import { listDataRouters } from '../setup/queries';
import { nowIso } from '../time';
import { runFolderName } from '../worker-node/remote-paths';
import { blockingItems, describeBlocking, startChecklist, type Override } from './checklist';
import { configFileNames, ConfigFileReadings, type ConfigFilesReading, type ConfigFilesTarget } from './config-files';
import { RunJournal } from './interrupted';
import { countPendingJobs, queueAfterStopJobs, unfinishedJobsOfRun } from './jobs';
import type { DataRouterCleanliness } from './routers';

const RUNNING: readonly (EccState | null)[] = ['Running', 'Paused'];

/** What a caller of Start all or Stop all (a run plan) adds to it. */
export interface OperationHooks {
  /** Inside the transaction that records the run: what belongs with it (its plan, its metadata). */
  recorded?: (run: Run) => void;
  /** The tables `recorded` writes. */
  writes?: readonly Table[];
  /** The operation's report, once it has ended. */
  ended?: (report: EccOperationReport) => void;
}

export class RunControl {
  /** Operators' overrides of checklist items, for the next Start all only. */
  private readonly overrides = new Map<string, Override>();
  /** What Start all and Stop all are doing, kept so that an interrupted one is found at the next start. */
  readonly journal: RunJournal;
  /** The ECC servers' config files as last read (their items of the checklist; read again at each Start all). */
  readonly configFiles: ConfigFileReadings;

  constructor(
    private readonly store: Store,
    private readonly ecc: EccControl,
    readonly routers: DataRouterCleanliness,
    /** The last SSH checks of the worker computers (none where this process runs no checks). */
    private readonly workers: (() => WorkersStatus) | null = null,
    private readonly announce: () => void = () => {},
    configFiles?: ConfigFileReadings,
    /** What the data flow read of a run, stored at its Stop (none where this process reads none). */
    private readonly flowAtStop: ((runId: number) => RouterFiguresAtStop[] | null) | null = null,
  ) {
    this.journal = new RunJournal(store, ecc, routers);
    this.configFiles = configFiles ?? new ConfigFileReadings(store, null, (alias) => ({ alias }));
  }

  status(): RunControlStatus {
    const experiment = findActiveExperiment(this.store);
    if (!experiment) return { experimentId: null, currentRun: null, dataRouters: [], pendingJobs: 0, checklist: [] };
    const run = findCurrentRun(this.store, experiment.id);
    return {
      experimentId: experiment.id,
      currentRun: run ? { id: run.id, number: run.number, startTime: run.startTime } : null,
      dataRouters: listDataRouters(this.store, experiment.id).map((router) => {
        const { clean, checkedAt, current } = this.routers.get(router.id);
        return { id: router.id, name: router.name, clean, checkedAt, current };
      }),
      pendingJobs: countPendingJobs(this.store, experiment.id),
      checklist: this.checklist(experiment),
    };
  }

  /** Start all's checklist as it stands now (an empty one without an active experiment). */
  checklist(experiment: Experiment): ChecklistItem[] {
    const items = startChecklist(this.checklistFacts(experiment));
    // Overrides of items that are gone (a router removed) are dropped with them.
    const keys = new Set(items.map((i) => i.key));
    for (const key of this.overrides.keys()) if (!keys.has(key)) this.overrides.delete(key);
    return items;
  }

  private checklistFacts(experiment: Experiment) {
    const targets = this.ecc.targets(experiment.id);
    const previous = findPreviousRun(this.store, experiment.id, Number.MAX_SAFE_INTEGER);
    return {
      experiment,
      targets,
      board: this.ecc.status,
      dataRouters: listDataRouters(this.store, experiment.id),
      cleanliness: this.routers,
      workers: this.workers ? this.workers() : null,
      previousRun: previous ? { number: previous.number, ...unfinishedJobsOfRun(this.store, previous.id) } : null,
      overrides: this.overrides,
      nextRunFolder: `${experiment.name}/${runFolderName(nextRunNumber(this.store, experiment.id))}`,
      minFreeDiskGb: readSettings(this.store).minFreeDiskGb,
      configFiles: this.configFileItems(experiment.id),
    };
  }

  private configFileItems(experimentId: number) {
    return this.configFiles.targets(experimentId).flatMap((t) => this.configFiles.item(t) ?? []);
  }

  /**
   * An operator's override of one checklist item for the next Start all (null withdraws it).
   * Only an item that may be overridden: one whose failure a start cannot survive never can.
   */
  overrideChecklistItem(key: string, reason: string | null, by: string): ChecklistItem {
    const experiment = this.ecc.activeExperiment();
    const found = this.checklist(experiment).find((i) => i.key === key);
    if (!found) throw new ApiError('NOT_FOUND', `Start all's checklist has no item "${key}"`, 'key');
    if (reason === null) {
      this.overrides.delete(key);
    } else {
      if (!found.overridable) throw new ApiError('REFUSED', `"${found.label}" cannot be overridden: ${found.reason}`, 'key');
      this.overrides.set(key, { reason, by, at: nowIso() });
    }
    this.announce();
    return this.checklist(experiment).find((i) => i.key === key) as ChecklistItem;
  }

  startAll(hooks: OperationHooks = {}): Started {
    const name = 'Start all';
    const experiment = this.ecc.activeExperiment();
    const current = findCurrentRun(this.store, experiment.id);
    if (current) throw new ApiError('REFUSED', `${name} refused: run ${current.number} is going; stop it first`);
    this.journal.assertResolved(experiment.id, name);
    const targets = this.ecc.targets(experiment.id);
    if (targets.length === 0) throw new ApiError('REFUSED', `${name} refused: the active experiment has no ECC server`);
    const checklist = this.checklist(experiment);
    const blocking = blockingItems(checklist);
    if (blocking.length > 0) {
      throw new ApiError('REFUSED', `${name} refused by its checklist: ${describeBlocking(blocking)}`);
    }
    const configName = [...new Set(targets.map((t) => t.configSet?.configure ?? ''))].join(',');

    return this.ecc.startOperation(experiment, name, stepOrder('Start').text, async (operation) => {
      // Just before the start, in the background: what the run records, and a file that cannot
      // be read now stops the start before anything is sent (its checklist item shows why).
      operation.phase('Reading the config files of every ECC server (SHA-256) before the start');
      const configTargets = this.configFiles.targets(experiment.id);
      const readings = await this.configFiles.read(configTargets);
      this.announce();
      const unreadable = blockingItems(this.checklist(experiment).filter((i) => i.key.startsWith('config-files:')));
      if (unreadable.length > 0) {
        return { ok: false, message: `${name} stopped before any server was started, by its checklist: ${describeBlocking(unreadable)}`, failures: [] };
      }
      const provenance = this.provenance(operation.targets, configTargets, readings);
      return this.journal.during(
        'start_all',
        experiment,
        null,
        async (entry) => {
          const failures = await operation.stepOrdered(operation.targets, 'Start');
          if (failures.length > 0) {
            return { ok: false, message: `${name} failed, no run recorded: ${describeFailures(failures)}`, failures };
          }
          // Declared now: every server has been confirmed Running by its state.
          operation.phase('Every ECC server is Running: recording the run');
          const run = this.store.write(['run', 'run_journal', 'run_config', ...(hooks.recorded ? hooks.writes ?? [] : [])], () => {
            const created = createRun(this.store, { experimentId: experiment.id, configName, startChecklist: checklist });
            recordRunConfig(this.store, created.id, provenance);
            hooks.recorded?.(created);
            entry.done(created.id, `Run ${created.number} started`);
            return created;
          });
          // The overrides were for this start: the next one is checked afresh.
          this.overrides.clear();
          this.announce();
          const overridden = checklist.filter((i) => i.override !== null).length;
          const note = overridden > 0 ? `; ${overridden} checklist item${overridden === 1 ? '' : 's'} overridden (kept with the run)` : '';
          return { ok: true, message: `Run ${run.number} started (config ${configName})${note}`, failures: [] };
        },
        { startChecklist: checklist, provenance },
      );
    }, hooks.ended);
  }

  /** What each server is started with: its set, the exact strings its steps send, its files' hashes just read. */
  private provenance(targets: readonly ServerTarget[], configTargets: readonly ConfigFilesTarget[], readings: ReadonlyMap<number, ConfigFilesReading>): NewRunServerConfig[] {
    return targets.flatMap((target) => {
      const where = configTargets.find((t) => t.id === target.id);
      const set = target.configSet;
      if (!where || !set) return [];
      const reading = readings.get(target.id);
      const files = configFileNames(set).map((name) => {
        const file = reading?.files?.find((f) => f.name === name);
        if (file?.status === 'read') return { name, sha256: file.sha256, bytes: file.bytes, problem: '' };
        const problem = file ? file.message : `not read at the start: ${reading?.error ?? 'no answer'} (checklist overridden)`;
        return { name, sha256: null, bytes: null, problem };
      });
      // The same strings the ECC gateway builds for each step (payloads.ts): the server has been
      // configured with them, and they are what the run was taken with.
      return [{
        eccServerId: target.id,
        eccServer: target.name,
        address: where.address,
        configRoot: where.configRoot,
        configSet: { ...set },
        configId: buildConfigId(set),
        dataLinkTable: buildTable(target.links),
        files,
      }];
    });
  }

  /**
   * Stop all: never blocked by a server that does not answer. Every server that answers and
   * runs is stopped in the Stop order (a phase with a failure does not keep the next from being
   * stopped), then the run is closed and its jobs queued, naming the servers that could not be
   * confirmed stopped; their state is unknown from then on. Only a server that answers and is
   * still running keeps the run open.
   */
  stopAll(hooks: Pick<OperationHooks, 'ended'> = {}): Started {
    const name = 'Stop all';
    const experiment = this.ecc.activeExperiment();
    const current = findCurrentRun(this.store, experiment.id);
    if (!current) throw new ApiError('REFUSED', `${name} refused: no run is going`);
    const board = this.ecc.status;

    return this.ecc.startOperation(experiment, name, stepOrder('Stop').text, (operation) => this.journal.during('stop_all', experiment, current, async (entry) => {
      const silent = operation.targets.filter((t) => !board.answering(t.id));
      const running = operation.targets.filter((t) => board.answering(t.id) && RUNNING.includes(board.state(t.id)));
      const idle = operation.targets.filter((t) => board.answering(t.id) && !running.includes(t));
      if (idle.length > 0) {
        const list = idle.map((t) => `${t.name} ${board.state(t.id)}`).join(', ');
        this.ecc.log('warning', idle.map((t) => t.name).join(', '), `${name}: not stopping servers that are not running (${list})`, '', experiment.id);
      }
      const failures = await operation.stepOrdered(running, 'Stop', { throughFailures: true });
      const stillRunning = running.filter((t) => board.answering(t.id) && RUNNING.includes(board.state(t.id)));
      if (stillRunning.length > 0) {
        return {
          ok: false,
          message: `${name} failed, run ${current.number} is still going: ${stillRunning.map((t) => t.name).join(', ')} still running; ${describeFailures(failures)}`,
          failures,
        };
      }
      const unconfirmed = [...silent, ...running.filter((t) => !board.answering(t.id))];
      operation.phase(`Stopped: recording the stop of run ${current.number}`);
      const jobs = this.store.write(['run', 'job', 'run_journal', 'run_data_flow'], () => {
        stopRun(this.store, current.id, undefined, unconfirmed.map((t) => t.name));
        // As of the last reading (at most a period old): what the routers write after Stop, while they drain, is not counted.
        const figures = this.flowAtStop?.(current.id);
        if (figures) recordRunDataFlow(this.store, current.id, figures);
        entry.done(current.id, `Run ${current.number} stopped`);
        return queueAfterStopJobs(this.store, experiment.id, current);
      });
      // Not known any more: a server that did not answer may still be running.
      for (const target of unconfirmed) board.forgetState(target.id);
      // Files were written since the last check: unknown until checked again.
      for (const router of listDataRouters(this.store, experiment.id)) this.routers.forget(router.id);
      const queued = `${jobs} after-stop job${jobs === 1 ? '' : 's'} queued`;
      if (unconfirmed.length === 0) return { ok: true, message: `Run ${current.number} stopped; ${queued}`, failures: [] };
      const names = unconfirmed.map((t) => t.name).join(', ');
      const notStopped: EccFailure[] = unconfirmed.map((t) => ({
        eccServerId: t.id,
        server: t.name,
        step: 'Stop',
        message: `${t.name} does not answer: it could not be stopped, and its state is unknown`,
      }));
      return {
        ok: false,
        message: `Run ${current.number} stopped without ${names}, which ${unconfirmed.length === 1 ? 'does' : 'do'} not answer (state unknown: check ${unconfirmed.length === 1 ? 'it' : 'them'}); ${queued}`,
        failures: notStopped,
      };
    }), hooks.ended);
  }
}
