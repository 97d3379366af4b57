// The periodic SSH checks of the active experiment's worker computers (DOMAIN.md, "Background
// work and its schedule"): each data router's process on its port, staging directory (whose clean
// state feeds run control: Start all is refused while a router is known not clean), disk and next
// run folder; each ECC server's process on its SOAP port. Results are kept in memory for
// `workers.status`. A failure is logged (source 'ssh', subject the host) when it first appears or
// changes, and changes nothing else. A computer that cannot be reached at all (every program on
// it failed to connect) is ONE problem: one log entry for the computer, one more when it answers
// again, and the programs' own entries are not written.
import type { DataRouterWorkerStatus, PresentedHostKeyInfo, WorkerCheck, WorkerHostStatus, WorkersStatus } from '../../shared/api/contract';
import type { Store } from '../db/store';
import { findActiveExperiment } from '../experiments/queries';
import { insertLogEntry, type NewLogEntry } from '../log/queries';
import type { DataRouterCleanliness } from '../runs/routers';
import { nextRunNumber } from '../runsheet/queries';
import { listDataRouters, listEccServers } from '../setup/queries';
import { nowIso } from '../time';
import { SshError, type PresentedHostKey } from './connection';
import { checkExperimentFolder } from './remote-paths';
import type { SshGateway } from './ssh-pool';
import type { DataRouterCheck, NextRun, SshHost } from './ssh-worker';
import { describeStagingAnswer } from './staging';

/** What a check found of a router's staging directory; whether it is clean is kept by DataRouterCleanliness. */
type RouterFields = Pick<DataRouterWorkerStatus, 'stagingDirectory' | 'stagingProblem' | 'disk' | 'diskProblem' | 'nextRunFolder' | 'nextRunFolderProblem'>;

const UNCHECKED: WorkerCheck = { checkedAt: null, answeredAt: null, processRunning: null, process: null, error: null, hostKey: null };
const NO_STAGING: RouterFields = { stagingDirectory: null, stagingProblem: null, disk: null, diskProblem: null, nextRunFolder: null, nextRunFolderProblem: null };

/** Failures of the computer itself (before or instead of any command): they hit every program on it alike. */
const CONNECTION_KINDS: ReadonlySet<string> = new Set(['unknown-host', 'host-key-changed', 'host-key-revoked', 'auth', 'unreachable']);

export function isConnectionFailure(error: SshError): boolean {
  return error.connecting || CONNECTION_KINDS.has(error.kind);
}

/** One program's check in a round: how it ended, for the per-computer summary. */
interface Outcome {
  address: string;
  what: string;
  failure: SshError | null;
  /** The failure has the same message as the program's previous check (already logged). */
  repeated: boolean;
}

export class WorkerChecks {
  private readonly routerChecks = new Map<number, WorkerCheck & RouterFields>();
  private readonly serverChecks = new Map<number, WorkerCheck>();
  private readonly hostChecks = new Map<string, WorkerHostStatus>();
  private closed = false;
  private readonly rounds = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly gateway: SshGateway,
    private readonly host: (address: string) => SshHost,
    private readonly routers: DataRouterCleanliness,
    private readonly announce: () => void,
  ) {}

  status(): WorkersStatus {
    const experiment = findActiveExperiment(this.store);
    if (!experiment) return { experimentId: null, hosts: [], dataRouters: [], eccServers: [] };
    const routers = listDataRouters(this.store, experiment.id);
    const servers = listEccServers(this.store, experiment.id);
    return {
      experimentId: experiment.id,
      hosts: addresses(routers, servers).map((address) => this.hostChecks.get(address) ?? { address, reachable: null, error: null, checkedAt: null, hostKey: null }),
      dataRouters: routers.map((r) => {
        // As run control knows it: after Start all, or the files organized, not at the last check.
        const { clean, grawFiles, checkedAt, current } = this.routers.get(r.id);
        return {
          id: r.id,
          name: r.name,
          address: r.address,
          port: r.port,
          ...UNCHECKED,
          ...NO_STAGING,
          ...this.routerChecks.get(r.id),
          clean,
          grawFiles,
          cleanCheckedAt: checkedAt,
          cleanCurrent: current,
        };
      }),
      eccServers: servers.map((s) => ({
        id: s.id,
        name: s.name,
        address: s.address,
        port: s.port,
        ...UNCHECKED,
        ...this.serverChecks.get(s.id),
      })),
    };
  }

  /** One round: every data router and ECC server of the active experiment at once. */
  checkActive(): Promise<void> {
    const round = this.checkRound();
    this.rounds.add(round);
    void round.finally(() => this.rounds.delete(round)).catch(() => {});
    return round;
  }

  /** Resolves when the rounds under way have ended. */
  async idle(): Promise<void> {
    while (this.rounds.size > 0) await Promise.allSettled([...this.rounds]);
  }

  private async checkRound(): Promise<void> {
    const experiment = findActiveExperiment(this.store);
    if (!experiment || this.closed) return;
    const routers = listDataRouters(this.store, experiment.id);
    const servers = listEccServers(this.store, experiment.id);
    // Only what is checked now is kept (removed routers and servers, other experiments' go).
    prune(this.routerChecks, new Set(routers.map((r) => r.id)));
    prune(this.serverChecks, new Set(servers.map((s) => s.id)));
    prune(this.hostChecks, new Set(addresses(routers, servers)));
    const nextRun = this.nextRun(experiment.id, experiment.name);
    const outcomes = await Promise.all([
      ...routers.map(async (router): Promise<Outcome> => {
        const what = `data router ${router.name}`;
        try {
          const check = await this.gateway.checkDataRouter(this.host(router.address), router.port, nextRun);
          if (this.closed) return { address: router.address, what, failure: null, repeated: false };
          const now = nowIso();
          this.routerChecks.set(router.id, { ...routerFields(check), checkedAt: now, answeredAt: now, processRunning: check.processRunning, process: check.process, error: null, hostKey: null });
          if (check.clean) this.routers.set(router.id, check.clean);
          // No staging directory: whether it is clean was not checked, so what was known is history.
          else this.routers.markStale(router.id);
          return { address: router.address, what, failure: null, repeated: false };
        } catch (error) {
          this.routers.markStale(router.id);
          return this.failed(this.routerChecks, router.id, router.address, what, error, NO_STAGING);
        }
      }),
      ...servers.map(async (server): Promise<Outcome> => {
        const what = `ECC server ${server.name}`;
        try {
          const { running, process } = await this.gateway.checkEccServerProcess(this.host(server.address), server.port);
          if (this.closed) return { address: server.address, what, failure: null, repeated: false };
          const now = nowIso();
          this.serverChecks.set(server.id, { checkedAt: now, answeredAt: now, processRunning: running, process, error: null, hostKey: null });
          return { address: server.address, what, failure: null, repeated: false };
        } catch (error) {
          return this.failed(this.serverChecks, server.id, server.address, what, error, {});
        }
      }),
    ]);
    if (this.closed) return;
    this.summarize(outcomes, experiment.id);
    this.announce();
  }

  close(): void {
    this.closed = true;
  }

  /**
   * The unknown key a host presented to a check, found by its fingerprint: what `hosts.trust`
   * records (never a key from the caller, who only confirms the fingerprint).
   */
  presentedKey(host: string, port: number, fingerprint: string): PresentedHostKey | undefined {
    return this.presented.get(presentedName(host, port, fingerprint));
  }

  private readonly presented = new Map<string, PresentedHostKey>();

  /** The active experiment's next run, whose folder must not exist yet; null when its name cannot be a folder name. */
  private nextRun(experimentId: number, name: string): NextRun | null {
    try {
      return { experiment: checkExperimentFolder(name), runNumber: nextRunNumber(this.store, experimentId) };
    } catch {
      return null;
    }
  }

  /** Records a failed check as last known values plus the failure; logging waits for the round's summary. */
  private failed<T extends WorkerCheck>(checks: Map<number, T>, id: number, address: string, what: string, error: unknown, rest: Omit<T, keyof WorkerCheck>): Outcome {
    const e = error instanceof SshError ? error : new SshError('other', error instanceof Error ? error.message : String(error));
    if (this.closed) return { address, what, failure: null, repeated: false };
    const previous = checks.get(id);
    // Kept as last known (answeredAt says from when): a failed check says nothing new about the process or the directory.
    checks.set(id, {
      ...UNCHECKED,
      ...rest,
      ...previous,
      checkedAt: nowIso(),
      error: { kind: e.kind, message: e.message },
      hostKey: keyInfo(e),
    } as T);
    if (e.hostKey && e.kind === 'unknown-host') this.presented.set(presentedName(e.hostKey.host, e.hostKey.port, e.hostKey.fingerprint), e.hostKey);
    return { address, what, failure: e, repeated: previous?.error?.message === e.message };
  }

  /** Per computer: unreachable when every program on it failed to connect (one entry), else each failure on its own. */
  private summarize(outcomes: readonly Outcome[], experimentId: number): void {
    const byAddress = new Map<string, Outcome[]>();
    for (const outcome of outcomes) byAddress.set(outcome.address, [...(byAddress.get(outcome.address) ?? []), outcome]);
    const entries: NewLogEntry[] = [];
    const now = nowIso();
    for (const [address, all] of byAddress) {
      const previous = this.hostChecks.get(address);
      // The computer's reason is an answer when one program got one (an unknown host key, a refused
      // login), not another program's timeout in the same round: that one names what to do.
      const down = all.every((o) => o.failure !== null && isConnectionFailure(o.failure))
        ? ((all.find((o) => o.failure?.kind !== 'timeout') ?? all[0])?.failure ?? null)
        : null;
      if (down) {
        this.hostChecks.set(address, { address, reachable: false, error: { kind: down.kind, message: down.message }, checkedAt: now, hostKey: keyInfo(down) });
        if (!sameProblem(previous?.error ?? null, down)) {
          entries.push({
            experimentId,
            level: 'error',
            source: 'ssh',
            subject: address,
            message: `The worker computer ${address} cannot be reached (${all.map((o) => o.what).join(', ')} not checked): ${down.message}`,
            details: down.hostKey ? `${down.kind}: ${down.hostKey.keyType} ${down.hostKey.fingerprint}` : down.kind,
          });
        }
        continue;
      }
      this.hostChecks.set(address, { address, reachable: true, error: null, checkedAt: now, hostKey: null });
      if (previous?.reachable === false) {
        entries.push({ experimentId, level: 'info', source: 'ssh', subject: address, message: `The worker computer ${address} answers again`, details: '' });
      }
      for (const o of all) {
        // A connection failure of some programs only is the computer going away (or coming
        // back) mid-round: the next round tells, and the computer's own entry says it.
        if (!o.failure || o.repeated || isConnectionFailure(o.failure)) continue;
        entries.push({
          experimentId,
          level: 'error',
          source: 'ssh',
          subject: address,
          message: `The SSH check of ${o.what} on ${address} failed: ${o.failure.message}`,
          details: o.failure.hostKey ? `${o.failure.kind}: ${o.failure.hostKey.keyType} ${o.failure.hostKey.fingerprint}` : o.failure.kind,
        });
      }
    }
    for (const entry of entries) {
      try {
        insertLogEntry(this.store, entry);
      } catch (logError) {
        console.error('Could not write the log:', logError);
      }
    }
  }
}

/** The worker computers of a setup: every router's and server's address, once each, in setup order. */
function addresses(routers: readonly { address: string }[], servers: readonly { address: string }[]): string[] {
  return [...new Set([...routers.map((r) => r.address), ...servers.map((s) => s.address)])];
}

/**
 * Whether a computer's failure is the one already logged. A computer that cannot be reached
 * says so in words that vary from round to round ("connection refused", "closed during the
 * task", a timeout): one problem, one entry. An authentication or host-key failure's words name
 * what to mend, so another message is another entry.
 */
function sameProblem(previous: { kind: string; message: string } | null, now: SshError): boolean {
  if (!previous) return false;
  const vague = (kind: string) => kind === 'unreachable' || kind === 'timeout';
  if (vague(previous.kind) && vague(now.kind)) return true;
  return previous.kind === now.kind && previous.message === now.message;
}

function keyInfo(e: SshError): PresentedHostKeyInfo | null {
  return e.hostKey ? { host: e.hostKey.host, port: e.hostKey.port, keyType: e.hostKey.keyType, fingerprint: e.hostKey.fingerprint } : null;
}

function prune<K>(checks: Map<K, unknown>, keep: ReadonlySet<K>): void {
  for (const id of checks.keys()) if (!keep.has(id)) checks.delete(id);
}

function presentedName(host: string, port: number, fingerprint: string): string {
  return `${host}:${port} ${fingerprint}`;
}

function routerFields(check: DataRouterCheck): RouterFields {
  const found = { disk: check.disk, diskProblem: check.diskProblem, nextRunFolder: check.nextRunFolder, nextRunFolderProblem: check.nextRunFolderProblem };
  if (check.staging.kind !== 'found') return { ...NO_STAGING, stagingProblem: describeStagingAnswer(check.staging) };
  return { stagingDirectory: check.staging.directory, stagingProblem: null, ...found };
}
