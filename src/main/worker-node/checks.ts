// The periodic SSH checks of the active experiment's worker computers (DOMAIN.md, "Background
// work and its schedule"): each data router's process and staging directory (whose clean state
// feeds run control: Start all is refused while a router is known not clean), each ECC server's
// process. Results are kept in memory for `workers.status`; a failure is logged (source 'ssh',
// subject the host) when it first appears or changes, and changes nothing else.
import type { DataRouterWorkerStatus, WorkerCheck, WorkersStatus } from '../../shared/api/contract';
import type { Store } from '../db/store';
import { findActiveExperiment } from '../experiments/queries';
import { insertLogEntry } from '../log/queries';
import type { DataRouterCleanliness } from '../runs/routers';
import { listDataRouters, listEccServers } from '../setup/queries';
import { nowIso } from '../time';
import { SshError, type PresentedHostKey } from './connection';
import type { SshGateway } from './ssh-pool';
import type { DataRouterCheck, SshHost } from './ssh-worker';
import { describeStagingAnswer } from './staging';

/** What a check found of a router's staging directory; whether it is clean is kept by DataRouterCleanliness. */
type RouterFields = Pick<DataRouterWorkerStatus, 'stagingDirectory' | 'stagingProblem'>;

const UNCHECKED: WorkerCheck = { checkedAt: null, processRunning: null, error: null, hostKey: null };
const NO_STAGING: RouterFields = { stagingDirectory: null, stagingProblem: null };

export class WorkerChecks {
  private readonly routerChecks = new Map<number, WorkerCheck & RouterFields>();
  private readonly serverChecks = new Map<number, WorkerCheck>();
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
    if (!experiment) return { experimentId: null, dataRouters: [], eccServers: [] };
    return {
      experimentId: experiment.id,
      dataRouters: listDataRouters(this.store, experiment.id).map((r) => {
        // As run control knows it: after Start all, or the files organized, not at the last check.
        const { clean, grawFiles } = this.routers.get(r.id);
        return { id: r.id, name: r.name, address: r.address, port: r.port, ...UNCHECKED, ...NO_STAGING, ...this.routerChecks.get(r.id), clean, grawFiles };
      }),
      eccServers: listEccServers(this.store, experiment.id).map((s) => ({
        id: s.id,
        name: s.name,
        address: s.address,
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
    await Promise.all([
      ...routers.map(async (router) => {
        try {
          const check = await this.gateway.checkDataRouter(this.host(router.address), router.port);
          if (this.closed) return;
          this.routerChecks.set(router.id, { ...routerFields(check), checkedAt: nowIso(), processRunning: check.processRunning, error: null, hostKey: null });
          if (check.clean) this.routers.set(router.id, check.clean);
        } catch (error) {
          this.failed(this.routerChecks, router.id, router.address, `data router ${router.name}`, error, experiment.id, NO_STAGING);
        }
      }),
      ...servers.map(async (server) => {
        try {
          const { running } = await this.gateway.checkEccServerProcess(this.host(server.address));
          if (this.closed) return;
          this.serverChecks.set(server.id, { checkedAt: nowIso(), processRunning: running, error: null, hostKey: null });
        } catch (error) {
          this.failed(this.serverChecks, server.id, server.address, `ECC server ${server.name}`, error, experiment.id, {});
        }
      }),
    ]);
    if (!this.closed) this.announce();
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

  private failed<T extends WorkerCheck>(checks: Map<number, T>, id: number, address: string, what: string, error: unknown, experimentId: number, rest: Omit<T, keyof WorkerCheck>): void {
    if (this.closed) return;
    const e = error instanceof SshError ? error : new SshError('other', error instanceof Error ? error.message : String(error));
    const previous = checks.get(id);
    // Kept as last known: a failed check says nothing new about the process or the directory.
    checks.set(id, {
      ...rest,
      ...previous,
      checkedAt: nowIso(),
      error: { kind: e.kind, message: e.message },
      hostKey: e.hostKey ? { host: e.hostKey.host, port: e.hostKey.port, keyType: e.hostKey.keyType, fingerprint: e.hostKey.fingerprint } : null,
    } as T);
    if (e.hostKey && e.kind === 'unknown-host') this.presented.set(presentedName(e.hostKey.host, e.hostKey.port, e.hostKey.fingerprint), e.hostKey);
    if (previous?.error?.message === e.message) return;
    try {
      insertLogEntry(this.store, {
        experimentId,
        level: 'error',
        source: 'ssh',
        subject: address,
        message: `The SSH check of ${what} on ${address} failed: ${e.message}`,
        details: e.hostKey ? `${e.kind}: ${e.hostKey.keyType} ${e.hostKey.fingerprint}` : e.kind,
      });
    } catch (logError) {
      console.error('Could not write the log:', logError);
    }
  }
}

function prune(checks: Map<number, unknown>, keep: ReadonlySet<number>): void {
  for (const id of checks.keys()) if (!keep.has(id)) checks.delete(id);
}

function presentedName(host: string, port: number, fingerprint: string): string {
  return `${host}:${port} ${fingerprint}`;
}

function routerFields(check: DataRouterCheck): RouterFields {
  if (check.staging.kind !== 'found') return { ...NO_STAGING, stagingProblem: describeStagingAnswer(check.staging) };
  return { stagingDirectory: check.staging.directory, stagingProblem: null };
}
