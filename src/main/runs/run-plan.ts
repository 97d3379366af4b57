// Timed and repeated runs (issue 12, item 4): a Start all given "stop after H:MM", "stop after
// N GB" or both, and "keep cycling". The plan is kept in the database and followed by a
// main-process timer (RunPlanScheduler): the run is stopped when its first limit is reached, and
// when cycling the next one is started once the previous run's jobs are done and the checklist
// passes, with the previous run's title, class and values. A step that fails ends the plan, with
// an alarm (rule runPlanFailed); nothing is tried again silently. After a restart of the
// application the plan goes on from what the database says, or ends saying why it cannot.
import type { EccOperationReport, RunPlan, RunPlanRun, RunPlanStatus, Started } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Run } from '../../shared/domain';
import { BYTES_PER_GB, describePlan, formatDuration, formatGb, type RunPlanInput } from '../../shared/run-plan';
import type { Store } from '../db/store';
import type { EccControl } from '../ecc/control/control';
import { findActiveExperiment } from '../experiments/queries';
import { insertLogEntry } from '../log/queries';
import { copyMeasurements, deleteMeasurementsOfRun, findCurrentRun, findRun, updateRunDescription } from '../runsheet/queries';
import { readSettings } from '../settings/queries';
import { nowIso } from '../time';
import { blockingItems, describeBlocking } from './checklist';
import type { RunWritten } from './data-flow';
import type { RunControl } from './run-control';

export interface RunPlannerOptions {
  /** How long a cycle waits after a stop for the jobs and the checklist before the plan fails; the setting runPlanStartWaitMinutes unless given. */
  startWaitMs?: number;
}

// --- The database ----------------------------------------------------------------------------

interface PlanRow {
  id: number;
  experiment_id: number;
  stop_after_seconds: number | null;
  stop_after_bytes: number | null;
  cycle: number;
  max_runs: number | null;
  created_at: string;
  created_by: string;
  status: RunPlanStatus;
  stopping_run_id: number | null;
  ended_at: string | null;
  end_reason: string;
  dismissed_at: string | null;
}

interface PlanRunRow {
  position: number;
  run_id: number;
  number: number;
  start_time: string;
  stop_time: string | null;
  stopped_by_plan: number;
}

function findActivePlan(store: Store, experimentId?: number): PlanRow | undefined {
  return (
    experimentId === undefined
      ? store.db.prepare("SELECT * FROM run_plan WHERE status = 'active' ORDER BY id LIMIT 1").get()
      : store.db.prepare("SELECT * FROM run_plan WHERE status = 'active' AND experiment_id = ?").get(experimentId)
  ) as PlanRow | undefined;
}

/** The plan an experiment shows: its active one, else its last one not dismissed. */
function findShownPlan(store: Store, experimentId: number): PlanRow | undefined {
  return store.db
    .prepare("SELECT * FROM run_plan WHERE experiment_id = ? AND (status = 'active' OR dismissed_at IS NULL) ORDER BY id DESC LIMIT 1")
    .get(experimentId) as PlanRow | undefined;
}

function findPlan(store: Store, id: number): PlanRow | undefined {
  return store.db.prepare('SELECT * FROM run_plan WHERE id = ?').get(id) as PlanRow | undefined;
}

function listPlanRuns(store: Store, planId: number): PlanRunRow[] {
  return store.db
    .prepare(
      `SELECT p.position, p.run_id, r.number, r.start_time, r.stop_time, p.stopped_by_plan
         FROM run_plan_run p JOIN run r ON r.id = p.run_id
        WHERE p.plan_id = ? ORDER BY p.position`,
    )
    .all(planId) as PlanRunRow[];
}

/** The failed plans of an experiment that are still shown (each an alarm until dismissed). */
export function listFailedPlans(store: Store, experimentId: number): { id: number; endReason: string; endedAt: string }[] {
  return (
    store.db
      .prepare("SELECT id, end_reason, ended_at FROM run_plan WHERE experiment_id = ? AND status = 'failed' AND dismissed_at IS NULL ORDER BY id")
      .all(experimentId) as { id: number; end_reason: string; ended_at: string }[]
  ).map((r) => ({ id: r.id, endReason: r.end_reason, endedAt: r.ended_at }));
}

function planOf(row: PlanRow, runs: PlanRunRow[]): Omit<RunPlan, 'phase' | 'current'> {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    stopAfterSeconds: row.stop_after_seconds,
    stopAfterBytes: row.stop_after_bytes,
    cycle: row.cycle === 1,
    maxRuns: row.max_runs,
    createdAt: row.created_at,
    createdBy: row.created_by,
    status: row.status,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    runs: runs.map(
      (r): RunPlanRun => ({ position: r.position, runId: r.run_id, number: r.number, startTime: r.start_time, stopTime: r.stop_time, stoppedByPlan: r.stopped_by_plan === 1 }),
    ),
  };
}

// --- The planner -----------------------------------------------------------------------------

type Phase = NonNullable<RunPlan['phase']>;

/** An operation the planner asked for and whose end it waits for. */
interface InFlight {
  planId: number;
  kind: 'start' | 'stop';
}

export class RunPlanner {
  private inFlight: InFlight | null = null;
  private phase: { planId: number; phase: Phase } | null = null;
  /** Since when the plan waits for the next start (after a stop, or since this process began). */
  private waitingSince: { planId: number; at: number } | null = null;
  private closed = false;
  /** Set by the caller (tests); otherwise the setting runPlanStartWaitMinutes, read when it is needed. */
  private readonly startWaitMsGiven: number | null;

  constructor(
    private readonly store: Store,
    private readonly runs: RunControl,
    private readonly ecc: EccControl,
    /** What the current run has written (the data flow), for "stop after N GB". */
    private readonly written: () => RunWritten | null,
    private readonly announce: () => void = () => {},
    options: RunPlannerOptions = {},
  ) {
    this.startWaitMsGiven = options.startWaitMs === undefined ? null : Math.max(0, options.startWaitMs);
  }

  close(): void {
    this.closed = true;
  }

  /** The plan the active experiment shows, with what it does now. */
  shown(): RunPlan | null {
    const experiment = findActiveExperiment(this.store);
    const row = experiment ? findShownPlan(this.store, experiment.id) : undefined;
    return row ? this.view(row) : null;
  }

  private view(row: PlanRow): RunPlan {
    const runs = listPlanRuns(this.store, row.id);
    const plan = planOf(row, runs);
    if (row.status !== 'active') return { ...plan, phase: null, current: null };
    const last = runs.at(-1);
    const going = last && last.stop_time === null ? last : null;
    const written = going ? this.written() : null;
    return {
      ...plan,
      phase: this.phase?.planId === row.id ? this.phase.phase : { kind: 'waiting', text: 'Looking at the runs and the checklist' },
      current: going
        ? {
            runId: going.run_id,
            number: going.number,
            startTime: going.start_time,
            stopAt: row.stop_after_seconds === null ? null : new Date(Date.parse(going.start_time) + row.stop_after_seconds * 1000).toISOString(),
            written: written && written.runId === going.run_id ? { bytes: written.bytes, currentRouters: written.currentRouters, routers: written.routers } : null,
          }
        : null,
    };
  }

  /**
   * runs.startAll: without a limit, Start all as it is; with one, Start all and a plan kept
   * with its first run. Refused while a plan is active (its own starts are the plan's).
   */
  startAll(input: RunPlanInput, by: string): Started {
    const experiment = this.ecc.activeExperiment();
    const active = findActivePlan(this.store, experiment.id);
    if (active) {
      throw new ApiError('REFUSED', `Start all refused: a run plan is active (${describePlan(planOf(active, []))}); its runs are started by it, or cancel it first`);
    }
    const timed = input.stopAfterSeconds !== undefined || input.stopAfterGb !== undefined;
    if (!timed) return this.runs.startAll();
    let planId: number | null = null;
    const position = 1;
    const inFlight: InFlight = { planId: -1, kind: 'start' };
    this.inFlight = inFlight;
    let started: Started;
    try {
      started = this.runs.startAll({
        writes: ['run_plan'],
        recorded: (run) => {
          if (planId !== null) linkRun(this.store, planId, run.id, position);
        },
        ended: (report) => this.startEnded(inFlight, report, position),
      });
    } catch (error) {
      this.inFlight = null;
      throw error;
    }
    planId = this.store.write(['run_plan', 'log_entry'], () => {
      const id = Number(
        this.store.db
          .prepare(
            `INSERT INTO run_plan (experiment_id, stop_after_seconds, stop_after_bytes, cycle, max_runs, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            experiment.id,
            input.stopAfterSeconds ?? null,
            input.stopAfterGb === undefined ? null : Math.max(1, Math.round(input.stopAfterGb * BYTES_PER_GB)),
            input.cycle ? 1 : 0,
            input.cycle ? (input.runs ?? null) : null,
            nowIso(),
            by,
          ).lastInsertRowid,
      );
      const row = findPlan(this.store, id) as PlanRow;
      this.log('info', experiment.id, `Run plan #${id} made by ${by}: ${describePlan(planOf(row, []))}`);
      return id;
    });
    inFlight.planId = planId;
    this.setPhase(planId, { kind: 'starting', text: 'Start all of the first run is under way' });
    return { started: `${started.started}; run plan #${planId}: ${describePlan(planOf(findPlan(this.store, planId) as PlanRow, []))}` };
  }

  /** runs.cancelPlan: the active plan ends; a run going goes on. */
  cancel(by: string): RunPlan {
    const experiment = this.ecc.activeExperiment();
    const row = findActivePlan(this.store, experiment.id);
    if (!row) throw new ApiError('REFUSED', 'There is no active run plan to cancel');
    const current = findCurrentRun(this.store, experiment.id);
    const runs = listPlanRuns(this.store, row.id);
    const going = current && runs.some((r) => r.run_id === current.id) ? `; run ${current.number} goes on until it is stopped` : '';
    this.end(row, 'cancelled', `Cancelled by ${by} after ${count(runs.length)}${going}`, 'info');
    return this.view(findPlan(this.store, row.id) as PlanRow);
  }

  /** runs.dismissPlan: an ended plan is no longer shown (a failed one's alarm ends with it). */
  dismiss(id: number, by: string): RunPlan {
    const row = findPlan(this.store, id);
    if (!row) throw new ApiError('NOT_FOUND', `There is no run plan #${id}`, 'id');
    if (row.status === 'active') throw new ApiError('REFUSED', `Run plan #${id} is active: cancel it first`, 'id');
    if (row.dismissed_at === null) {
      this.store.write(['run_plan', 'log_entry'], () => {
        this.store.db.prepare('UPDATE run_plan SET dismissed_at = ? WHERE id = ?').run(nowIso(), id);
        this.log('info', row.experiment_id, `Run plan #${id} (${row.status}) dismissed by ${by}`);
      });
    }
    return this.view(findPlan(this.store, id) as PlanRow);
  }

  /** One look at the active plan: stop its run when due, start the next when cycling, end it when done. */
  tick(now = Date.now()): void {
    if (this.closed) return;
    const row = findActivePlan(this.store);
    if (!row) {
      this.phase = null;
      return;
    }
    if (this.inFlight?.planId === row.id) return;
    const experiment = findActiveExperiment(this.store);
    if (!experiment || experiment.id !== row.experiment_id) {
      this.fail(row, `its experiment is no longer the active one${experiment ? ` (${experiment.name} is)` : ''}`);
      return;
    }
    const runs = listPlanRuns(this.store, row.id);
    const last = runs.at(-1);
    const current = findCurrentRun(this.store, experiment.id);
    if (current) {
      if (!last || last.run_id !== current.id) {
        this.fail(row, `run ${current.number} is going, and it is not the plan's`);
        return;
      }
      if (row.stopping_run_id === current.id) {
        // Asked by the process before this one, which ended before the stop was recorded.
        this.fail(row, `the application ended during the plan's Stop all of run ${current.number}, which is still going: resolve the interrupted Stop all in the Status view`);
        return;
      }
      this.follow(row, current, now);
      return;
    }
    if (!last) {
      this.fail(row, 'its first Start all recorded no run (the application ended during it)');
      return;
    }
    if (row.stopping_run_id === last.run_id) {
      // Its stop was recorded, but the process that asked for it ended before it was told.
      this.store.write(['run_plan'], () => markStoppedByPlan(this.store, row.id, last.run_id));
      last.stopped_by_plan = 1;
    }
    if (last.stopped_by_plan !== 1) {
      this.end(row, 'cancelled', `Run ${last.number} was stopped, not by the plan: the plan ended there, after ${count(runs.length)}`, 'warning');
      return;
    }
    if (!row.cycle) {
      this.end(row, 'done', `Run ${last.number} stopped by the plan`, 'info');
      return;
    }
    if (row.max_runs !== null && runs.length >= row.max_runs) {
      this.end(row, 'done', `Run ${last.number} stopped by the plan: ${count(runs.length)} taken, as planned`, 'info');
      return;
    }
    this.startNext(row, last, now);
  }

  /** The plan's run is going: stopped once its first limit is reached. */
  private follow(row: PlanRow, run: Run, now: number): void {
    const elapsed = (now - Date.parse(run.startTime)) / 1000;
    const written = this.written();
    const bytes = written && written.runId === run.id ? written.bytes : null;
    const reasons = [
      row.stop_after_seconds !== null && elapsed >= row.stop_after_seconds ? `after ${formatDuration(row.stop_after_seconds)}` : null,
      row.stop_after_bytes !== null && bytes !== null && bytes >= row.stop_after_bytes ? `after ${formatGb(bytes)} (limit ${formatGb(row.stop_after_bytes)})` : null,
    ].filter((r): r is string => r !== null);
    if (reasons.length === 0) {
      const of = row.max_runs === null ? '' : ` of ${row.max_runs}`;
      this.setPhase(row.id, { kind: 'running', text: `Run ${run.number} (run ${listPlanRuns(this.store, row.id).length}${of} of the plan) is going` });
      return;
    }
    const operation = this.ecc.status.operation;
    if (operation) {
      this.setPhase(row.id, { kind: 'stopping', text: `Run ${run.number} is due to stop ${reasons[0]}: waiting for ${operation.name} to end` });
      return;
    }
    const inFlight: InFlight = { planId: row.id, kind: 'stop' };
    this.inFlight = inFlight;
    try {
      this.store.write(['run_plan', 'log_entry'], () => {
        this.store.db.prepare('UPDATE run_plan SET stopping_run_id = ? WHERE id = ?').run(run.id, row.id);
        this.log('info', row.experiment_id, `Run plan #${row.id}: stopping run ${run.number} ${reasons.join(' and ')}`);
      });
      this.runs.stopAll({ ended: (report) => this.stopEnded(inFlight, run, report) });
      this.setPhase(row.id, { kind: 'stopping', text: `Stopping run ${run.number} ${reasons.join(' and ')}` });
    } catch (error) {
      this.inFlight = null;
      this.fail(row, `Stop all of run ${run.number} was refused: ${errorText(error)}`);
    }
  }

  private stopEnded(inFlight: InFlight, run: Run, report: EccOperationReport): void {
    if (this.inFlight === inFlight) this.inFlight = null;
    if (this.closed) return;
    const row = findPlan(this.store, inFlight.planId);
    if (!row) return;
    const stopped = findRun(this.store, run.id)?.stopTime != null;
    if (stopped) this.store.write(['run_plan'], () => markStoppedByPlan(this.store, row.id, run.id));
    this.waitingSince = { planId: row.id, at: Date.now() };
    if (row.status !== 'active') return;
    if (!report.ok) {
      this.fail(row, `Stop all of run ${run.number} failed${stopped ? ' (the run was closed)' : ', the run is still going'}: ${report.message}`);
      return;
    }
    this.tick();
  }

  /** Cycling: the next run, once the previous run's jobs are done and the checklist passes. */
  private startNext(row: PlanRow, last: PlanRunRow, now: number): void {
    if (this.waitingSince?.planId !== row.id) this.waitingSince = { planId: row.id, at: now };
    const position = last.position + 1;
    const experiment = this.ecc.activeExperiment();
    const interrupted = this.runs.journal.unresolved(experiment.id);
    if (interrupted) {
      this.fail(row, `an interrupted or failed ${interrupted.operation === 'start_all' ? 'Start all' : 'Stop all'} must be resolved first (Status view)`);
      return;
    }
    const operation = this.ecc.status.operation;
    const blocking = blockingItems(this.runs.checklist(experiment));
    if (operation || blocking.length > 0) {
      const waited = now - this.waitingSince.at;
      const why = operation ? `${operation.name} is under way` : describeBlocking(blocking);
      const startWaitMs = this.startWaitMsGiven ?? readSettings(this.store).runPlanStartWaitMinutes * 60_000;
      if (waited > startWaitMs) {
        this.fail(row, `the next run could not start within ${formatDuration(startWaitMs / 1000)} of run ${last.number}'s stop: ${why}`);
        return;
      }
      this.setPhase(row.id, {
        kind: 'waiting',
        text: `Run ${position}${row.max_runs === null ? '' : ` of ${row.max_runs}`} of the plan starts when Start all's checklist passes (for up to ${formatDuration(startWaitMs / 1000)} after run ${last.number}'s stop): ${why}`,
      });
      return;
    }
    const inFlight: InFlight = { planId: row.id, kind: 'start' };
    this.inFlight = inFlight;
    try {
      this.runs.startAll({
        writes: ['run_plan', 'measurement'],
        recorded: (run) => {
          linkRun(this.store, row.id, run.id, position);
          // "Same as previous": the run the plan took before this one.
          const previous = findRun(this.store, last.run_id);
          if (previous) {
            updateRunDescription(this.store, run.id, { title: previous.title, runClass: previous.runClass });
            deleteMeasurementsOfRun(this.store, run.id);
            copyMeasurements(this.store, previous.id, run.id);
          }
        },
        ended: (report) => this.startEnded(inFlight, report, position),
      });
      this.log('info', row.experiment_id, `Run plan #${row.id}: Start all of its run ${position}, same as run ${last.number}`);
      this.setPhase(row.id, { kind: 'starting', text: `Start all of run ${position} of the plan is under way (same as run ${last.number})` });
    } catch (error) {
      this.inFlight = null;
      this.fail(row, `Start all of its run ${position} was refused: ${errorText(error)}`);
    }
  }

  private startEnded(inFlight: InFlight, report: EccOperationReport, position: number): void {
    if (this.inFlight === inFlight) this.inFlight = null;
    if (this.closed) return;
    const row = findPlan(this.store, inFlight.planId);
    if (!row || row.status !== 'active') return;
    if (!report.ok) {
      this.fail(row, `Start all of its run ${position} failed: ${report.message}`);
      return;
    }
    this.waitingSince = null;
    this.tick();
  }

  private fail(row: PlanRow, reason: string): void {
    this.end(row, 'failed', `Failed: ${reason}`, 'error');
  }

  private end(row: PlanRow, status: Exclude<RunPlanStatus, 'active'>, reason: string, level: 'info' | 'warning' | 'error'): void {
    this.store.write(['run_plan', 'log_entry'], () => {
      this.store.db
        .prepare("UPDATE run_plan SET status = ?, ended_at = ?, end_reason = ?, stopping_run_id = NULL WHERE id = ? AND status = 'active'")
        .run(status, nowIso(), reason, row.id);
      this.log(level, row.experiment_id, `Run plan #${row.id} ${status === 'done' ? 'done' : status}: ${reason}`);
    });
    if (this.phase?.planId === row.id) this.phase = null;
    this.announce();
  }

  private setPhase(planId: number, phase: Phase): void {
    const same = this.phase?.planId === planId && this.phase.phase.kind === phase.kind && this.phase.phase.text === phase.text;
    this.phase = { planId, phase };
    if (!same) this.announce();
  }

  private log(level: 'info' | 'warning' | 'error', experimentId: number, message: string): void {
    insertLogEntry(this.store, { experimentId, level, source: 'runs', subject: 'Run plan', message, details: '' });
  }
}

function linkRun(store: Store, planId: number, runId: number, position: number): void {
  store.db.prepare('INSERT INTO run_plan_run (plan_id, run_id, position) VALUES (?, ?, ?)').run(planId, runId, position);
}

function markStoppedByPlan(store: Store, planId: number, runId: number): void {
  store.db.prepare('UPDATE run_plan_run SET stopped_by_plan = 1 WHERE plan_id = ? AND run_id = ?').run(planId, runId);
  store.db.prepare('UPDATE run_plan SET stopping_run_id = NULL WHERE id = ? AND stopping_run_id = ?').run(planId, runId);
}

const count = (runs: number) => `${runs} run${runs === 1 ? '' : 's'}`;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
