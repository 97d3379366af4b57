// The live status of the ECC servers, kept in memory: what each server last said, what the
// application is doing with it, and the operation on all servers under way. Every change is
// announced (the application turns that into a push to the subscribers of `ecc.status`).
import type {
  EccOperationReport,
  EccOperationStatus,
  EccServerStatus,
  EccStatus,
} from '../../../shared/api/contract';
import type { EccServer, EccState, EccStep } from '../../../shared/domain';
import { nowIso } from '../../time';
import type { StateReport } from '../gateway';

type ErrorKind = NonNullable<EccServerStatus['lastError']>['kind'];

interface Live {
  state: EccState | null;
  transition: EccStep | null;
  reachable: boolean | null;
  lastContact: string | null;
  /** When the state shown was read (a GetState answer); it is history once the server stops answering. */
  stateReadAt: string | null;
  lastError: EccServerStatus['lastError'];
  activity: string | null;
  /** When the call whose answer is shown was sent (ms): an older answer arriving later is not shown. */
  seenAt: number;
  /** How many times the application took the server for a step of its own (see `reservations`). */
  reservations: number;
}

const fresh = (): Live => ({
  state: null,
  transition: null,
  reachable: null,
  lastContact: null,
  stateReadAt: null,
  lastError: null,
  activity: null,
  seenAt: 0,
  reservations: 0,
});

export class EccStatusBoard {
  private readonly live = new Map<number, Live>();
  private operationStatus: (EccOperationStatus & { experimentId: number }) | null = null;
  private report: (EccOperationReport & { experimentId: number }) | null = null;

  constructor(private readonly announce: () => void) {}

  private entry(id: number): Live {
    let found = this.live.get(id);
    if (!found) this.live.set(id, (found = fresh()));
    return found;
  }

  /** The state last read from the server, current or not (see `answering`). */
  state(id: number): EccState | null {
    return this.live.get(id)?.state ?? null;
  }

  /**
   * Whether the state shown is current: the last call answered. A server that stopped answering
   * keeps its last state as history, which never counts as the present.
   */
  answering(id: number): boolean {
    return this.live.get(id)?.reachable === true;
  }

  /** `Ready 40 s ago, not answering` / `not read yet`: how a state that is not current is named in refusals. */
  describeStale(id: number, now = Date.now()): string {
    const live = this.live.get(id);
    if (!live || live.state === null || live.stateReadAt === null) return 'state not read yet';
    const age = Math.max(0, Math.round((now - Date.parse(live.stateReadAt)) / 1000));
    return live.reachable === false ? `${live.state} ${age} s ago, not answering` : `${live.state} ${age} s ago`;
  }

  /** After a stop that could not be confirmed: the state is not known any more (it may still be running). */
  forgetState(id: number): void {
    const live = this.entry(id);
    live.state = null;
    live.transition = null;
    this.announce();
  }

  transition(id: number): EccStep | null {
    return this.live.get(id)?.transition ?? null;
  }

  /**
   * How many times the application has taken the server for a step of its own: a server whose
   * state changed while this count did not changed by itself (or by another program).
   */
  reservations(id: number): number {
    return this.live.get(id)?.reservations ?? 0;
  }

  activity(id: number): string | null {
    return this.live.get(id)?.activity ?? null;
  }

  /** Servers that report a step under way or have one of the application's under way. */
  inTransition(): number[] {
    return [...this.live].filter(([, live]) => live.transition !== null || live.activity !== null).map(([id]) => id);
  }

  /** Records an answer to GetState sent at `sentAt`; false when a later answer is already shown. */
  applyReport(id: number, report: StateReport, sentAt: number): boolean {
    const live = this.entry(id);
    if (sentAt < live.seenAt) return false;
    live.seenAt = sentAt;
    live.state = report.state;
    live.transition = report.transition;
    live.reachable = true;
    live.lastContact = nowIso();
    live.stateReadAt = live.lastContact;
    if (live.lastError?.kind === 'refresh') live.lastError = null;
    this.announce();
    return true;
  }

  /** Records a call that got no answer. */
  applyUnreachable(id: number, message: string, sentAt: number): void {
    const live = this.entry(id);
    if (sentAt < live.seenAt) return;
    live.seenAt = sentAt;
    live.reachable = false;
    live.transition = null;
    // A failed step or config listing stays shown until it is resolved; `reachable` tells the rest.
    if (live.lastError === null || live.lastError.kind === 'refresh') live.lastError = { time: nowIso(), kind: 'refresh', message };
    this.announce();
  }

  /** Records that the server answered (any call). */
  contact(id: number): void {
    const live = this.entry(id);
    live.reachable = true;
    live.lastContact = nowIso();
    this.announce();
  }

  setError(id: number, kind: ErrorKind, message: string): void {
    this.entry(id).lastError = { time: nowIso(), kind, message };
    this.announce();
  }

  clearError(id: number, kinds: readonly ErrorKind[]): void {
    const live = this.entry(id);
    if (live.lastError && kinds.includes(live.lastError.kind)) {
      live.lastError = null;
      this.announce();
    }
  }

  /** Marks the server busy with `activity`; false when it already is. */
  reserve(id: number, activity: string): boolean {
    const live = this.entry(id);
    if (live.activity !== null) return false;
    live.activity = activity;
    live.reservations++;
    this.announce();
    return true;
  }

  release(id: number): void {
    const live = this.entry(id);
    live.activity = null;
    this.announce();
  }

  get operation(): (EccOperationStatus & { experimentId: number }) | null {
    return this.operationStatus;
  }

  beginOperation(experimentId: number, name: string, order: string, phase: string): void {
    this.operationStatus = { experimentId, name, order, phase, startedAt: nowIso() };
    this.announce();
  }

  setPhase(phase: string): void {
    if (this.operationStatus) this.operationStatus = { ...this.operationStatus, phase };
    this.announce();
  }

  endOperation(report: Omit<EccOperationReport, 'startedAt' | 'finishedAt'>): EccOperationReport {
    const started = this.operationStatus;
    const full = {
      ...report,
      startedAt: started?.startedAt ?? nowIso(),
      finishedAt: nowIso(),
      experimentId: started?.experimentId ?? 0,
    };
    this.report = full;
    this.operationStatus = null;
    this.announce();
    const { experimentId: _experimentId, ...visible } = full;
    return visible;
  }

  /** Forgets servers that no longer exist (another experiment became active, servers removed). */
  retain(ids: readonly number[]): void {
    const keep = new Set(ids);
    let changed = false;
    for (const id of this.live.keys()) {
      if (!keep.has(id)) {
        this.live.delete(id);
        changed = true;
      }
    }
    if (changed) this.announce();
  }

  /** The status of an experiment's servers (as stored, with what is known live). */
  snapshot(experimentId: number | null, servers: readonly EccServer[], drivesMutant: (server: EccServer) => boolean): EccStatus {
    const list: EccServerStatus[] = servers.map((server) => {
      const live = this.live.get(server.id) ?? fresh();
      return {
        id: server.id,
        name: server.name,
        address: server.address,
        port: server.port,
        drivesMutant: drivesMutant(server),
        state: live.state,
        transition: live.transition,
        reachable: live.reachable,
        lastContact: live.lastContact,
        stateReadAt: live.stateReadAt,
        stateCurrent: live.state !== null && live.reachable === true,
        lastError: live.lastError,
        activity: live.activity,
      };
    });
    const strip = <T extends { experimentId: number }>(value: T | null): Omit<T, 'experimentId'> | null => {
      if (!value || value.experimentId !== experimentId) return null;
      const { experimentId: _experimentId, ...rest } = value;
      return rest;
    };
    const notAnswering = list.filter((s) => s.reachable === false).map((s) => s.name);
    return {
      experimentId,
      overall: notAnswering.length > 0 ? 'Not answering' : overallState(list.map((s) => s.state)),
      notAnswering,
      servers: list,
      operation: strip(this.operationStatus),
      lastReport: strip(this.report),
    };
  }
}

/**
 * The common state, Mixed when they differ, Unknown while one is not known; null without servers.
 * (A server that does not answer makes it `Not answering`, before this is asked.)
 */
export function overallState(states: readonly (EccState | null)[]): EccStatus['overall'] {
  if (states.length === 0) return null;
  if (states.some((s) => s === null)) return 'Unknown';
  const first = states[0] as EccState;
  return states.every((s) => s === first) ? first : 'Mixed';
}
