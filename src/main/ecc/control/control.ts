// ECC control: reads the servers' states, sends steps one server at a time and confirms each
// by reading the state back, and runs the operations on all servers in the MuTAnT/CoBo order.
// Requests are checked at once and refused with a reason; the work itself runs in the
// background (no request waits on the network) and shows in the live status and the log.
import { ApiError } from '../../../shared/api/errors';
import type { EccFailure, EccOperationReport, EccStatus, Started } from '../../../shared/api/contract';
import { configSetLabel, type EccServer, type EccState, type EccStep, type Experiment } from '../../../shared/domain';
import type { Store, Table } from '../../db/store';
import { findActiveExperiment, findExperiment } from '../../experiments/queries';
import { findCurrentRun } from '../../runsheet/queries';
import { findEccServer, listEccServers } from '../../setup/queries';
import { EccCallError, type CallLimits, type EccGateway, type StateReport, type StepAnswer } from '../gateway';
import {
  findConfigSetOwner,
  listServerTargets,
  mutantServerIds,
  replaceConfigSets,
  selectConfigSet,
  type ServerTarget,
} from './queries';
import { PendingWrites } from './pending-writes';
import { NEEDS_CONFIG_SET, TO_READY, resetStep, stepOrder, stepTarget } from '../../../shared/ecc-state-machine';
import type { EccStatusBoard } from './status';

export interface EccControlOptions {
  /** Limits of one GetState call (default: the gateway's, 5 s / 10 s). */
  getStateLimits?: CallLimits;
  /** Limits of one GetConfigIDs call (default: the gateway's). */
  configIdsLimits?: CallLimits;
  /** Limits of one step call (default: the gateway's, 45 s / 60 s). */
  stepLimits?: CallLimits;
  /** How often a step that outlived its call is followed with GetState (default 250 ms; at most 500). */
  followIntervalMs?: number;
  /** GetState failures in a row after which a followed step counts as failed (default 3). */
  followErrorLimit?: number;
}

type StepOutcome = { ok: true; state: EccState } | { ok: false; failure: EccFailure };

/** What an operation on all servers gets to do its work. */
export interface AllOperation {
  readonly experiment: Experiment;
  readonly targets: ServerTarget[];
  phase(text: string): void;
  /** Steps every target at once (each confirmed by its state); resolves with the failures. */
  stepEach(targets: readonly ServerTarget[], step: EccStep): Promise<EccFailure[]>;
  /**
   * Steps `targets` in the MuTAnT/CoBo order of `step`; stops at the first phase with a failure,
   * unless `throughFailures` (Stop all: a server that fails to stop must not keep the others running).
   */
  stepOrdered(targets: readonly ServerTarget[], step: EccStep, options?: { throughFailures?: boolean }): Promise<EccFailure[]>;
}

export interface OperationResult {
  ok: boolean;
  message: string;
  failures: EccFailure[];
}

const EMPTY_SET = { describe: '', prepare: '', configure: '' };

/** What a step or a refresh reads of the setup: a change to one of these drops the targets kept. */
const TARGET_TABLES: readonly Table[] = ['experiment', 'ecc_server', 'config_set', 'data_source', 'data_router'];

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const names = (targets: readonly { name: string }[]) => targets.map((t) => t.name).join(', ');

/** `Configure all stopped: ECC2 failed at Configure: <message>` */
export function describeFailures(failures: readonly EccFailure[]): string {
  return failures.map((f) => `${f.server} failed at ${f.step}: ${f.message}`).join('; ');
}

export class EccControl {
  private closed = false;
  /** Set when the application begins to close: requests are refused, work under way goes on. */
  private closing = false;
  private readonly tasks = new Set<Promise<void>>();
  /** The kind of the last refresh failure per server, so that a server down is logged once, not every round. */
  private readonly refreshFailure = new Map<number, string>();
  private readonly followIntervalMs: number;
  private readonly followErrorLimit: number;
  /** States and log entries written together at the end of the event loop's turn. */
  private readonly pending: PendingWrites;
  /** Each experiment's targets, by id, as last read; dropped when the setup changes. */
  private readonly targetCache = new Map<number, Map<number, ServerTarget>>();
  private readonly stopWatchingSetup: () => void;

  constructor(
    private readonly store: Store,
    private readonly gateway: EccGateway,
    readonly status: EccStatusBoard,
    private readonly options: EccControlOptions = {},
  ) {
    this.followIntervalMs = Math.min(500, Math.max(10, options.followIntervalMs ?? 250));
    this.followErrorLimit = Math.max(1, options.followErrorLimit ?? 3);
    this.pending = new PendingWrites(store);
    this.stopWatchingSetup = store.onChange((tables) => {
      if (tables.some((table) => TARGET_TABLES.includes(table))) this.targetCache.clear();
    });
  }

  // --- The setup it acts on -----------------------------------------------------------------

  activeExperiment(): Experiment {
    const experiment = findActiveExperiment(this.store);
    if (!experiment) throw new ApiError('NOT_FOUND', 'There is no experiment yet: create one first');
    return experiment;
  }

  private targetsById(experimentId: number): Map<number, ServerTarget> {
    let found = this.targetCache.get(experimentId);
    if (!found) {
      found = new Map(listServerTargets(this.store, experimentId).map((target) => [target.id, target]));
      this.targetCache.set(experimentId, found);
    }
    return found;
  }

  /** The experiment's servers, ordered by id (read once, then kept until the setup changes). */
  targets(experimentId: number): ServerTarget[] {
    return [...this.targetsById(experimentId).values()];
  }

  /** One server of the active experiment. */
  target(eccServerId: number): ServerTarget {
    const current = findActiveExperiment(this.store);
    const kept = current ? this.targetsById(current.id).get(eccServerId) : undefined;
    if (kept) return kept;
    const server = findEccServer(this.store, eccServerId);
    if (!server) throw new ApiError('NOT_FOUND', `There is no ECC server with id ${eccServerId}`, 'eccServerId');
    const active = this.activeExperiment();
    if (server.experimentId !== active.id) {
      const owner = findExperiment(this.store, server.experimentId);
      throw new ApiError(
        'REFUSED',
        `ECC server "${server.name}" belongs to experiment "${owner?.name ?? server.experimentId}", which is not the active one ("${active.name}")`,
        'eccServerId',
      );
    }
    const found = this.targetsById(active.id).get(eccServerId);
    if (!found) throw new ApiError('NOT_FOUND', `There is no ECC server with id ${eccServerId}`, 'eccServerId');
    return found;
  }

  /** The live status of the active experiment's servers. */
  snapshot(): EccStatus {
    const experiment = findActiveExperiment(this.store);
    return statusOf(this.store, this.status, experiment);
  }

  // --- Background work ------------------------------------------------------------------------

  /** Runs `work` in the background; an unexpected error is logged, never thrown at anyone. */
  background(what: string, work: () => Promise<void>): void {
    const task = work().catch((error: unknown) => {
      if (this.closed) return;
      console.error(`${what}:`, error);
      this.log('error', '', `${what} failed unexpectedly: ${errorText(error)}`, error instanceof Error ? (error.stack ?? '') : '');
      this.pending.flush();
    });
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /** Resolves when every background task has ended and what they recorded is written (tests, close). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
    this.pending.flush();
  }

  /** Logs an entry; it is written at the end of this turn of the event loop, with others. */
  log(level: 'info' | 'warning' | 'error', subject: string, message: string, details = '', experimentId?: number): void {
    if (this.closed) return;
    try {
      this.pending.log({
        experimentId: experimentId ?? findActiveExperiment(this.store)?.id ?? null,
        level,
        source: 'ecc',
        subject,
        message,
        details,
      });
    } catch (error) {
      console.error('Could not write the log:', error);
    }
  }

  private get stateLimits(): CallLimits | undefined {
    return this.options.getStateLimits;
  }

  // --- Reading states -------------------------------------------------------------------------

  /** Records an answer: live status, and the stored last known state when it changed. */
  private applyReport(target: ServerTarget, report: StateReport, sentAt: number): void {
    if (this.closed) return;
    if (!this.status.applyReport(target.id, report, sentAt)) return;
    const previous = this.refreshFailure.get(target.id);
    if (previous !== undefined) {
      this.refreshFailure.delete(target.id);
      this.log('info', target.name, `${target.name} answers again (state ${report.state})`, '', target.experimentId);
    }
    this.pending.state(target.id, report.state);
  }

  private applyRefreshFailure(target: ServerTarget, kind: string, message: string, sentAt: number): void {
    if (this.closed) return;
    this.status.applyUnreachable(target.id, message, sentAt);
    if (this.refreshFailure.get(target.id) === kind) return;
    this.refreshFailure.set(target.id, kind);
    this.log('error', target.name, `Cannot read the state of ${target.name}: ${message}`, `GetState ${kind}`, target.experimentId);
  }

  /** Reads the state of each target (one round: all at once). */
  async refreshTargets(targets: readonly ServerTarget[]): Promise<void> {
    if (targets.length === 0 || this.closed) return;
    const sentAt = Date.now();
    if (targets.length === 1) {
      const target = targets[0] as ServerTarget;
      try {
        this.applyReport(target, await this.gateway.getState(target.endpoint, this.stateLimits), sentAt);
      } catch (error) {
        const kind = error instanceof EccCallError ? error.kind : 'other';
        this.applyRefreshFailure(target, kind, errorText(error), sentAt);
      }
      this.pending.flush();
      return;
    }
    const results = await this.gateway.getStates(
      targets.map((t) => t.endpoint),
      this.stateLimits,
    );
    targets.forEach((target, i) => {
      const result = results[i];
      if (!result) return;
      if (result.ok) this.applyReport(target, result.report, sentAt);
      else this.applyRefreshFailure(target, result.kind, result.message, sentAt);
    });
    // A round's answers are stored together, before the round counts as done.
    this.pending.flush();
  }

  /** A refresh round over every server of the active experiment (the schedule's job). */
  async refreshActive(): Promise<void> {
    const experiment = findActiveExperiment(this.store);
    const targets = experiment ? this.targets(experiment.id) : [];
    this.status.retain(targets.map((t) => t.id));
    await this.refreshTargets(targets);
  }

  /** Reads the state of these servers of the active experiment (the fast polling of transitions). */
  async refreshServers(ids: readonly number[]): Promise<void> {
    const experiment = findActiveExperiment(this.store);
    if (!experiment || ids.length === 0) return;
    const wanted = new Set(ids);
    await this.refreshTargets(this.targets(experiment.id).filter((t) => wanted.has(t.id)));
  }

  requestRefresh(eccServerId?: number): Started {
    this.assertOpen();
    if (eccServerId !== undefined) {
      const target = this.target(eccServerId);
      this.background(`Refreshing ${target.name}`, () => this.refreshTargets([target]));
      return { started: `Reading the state of ${target.name}` };
    }
    const experiment = this.activeExperiment();
    const targets = this.targets(experiment.id);
    this.background('Refreshing the ECC servers', () => this.refreshTargets(targets));
    return { started: `Reading the state of ${targets.length} ECC server${targets.length === 1 ? '' : 's'}` };
  }

  // --- One step on one server -----------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed || this.closing) throw new ApiError('REFUSED', 'The application is closing');
  }

  /** Why `step` cannot be sent to the server now, or null when it can. */
  refusal(target: ServerTarget, step: EccStep): string | null {
    const activity = this.status.activity(target.id);
    if (activity !== null) return `${target.name} is busy (${activity}): one step at a time`;
    const transition = this.status.transition(target.id);
    if (transition !== null) return `${target.name} reports ${transition} under way: wait until it ends`;
    const state = this.status.state(target.id);
    if (state === null) return `The state of ${target.name} is not known (not read yet, or it does not answer): refresh it first`;
    if (!this.status.answering(target.id)) return `${target.name} does not answer (${this.status.describeStale(target.id)}): its state is not known now`;
    if (stepTarget(step, state) === null) return `${step} is not possible on ${target.name}, which is ${state}`;
    if (NEEDS_CONFIG_SET.has(step) && target.configSet === null) {
      return `${target.name} has no selected config set: select one before ${step} (a server without one cannot leave Idle)`;
    }
    return null;
  }

  private assertNoOperation(experimentId: number): void {
    const operation = this.status.operation;
    if (operation && operation.experimentId === experimentId) {
      throw new ApiError('REFUSED', `${operation.name} is under way (${operation.phase}): wait until it ends`);
    }
  }

  requestStep(eccServerId: number, step: EccStep): Started {
    this.assertOpen();
    const target = this.target(eccServerId);
    this.assertNoOperation(target.experimentId);
    const refused = this.refusal(target, step);
    if (refused !== null) throw new ApiError('REFUSED', refused);
    this.status.reserve(target.id, step);
    this.background(`${step} on ${target.name}`, async () => {
      try {
        const outcome = await this.runStep(target, step);
        if (outcome.ok) this.log('info', target.name, `${step} on ${target.name} done: ${outcome.state}`, '', target.experimentId);
      } finally {
        this.release(target.id);
      }
    });
    return { started: `${step} on ${target.name}` };
  }

  requestReset(eccServerId: number): Started {
    this.assertOpen();
    const target = this.target(eccServerId);
    const state = this.status.state(target.id);
    if (state === null) throw new ApiError('REFUSED', `The state of ${target.name} is not known: refresh it first`);
    const step = resetStep(state);
    if (step === null) throw new ApiError('REFUSED', `${target.name} is ${state}: there is no step back from there`);
    return this.requestStep(eccServerId, step);
  }

  private failed(target: ServerTarget, step: EccStep, message: string, details: string): StepOutcome {
    const failure: EccFailure = { eccServerId: target.id, server: target.name, step, message };
    if (!this.closed) {
      this.status.setError(target.id, 'step', message);
      this.log('error', target.name, message, details, target.experimentId);
    }
    return { ok: false, failure };
  }

  /**
   * Sends one step to a server the caller has reserved, and confirms it by reading the state
   * back. A call that times out while the server reports the step under way is followed with
   * GetState until the step ends.
   */
  async runStep(target: ServerTarget, step: EccStep): Promise<StepOutcome> {
    const from = this.status.state(target.id);
    const to = from === null ? null : stepTarget(step, from);
    if (from === null || to === null) {
      return this.failed(target, step, `${step} not sent to ${target.name}: not possible from ${from ?? 'an unknown state'}`, '');
    }
    const set = target.configSet ?? EMPTY_SET;
    const sent = `Sent ${step} to ${target.name} (${target.endpoint.address}:${target.endpoint.port}) in state ${from}` +
      (target.configSet ? ` with config set ${configSetLabel(target.configSet)}` : '');
    let answer: StepAnswer | undefined;
    let callError: EccCallError | undefined;
    try {
      answer = await this.gateway.step(target.endpoint, step, set, target.links, this.options.stepLimits);
    } catch (error) {
      if (!(error instanceof EccCallError)) throw error;
      callError = error;
    }
    if (this.closed) return { ok: false, failure: { eccServerId: target.id, server: target.name, step, message: 'The application closed' } };

    if (answer && answer.errorCode !== 0) {
      this.status.contact(target.id);
      // The state it stayed in (and no step under way any more) shows at once, not a round later.
      await this.refreshTargets([target]);
      const message = `${step} failed on ${target.name}: ${answer.errorMessage || `error code ${answer.errorCode}`}`;
      return this.failed(target, step, message, `${sent}; ErrorCode ${answer.errorCode}, ErrorMessage ${JSON.stringify(answer.errorMessage)}`);
    }
    if (callError && callError.kind !== 'timeout') {
      const message = `${step} on ${target.name} got no answer (${callError.kind}): ${callError.message}`;
      // What became of the server shows in its status (reachable or not, its state).
      await this.refreshTargets([target]);
      return this.failed(target, step, message, sent);
    }

    // Answered 0 (which does not prove anything), or no answer in time: read the state.
    const end = await this.follow(target);
    if (this.closed) return { ok: false, failure: { eccServerId: target.id, server: target.name, step, message: 'The application closed' } };
    if (!end.ok) {
      const how = callError ? `no answer within the step's limit (${callError.message})` : 'it answered, but';
      return this.failed(target, step, `${step} on ${target.name}: ${how}; its state cannot be read afterwards: ${end.message}`, sent);
    }
    if (end.report.state === to) {
      this.status.clearError(target.id, ['step', 'refresh']);
      return { ok: true, state: to };
    }
    if (callError) {
      return this.failed(
        target,
        step,
        `${step} on ${target.name} did not complete: no answer within the step's limit, and it is ${end.report.state}, not ${to}`,
        `${sent}; ${callError.message}`,
      );
    }
    return this.failed(
      target,
      step,
      `${step} was ignored by ${target.name}: it answered 0 but is ${end.report.state}, not ${to}`,
      `${sent}; the real server answers 0 to a step it cannot take from its state and does nothing`,
    );
  }

  /** Reads the state until no step is under way; gives up after a few failed reads in a row. */
  private async follow(target: ServerTarget): Promise<{ ok: true; report: StateReport } | { ok: false; message: string }> {
    let errors = 0;
    for (;;) {
      const sentAt = Date.now();
      try {
        const report = await this.gateway.getState(target.endpoint, this.stateLimits);
        errors = 0;
        this.applyReport(target, report, sentAt);
        if (report.transition === null) return { ok: true, report };
      } catch (error) {
        const kind = error instanceof EccCallError ? error.kind : 'other';
        this.applyRefreshFailure(target, kind, errorText(error), sentAt);
        if (++errors >= this.followErrorLimit) return { ok: false, message: errorText(error) };
      }
      if (this.closed) return { ok: false, message: 'The application closed' };
      await new Promise((resolve) => setTimeout(resolve, this.followIntervalMs));
    }
  }

  // --- Operations on all servers ----------------------------------------------------------

  /**
   * Starts an operation on all servers of the active experiment: refused while another one runs
   * or any server is busy; `work` runs in the background and its result becomes the report.
   */
  startOperation(
    experiment: Experiment,
    name: string,
    order: string,
    work: (operation: AllOperation) => Promise<OperationResult>,
    /** Told the report once the operation has ended (and been logged); not when the application closes first. */
    onEnd?: (report: EccOperationReport) => void,
  ): Started {
    this.assertOpen();
    this.assertNoOperation(experiment.id);
    const targets = this.targets(experiment.id);
    const busy = targets.filter((t) => this.status.activity(t.id) !== null);
    if (busy.length > 0) throw new ApiError('REFUSED', `${name} refused: ${names(busy)} busy with a step; wait until it ends`);
    this.status.beginOperation(experiment.id, name, order, 'starting');
    const operation: AllOperation = {
      experiment,
      targets,
      phase: (text) => this.status.setPhase(text),
      stepEach: (group, step) => this.stepEach(group, step),
      stepOrdered: (group, step, options) => this.stepOrdered(operation, group, step, options?.throughFailures ?? false),
    };
    this.background(name, async () => {
      let result: OperationResult;
      try {
        result = await work(operation);
      } catch (error) {
        result = { ok: false, message: `${name} failed: ${errorText(error)}`, failures: [] };
      }
      if (this.closed) return;
      const report = this.status.endOperation({ name, ...result });
      this.logReport(experiment.id, report);
      this.pending.flush();
      onEnd?.(report);
    });
    return { started: `${name} (${order})` };
  }

  /** A step has ended: the server is free again, and what the step recorded is written with it. */
  private release(eccServerId: number): void {
    this.status.release(eccServerId);
    this.pending.flush();
  }

  private logReport(experimentId: number, report: EccOperationReport): void {
    const subject = [...new Set(report.failures.map((f) => f.server))].join(', ');
    const details = report.failures.map((f) => `${f.server} at ${f.step}: ${f.message}`).join('\n');
    this.log(report.ok ? 'info' : 'error', subject, report.message, details, experimentId);
  }

  private async stepEach(targets: readonly ServerTarget[], step: EccStep): Promise<EccFailure[]> {
    const outcomes = await Promise.all(
      targets.map(async (target): Promise<StepOutcome> => {
        const refused = this.refusal(target, step);
        if (refused !== null) return this.failed(target, step, `${step} not sent: ${refused}`, '');
        this.status.reserve(target.id, step);
        try {
          return await this.runStep(target, step);
        } finally {
          this.release(target.id);
        }
      }),
    );
    return outcomes.flatMap((o) => (o.ok ? [] : [o.failure]));
  }

  private async stepOrdered(operation: AllOperation, targets: readonly ServerTarget[], step: EccStep, throughFailures: boolean): Promise<EccFailure[]> {
    const order = stepOrder(step);
    const all: EccFailure[] = [];
    for (const phase of order.phases) {
      const group = targets.filter((t) => (phase.group === 'all' ? true : phase.group === 'mutant' ? t.drivesMutant : !t.drivesMutant));
      if (group.length === 0) continue;
      const who = phase.group === 'all' ? 'all servers' : phase.group === 'mutant' ? 'the MuTAnT' : 'the CoBos';
      operation.phase(`${step}: ${order.text} — ${phase.step} ${who} (${names(group)}), waiting until done`);
      const failures = await this.stepEach(group, phase.step);
      all.push(...failures);
      if (failures.length > 0 && !throughFailures) return all;
    }
    return all;
  }

  /**
   * Refuses an operation on all servers while any of them does not answer: its last state is
   * history, and an operation that cannot reach every server would be left half done.
   */
  assertAnswering(targets: readonly ServerTarget[], what: string): void {
    const unknown = targets.filter((t) => this.status.state(t.id) === null);
    if (unknown.length > 0) throw new ApiError('REFUSED', `${what} refused: the state of ${names(unknown)} is not known (refresh first)`);
    const silent = targets.filter((t) => !this.status.answering(t.id));
    if (silent.length > 0) {
      const list = silent.map((t) => `${t.name} (${this.status.describeStale(t.id)})`).join(', ');
      throw new ApiError('REFUSED', `${what} refused: ${list} ${silent.length === 1 ? 'does' : 'do'} not answer; its last state is not the present`);
    }
  }

  /** The common state of the experiment's servers, or a refusal naming what is inconsistent. */
  private commonState(targets: readonly ServerTarget[], what: string): EccState {
    if (targets.length === 0) throw new ApiError('REFUSED', `${what} refused: the active experiment has no ECC server`);
    this.assertAnswering(targets, what);
    const states = new Set(targets.map((t) => this.status.state(t.id)));
    if (states.size > 1) {
      const list = targets.map((t) => `${t.name} ${this.status.state(t.id)}`).join(', ');
      throw new ApiError('REFUSED', `${what} refused: the ECC servers are not in one state (${list}); use the per-server steps`);
    }
    return [...states][0] as EccState;
  }

  private assertNoRun(experiment: Experiment, what: string): void {
    const run = findCurrentRun(this.store, experiment.id);
    if (run) throw new ApiError('REFUSED', `${what} refused while run ${run.number} is going: stop it with Stop all first`);
  }

  private assertConfigSets(targets: readonly ServerTarget[], what: string): void {
    const missing = targets.filter((t) => t.configSet === null);
    if (missing.length > 0) {
      throw new ApiError('REFUSED', `${what} refused: ${names(missing)} ha${missing.length === 1 ? 's' : 've'} no selected config set`);
    }
  }

  requestStepAll(step: EccStep, name = `${step} all`): Started {
    this.assertOpen();
    const experiment = this.activeExperiment();
    this.assertNoOperation(experiment.id);
    this.assertNoRun(experiment, name);
    const targets = this.targets(experiment.id);
    const state = this.commonState(targets, name);
    if (stepTarget(step, state) === null) throw new ApiError('REFUSED', `${name} refused: ${step} is not possible from ${state}`);
    if (NEEDS_CONFIG_SET.has(step)) this.assertConfigSets(targets, name);
    const order = stepOrder(step);
    return this.startOperation(experiment, name, order.text, async (operation) => {
      const failures = await operation.stepOrdered(operation.targets, step);
      const to = stepTarget(step, state);
      return failures.length === 0
        ? { ok: true, message: `${name}: done, every ECC server is ${to}`, failures }
        : { ok: false, message: `${name} stopped: ${describeFailures(failures)}`, failures };
    });
  }

  requestResetAll(): Started {
    this.assertOpen();
    const experiment = this.activeExperiment();
    const state = this.commonState(this.targets(experiment.id), 'Reset all');
    const step = resetStep(state);
    if (step === null) throw new ApiError('REFUSED', `Reset all refused: the ECC servers are ${state}, there is no step back`);
    return this.requestStepAll(step, `Reset all (${step})`);
  }

  requestBringAllToReady(): Started {
    this.assertOpen();
    const name = 'Bring all to Ready';
    const experiment = this.activeExperiment();
    this.assertNoOperation(experiment.id);
    this.assertNoRun(experiment, name);
    const targets = this.targets(experiment.id);
    if (targets.length === 0) throw new ApiError('REFUSED', `${name} refused: the active experiment has no ECC server`);
    this.assertAnswering(targets, name);
    const along: readonly (EccState | null)[] = ['Idle', 'Described', 'Prepared', 'Ready'];
    const beyond = targets.filter((t) => !along.includes(this.status.state(t.id)));
    if (beyond.length > 0) {
      const list = beyond.map((t) => `${t.name} ${this.status.state(t.id)}`).join(', ');
      throw new ApiError('REFUSED', `${name} refused: only servers between Idle and Ready can be brought to Ready (${list})`);
    }
    const notReady = targets.filter((t) => this.status.state(t.id) !== 'Ready');
    if (notReady.length === 0) throw new ApiError('REFUSED', `${name}: every ECC server is Ready already`);
    this.assertConfigSets(notReady, name);
    return this.startOperation(experiment, name, 'Describe, Prepare, Configure in turn, each in the MuTAnT/CoBo order', async (operation) => {
      for (const step of TO_READY) {
        const due = operation.targets.filter((t) => {
          const state = this.status.state(t.id);
          return state !== null && stepTarget(step, state) !== null;
        });
        if (due.length === 0) continue;
        const failures = await operation.stepOrdered(due, step);
        if (failures.length > 0) return { ok: false, message: `${name} stopped at ${step}: ${describeFailures(failures)}`, failures };
      }
      return { ok: true, message: `${name}: done, every ECC server is Ready`, failures: [] };
    });
  }

  // --- Config sets ----------------------------------------------------------------------------

  requestConfigSetsRefresh(eccServerId: number): Started {
    this.assertOpen();
    const target = this.target(eccServerId);
    this.background(`Reading the config sets of ${target.name}`, async () => {
      try {
        const sets = await this.gateway.getConfigIds(target.endpoint, this.options.configIdsLimits);
        if (this.closed) return;
        this.status.contact(target.id);
        this.status.clearError(target.id, ['configSets']);
        const { added, removed, selectionLost } = replaceConfigSets(this.store, target.id, sets);
        const lost = selectionLost ? `; the selected set ${configSetLabel(selectionLost)} is gone, select another` : '';
        this.log(
          selectionLost ? 'warning' : 'info',
          target.name,
          `Config sets of ${target.name}: ${sets.length} listed, ${added} added, ${removed} removed${lost}`,
          '',
          target.experimentId,
        );
      } catch (error) {
        if (this.closed) return;
        const message = `Cannot read the config sets of ${target.name}: ${errorText(error)}`;
        this.status.setError(target.id, 'configSets', message);
        this.log('error', target.name, message, error instanceof EccCallError ? `GetConfigIDs ${error.kind}` : '', target.experimentId);
      }
      this.pending.flush();
    });
    return { started: `Reading the config sets of ${target.name}` };
  }

  /** Selects a config set; refused while its server is busy or past Idle. Returns the server. */
  selectConfigSet(configSetId: number): { server: EccServer; label: string } {
    this.assertOpen();
    const owner = findConfigSetOwner(this.store, configSetId);
    if (owner === undefined) throw new ApiError('NOT_FOUND', `There is no config set with id ${configSetId}`, 'id');
    const target = this.target(owner);
    const activity = this.status.activity(target.id);
    if (activity !== null) throw new ApiError('REFUSED', `${target.name} is busy (${activity}): select its config set when it is Idle`);
    const state = this.status.state(target.id) ?? findEccServer(this.store, target.id)?.state ?? null;
    if (state !== null && state !== 'Idle') {
      throw new ApiError('REFUSED', `${target.name} is ${state}: its config set can change only while it is Idle (reset it first)`);
    }
    this.store.write(['config_set'], () => selectConfigSet(this.store, target.id, configSetId));
    const server = findEccServer(this.store, target.id) as EccServer;
    const set = server.configSets.find((s) => s.id === configSetId);
    return { server, label: `${target.name}: ${set ? configSetLabel(set) : configSetId}` };
  }

  /** Refuses every new request from now on; what is under way goes on, and idle() says when it has ended. */
  beginClose(): void {
    this.closing = true;
  }

  /** Writes what is pending, then stops taking requests and writing; background work ends as the gateway closes. */
  close(): void {
    if (this.closed) return;
    this.pending.close();
    this.closed = true;
    this.stopWatchingSetup();
  }
}

/** The status of an experiment's servers from what the board knows (empty without one). */
export function statusOf(store: Store, board: EccStatusBoard, experiment: Experiment | undefined): EccStatus {
  if (!experiment) return board.snapshot(null, [], () => false);
  const mutants = mutantServerIds(store, experiment.id);
  return board.snapshot(experiment.id, listEccServers(store, experiment.id), (server) => mutants.has(server.id));
}
