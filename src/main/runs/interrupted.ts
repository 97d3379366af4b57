// The run journal: Start all and Stop all write down what they are doing while they do it (which
// run, what the servers did and when), and close the entry in the same transaction as the run
// record they create or stop. An entry still open at the next start means the application was
// killed or lost power in the middle; a Start all that failed part way (servers left Running,
// no run recorded) is kept the same way. Both are shown with the actions that resolve them
// (runs.interrupted, runs.resolveInterrupted); nothing is recorded without an operator's action,
// and the run number the journal reserved is the one used: numbers are never reused or skipped.
import { ApiError } from '../../shared/api/errors';
import type { InterruptedAction, InterruptedOperation } from '../../shared/api/contract';
import type { ChecklistItem, EccState, Experiment } from '../../shared/domain';
import type { Store } from '../db/store';
import type { EccControl, OperationResult } from '../ecc/control/control';
import type { ServerTarget } from '../ecc/control/queries';
import { findActiveExperiment } from '../experiments/queries';
import { insertLogEntry } from '../log/queries';
import { createRun, findCurrentRun, findRun, stopRun, updateRunDescription } from '../runsheet/queries';
import { recordRunConfig, type NewRunServerConfig } from '../runsheet/provenance';
import { listDataRouters } from '../setup/queries';
import { nowIso } from '../time';
import { queueAfterStopJobs } from './jobs';
import type { DataRouterCleanliness } from './routers';

export type JournalOperation = 'start_all' | 'stop_all';
type JournalState = 'open' | 'done' | 'failed' | 'interrupted' | 'resolved';

interface JournalRow {
  id: number;
  operation: JournalOperation;
  experiment_id: number;
  run_number: number;
  run_id: number | null;
  started_at: string;
  state: JournalState;
  notes: string;
  message: string;
  ended_at: string | null;
}

/** What the operation saw of the servers along the way. */
interface JournalNotes {
  /** Each server's state as last seen during the operation, and since when. */
  servers?: Record<string, { state: EccState | null; at: string }>;
  /** When every server was first seen Running (Start all): the start time the servers imply. */
  allRunningAt?: string;
  /** When no server was seen Running any more (Stop all): the stop time the servers imply. */
  allStoppedAt?: string;
  /** The MuTAnT was broken up (Prepared) by Start all's re-configuration. */
  mutantBrokenUp?: boolean;
  /** What Start all would have recorded with its run: the checklist it passed, and what each ECC server was started with. */
  startRecord?: StartRecord;
}

/** What a run is recorded with by Start all, kept in its journal entry so that recordRun records it too. */
export interface StartRecord {
  startChecklist: ChecklistItem[];
  provenance: NewRunServerConfig[];
}

const RUNNING: readonly (EccState | null)[] = ['Running', 'Paused'];
const NAMES: Record<JournalOperation, string> = { start_all: 'Start all', stop_all: 'Stop all' };

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toTimeString().slice(0, 8);
}

/** The open journal entry of an operation under way. */
export interface JournalEntry {
  readonly id: number;
  /** Closes the entry as done; call inside the store.write that records or stops the run. */
  done(runId: number, message: string): void;
}

export class RunJournal {
  constructor(
    private readonly store: Store,
    private readonly ecc: EccControl,
    private readonly routers: DataRouterCleanliness,
  ) {}

  private row(id: number): JournalRow | undefined {
    return this.store.db.prepare<[number], JournalRow>('SELECT * FROM run_journal WHERE id = ?').get(id);
  }

  private writeNotes(id: number, notes: JournalNotes): void {
    this.store.write(['run_journal'], () => this.store.db.prepare('UPDATE run_journal SET notes = ? WHERE id = ?').run(JSON.stringify(notes), id));
  }

  private log(level: 'info' | 'warning' | 'error', experimentId: number, message: string, details = ''): void {
    try {
      insertLogEntry(this.store, { experimentId, level, source: 'runs', subject: '', message, details });
    } catch (error) {
      console.error('Could not write the log:', error);
    }
  }

  /**
   * At the start of the application: an entry still open belongs to a process that ended in
   * the middle of the operation (the data directory's lock says no other one runs). Each is
   * marked interrupted and logged; runs.interrupted says what to do.
   */
  markInterrupted(): number {
    const open = this.store.db.prepare<[], JournalRow>("SELECT * FROM run_journal WHERE state = 'open' ORDER BY id").all();
    for (const row of open) {
      this.store.write(['run_journal'], () =>
        this.store.db.prepare("UPDATE run_journal SET state = 'interrupted', ended_at = ? WHERE id = ?").run(nowIso(), row.id),
      );
      this.log(
        'warning',
        row.experiment_id,
        `${NAMES[row.operation]} of run ${row.run_number} was interrupted at ${clock(row.started_at)}: the application ended during it. The Status view says what the servers are doing and how to resolve it.`,
        `journal entry #${row.id}, begun ${row.started_at}`,
      );
    }
    return open.length;
  }

  /** The entry that needs an operator, of an experiment: interrupted, or failed part way. */
  unresolved(experimentId: number): JournalRow | undefined {
    return this.store.db
      .prepare<[number], JournalRow>("SELECT * FROM run_journal WHERE experiment_id = ? AND state IN ('interrupted', 'failed') ORDER BY id DESC LIMIT 1")
      .get(experimentId);
  }

  /** Refuses `what` while an interrupted or failed Start all / Stop all waits for an operator. */
  assertResolved(experimentId: number, what: string): void {
    const row = this.unresolved(experimentId);
    if (row && row.operation === 'start_all') {
      throw new ApiError('REFUSED', `${what} refused: ${NAMES[row.operation]} of run ${row.run_number} ${row.state === 'failed' ? 'failed part way' : 'was interrupted'}; resolve it first (the Status view, runs.resolveInterrupted)`);
    }
  }

  /**
   * Runs an operation's work with its journal entry open: what the servers do is noted as it
   * happens. Work that ends without `done` closes the entry as failed (servers left Running, or
   * the MuTAnT broken up, wait for an operator) or as done (nothing was left half-way).
   */
  async during(
    operation: JournalOperation,
    experiment: Experiment,
    run: { id: number; number: number } | null,
    work: (entry: JournalEntry) => Promise<OperationResult>,
    startRecord?: StartRecord,
  ): Promise<OperationResult> {
    const runNumber = run?.number ?? nextRunNumber(this.store, experiment.id);
    const notes: JournalNotes = startRecord ? { startRecord } : {};
    const id = this.store.write(['run_journal'], () => {
      // A new Stop all of the run takes over an interrupted one: it does what closeRun would.
      if (run) {
        this.store.db
          .prepare("UPDATE run_journal SET state = 'resolved', resolution = 'superseded by a new Stop all' WHERE experiment_id = ? AND run_id = ? AND state IN ('interrupted', 'failed')")
          .run(experiment.id, run.id);
      }
      return Number(
        this.store.db
          .prepare('INSERT INTO run_journal (operation, experiment_id, run_number, run_id, started_at, notes) VALUES (?, ?, ?, ?, ?, ?)')
          .run(operation, experiment.id, runNumber, run?.id ?? null, nowIso(), JSON.stringify(notes)).lastInsertRowid,
      );
    });
    const targets = this.ecc.targets(experiment.id);
    const note = () => {
      if (this.noteStates(operation, targets, notes)) this.writeNotes(id, notes);
    };
    let ended = false;
    const stopWatching = this.store.onChange((tables) => {
      if (!ended && tables.includes('ecc_server_state')) note();
    });
    const entry: JournalEntry = {
      id,
      done: (runId, message) => {
        ended = true;
        this.noteStates(operation, targets, notes);
        this.store.db
          .prepare("UPDATE run_journal SET state = 'done', run_id = ?, notes = ?, message = ?, ended_at = ? WHERE id = ?")
          .run(runId, JSON.stringify(notes), message, nowIso(), id);
      },
    };
    try {
      note();
      const result = await work(entry);
      if (!ended) this.settle(id, operation, targets, notes, result.message);
      return result;
    } catch (error) {
      if (!ended) this.settle(id, operation, targets, notes, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      ended = true;
      stopWatching();
    }
  }

  /** Notes each server's state when it changed; whether anything is new. */
  private noteStates(operation: JournalOperation, targets: readonly ServerTarget[], notes: JournalNotes): boolean {
    const at = nowIso();
    let changed = false;
    notes.servers ??= {};
    for (const target of targets) {
      const state = this.ecc.status.state(target.id);
      if (notes.servers[target.name]?.state !== state) {
        notes.servers[target.name] = { state, at };
        changed = true;
      }
      if (operation === 'start_all' && target.drivesMutant && state === 'Prepared' && !notes.mutantBrokenUp) {
        notes.mutantBrokenUp = true;
        changed = true;
      }
    }
    const states = targets.map((t) => this.ecc.status.state(t.id));
    if (operation === 'start_all' && !notes.allRunningAt && states.length > 0 && states.every((s) => s === 'Running')) {
      notes.allRunningAt = at;
      changed = true;
    }
    if (operation === 'stop_all' && !notes.allStoppedAt && states.every((s) => s !== null && !RUNNING.includes(s))) {
      notes.allStoppedAt = at;
      changed = true;
    }
    return changed;
  }

  private settle(id: number, operation: JournalOperation, targets: readonly ServerTarget[], notes: JournalNotes, message: string): void {
    if (!this.store.db.open) return;
    this.noteStates(operation, targets, notes);
    // A Start all that failed with servers left Running (or the MuTAnT broken up) waits for an
    // operator; a failed Stop all leaves its run going, which Stop all itself resolves.
    const leftOver =
      operation === 'start_all' &&
      targets.some((t) => RUNNING.includes(this.ecc.status.state(t.id)) || (t.drivesMutant && this.ecc.status.state(t.id) === 'Prepared'));
    this.store.write(['run_journal'], () =>
      this.store.db
        .prepare('UPDATE run_journal SET state = ?, notes = ?, message = ?, ended_at = ? WHERE id = ?')
        .run(leftOver ? 'failed' : 'done', JSON.stringify(notes), message, nowIso(), id),
    );
  }

  // --- What the operator sees and does --------------------------------------------------------

  /** The active experiment's interrupted or failed operation, with the servers' states now and the actions. */
  interrupted(): InterruptedOperation | null {
    const experiment = findActiveExperiment(this.store);
    const row = experiment ? this.unresolved(experiment.id) : undefined;
    if (!experiment || !row) return null;
    const notes = JSON.parse(row.notes) as JournalNotes;
    const servers = this.ecc.targets(experiment.id).map((t) => ({ id: t.id, name: t.name, state: this.ecc.status.state(t.id) }));
    const byState = new Map<string, string[]>();
    for (const server of servers) {
      const key = server.state ?? 'not read yet';
      byState.set(key, [...(byState.get(key) ?? []), server.name]);
    }
    const states = [...byState].map(([state, names]) => `${names.join(', ')} ${state}`).join(', ');
    const name = NAMES[row.operation];
    const how = row.state === 'failed' ? `failed part way at ${clock(row.started_at)}` : `was interrupted at ${clock(row.started_at)}`;
    const run = row.run_id !== null ? findRun(this.store, row.run_id) : undefined;
    const record =
      row.operation === 'start_all' ? 'no run recorded' : run && run.stopTime === null ? `run ${row.run_number} still open` : `run ${row.run_number} closed`;
    const actions: InterruptedAction[] = [];
    const allRunning = servers.length > 0 && servers.every((s) => s.state === 'Running');
    const anyRunning = servers.some((s) => RUNNING.includes(s.state));
    if (row.operation === 'start_all') {
      if (allRunning) actions.push('recordRun');
      if (anyRunning || servers.some((s) => s.state === 'Prepared')) actions.push('stopServers');
    } else if (run && run.stopTime === null && !anyRunning && servers.every((s) => s.state !== null)) {
      actions.push('closeRun');
    }
    const hint =
      servers.some((s) => s.state === null)
        ? ' The state of some servers is not read yet.'
        : row.operation === 'stop_all' && anyRunning
          ? ' Some servers are still Running: Stop all stops them and closes the run.'
          : row.operation === 'start_all' && !allRunning && !anyRunning && actions.length === 0
            ? ' No server is Running: nothing is left to undo.'
            : '';
    return {
      id: row.id,
      operation: row.operation === 'start_all' ? 'startAll' : 'stopAll',
      kind: row.state === 'failed' ? 'failed' : 'interrupted',
      experimentId: experiment.id,
      runNumber: row.run_number,
      startedAt: row.started_at,
      impliedTime: (row.operation === 'start_all' ? notes.allRunningAt : notes.allStoppedAt) ?? null,
      servers,
      message: `${name} ${how}: ${states}, ${record}.${hint}`,
      failure: row.message,
      actions,
    };
  }

  /** Carries out an operator's resolution; refused when it does not fit what the servers do now. */
  resolve(id: number, action: InterruptedAction): { message: string } {
    const experiment = this.ecc.activeExperiment();
    const current = this.interrupted();
    if (!current || current.id !== id) {
      throw new ApiError('NOT_FOUND', `There is no interrupted or failed Start all / Stop all #${id} to resolve in the active experiment`, 'id');
    }
    if (!current.actions.includes(action)) {
      throw new ApiError('REFUSED', `${action} does not resolve this now (${current.message}); possible: ${current.actions.join(', ') || 'none yet'}`, 'action');
    }
    const row = this.row(id) as JournalRow;
    const notes = JSON.parse(row.notes) as JournalNotes;
    if (action === 'recordRun') return this.recordRun(experiment, row, notes);
    if (action === 'closeRun') return this.closeRun(experiment, row, notes);
    return this.stopServers(experiment, row, notes);
  }

  private resolved(id: number, resolution: string): void {
    this.store.db.prepare("UPDATE run_journal SET state = 'resolved', resolution = ? WHERE id = ?").run(resolution, id);
  }

  private recordRun(experiment: Experiment, row: JournalRow, notes: JournalNotes): { message: string } {
    const targets = this.ecc.targets(experiment.id);
    const configName = [...new Set(targets.map((t) => t.configSet?.configure ?? ''))].join(',');
    // The time every server was seen Running, if the interrupted application saw it; else the
    // latest a server was seen Running, else the start of Start all: said on the run.
    const seenRunning = Object.values(notes.servers ?? {})
      .filter((s) => s.state === 'Running')
      .map((s) => s.at)
      .sort();
    const startTime = notes.allRunningAt ?? seenRunning[seenRunning.length - 1] ?? row.started_at;
    const how = notes.allRunningAt
      ? 'when every ECC server was seen Running'
      : seenRunning.length > 0
        ? 'when the last server was seen Running before the interruption (the others were found Running afterwards)'
        : 'when Start all began (no server was seen Running before the interruption)';
    const run = this.store.write(['run', 'run_journal', 'run_config'], () => {
      const next = nextRunNumber(this.store, experiment.id);
      if (next !== row.run_number) {
        throw new ApiError('CONFLICT', `Run ${row.run_number} cannot be recorded: the next number is ${next} (a run was recorded meanwhile)`);
      }
      // What the interrupted Start all had read and passed before it started the servers.
      const record = notes.startRecord;
      const created = createRun(this.store, { experimentId: experiment.id, configName, startTime, ...(record ? { startChecklist: record.startChecklist } : {}) });
      if (record) recordRunConfig(this.store, created.id, record.provenance);
      updateRunDescription(this.store, created.id, { title: `Recorded after an interrupted Start all (start time ${how})`, runClass: created.runClass });
      this.resolved(row.id, `recordRun: run ${created.number} recorded, start time ${startTime}`);
      return created;
    });
    const message = `Run ${run.number} recorded after an interrupted Start all, with the start time ${startTime} (${how})`;
    this.log('warning', experiment.id, message, `journal entry #${row.id}`);
    return { message };
  }

  private closeRun(experiment: Experiment, row: JournalRow, notes: JournalNotes): { message: string } {
    const stopTime = notes.allStoppedAt ?? nowIso();
    const how = notes.allStoppedAt ? 'when every ECC server was seen stopped' : 'now (the servers were found stopped after the interruption)';
    const jobs = this.store.write(['run', 'job', 'run_journal'], () => {
      const run = row.run_id !== null ? findRun(this.store, row.run_id) : undefined;
      const current = findCurrentRun(this.store, experiment.id);
      if (!run || !current || current.id !== run.id) throw new ApiError('REFUSED', `Run ${row.run_number} is not open any more`);
      stopRun(this.store, run.id, stopTime);
      const queued = queueAfterStopJobs(this.store, experiment.id, run);
      this.resolved(row.id, `closeRun: run ${run.number} closed, stop time ${stopTime}, ${queued} after-stop jobs queued`);
      return queued;
    });
    // Files were written since the last check: unknown until checked again.
    for (const router of listDataRouters(this.store, experiment.id)) this.routers.forget(router.id);
    const message = `Run ${row.run_number} closed after an interrupted Stop all, with the stop time ${stopTime} (${how}); ${jobs} after-stop job${jobs === 1 ? '' : 's'} queued`;
    this.log('warning', experiment.id, message, `journal entry #${row.id}`);
    return { message };
  }

  private stopServers(experiment: Experiment, row: JournalRow, notes: JournalNotes): { message: string } {
    const name = `Stopping the servers of the ${row.state === 'failed' ? 'failed' : 'interrupted'} Start all`;
    const started = this.ecc.startOperation(experiment, name, 'Stop in the Stop order (the MuTAnT first), then the MuTAnT back to Ready', async (operation) => {
      const running = operation.targets.filter((t) => RUNNING.includes(this.ecc.status.state(t.id)));
      const failures = await operation.stepOrdered(running, 'Stop');
      if (failures.length > 0) return { ok: false, message: `${name} stopped: ${failures.map((f) => `${f.server}: ${f.message}`).join('; ')}`, failures };
      // Start all's re-configuration had broken the MuTAnT up: it goes back to Ready, where it was.
      const brokenUp = operation.targets.filter((t) => t.drivesMutant && this.ecc.status.state(t.id) === 'Prepared');
      const back = brokenUp.length > 0 ? await operation.stepEach(brokenUp, 'Configure') : [];
      if (back.length > 0) return { ok: false, message: `${name}: the MuTAnT could not be configured back to Ready: ${back.map((f) => f.message).join('; ')}`, failures: back };
      const stopped = running.map((t) => t.name).join(', ') || 'none';
      const resolution = `stopServers: stopped ${stopped}${brokenUp.length > 0 ? `; ${brokenUp.map((t) => t.name).join(', ')} configured back to Ready` : ''}`;
      this.store.write(['run_journal'], () => this.resolved(row.id, resolution));
      this.log('info', experiment.id, `${name}: done (${resolution.slice('stopServers: '.length)}); no run was recorded, run ${row.run_number} is still the next`, `journal entry #${row.id}${notes.mutantBrokenUp ? '; the MuTAnT had been broken up' : ''}`);
      return { ok: true, message: `${name}: done, no run recorded`, failures: [] };
    });
    return { message: started.started };
  }
}

/** The number the experiment's next run gets (createRun's rule): the journal reserves it. */
export function nextRunNumber(store: Store, experimentId: number): number {
  return store.db.prepare<[number], { next: number }>('SELECT coalesce(max(number) + 1, 0) AS next FROM run WHERE experiment_id = ?').get(experimentId)?.next ?? 0;
}
