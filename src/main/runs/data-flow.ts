// The data flow of the current run (DOMAIN.md "During a run": is data flowing?). At every round
// (every `dataFlowSeconds` while a run goes, see schedule/data-flow-scheduler.ts) each data
// router's staging folder is read over SFTP, in the SSH threads: its `.graw` files, their bytes
// and the newest. The rate is the bytes between two readings over the MEASURED time between them
// (the time each reading was taken, not the period). A router's next read waits for its last one
// to answer, so a computer that hangs never stacks reads, and a round waits for its reads at
// most three quarters of a period: a read still unanswered then makes that router's figures
// history (not current, with their time), as a failed read does. Kept in memory; what a run
// wrote is stored with it at Stop (run control calls `figuresAtStop`).
import type { DataFlowDisk, DataFlowPlot, DataFlowStatus, DataRouterFlow, WorkersStatus } from '../../shared/api/contract';
import type { DataRouter, Run, RouterFiguresAtStop } from '../../shared/domain';
import type { Store } from '../db/store';
import { findActiveExperiment } from '../experiments/queries';
import { findCurrentRun } from '../runsheet/queries';
import { readSettings } from '../settings/queries';
import { listDataRouters } from '../setup/queries';
import { SshError } from '../worker-node/connection';
import type { GrawFolderReading } from '../worker-node/files';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';
import { settlesWithin } from '../time';
import { RatePlot } from './rate-plot';

/** Of a round's period, how long it waits for its reads before it calls the unanswered ones late. */
const ROUND_WAIT = 0.75;

/** What the current run has written so far, over every data router (what a timed run stops on). */
export interface RunWritten {
  runId: number;
  files: number;
  bytes: number;
  /** Routers whose reading is current, of all: when fewer, the figures are partly older. */
  currentRouters: number;
  routers: number;
}

interface RouterState {
  name: string;
  address: string;
  countedFrom: 'start' | 'first-reading';
  stagingDirectory: string | null;
  /** What is not counted as written in this run: nothing when the folder was clean at Start all, else the first reading. */
  baseline: { files: number; bytes: number } | null;
  last: GrawFolderReading | null;
  rate: { mbps: number; intervalSeconds: number } | null;
  lastGrowthMs: number | null;
  checkedAt: string | null;
  current: boolean;
  error: { kind: string; message: string } | null;
  /** The read under way, and since when: the next waits for it. */
  reading: Promise<void> | null;
  readingSince: number;
  /** Bytes and measured seconds since the last plot point. */
  pending: { bytes: number; seconds: number };
}

interface CurrentRun {
  id: number;
  number: number;
  startTime: string;
  startMs: number;
}

export class DataFlow {
  private run: CurrentRun | null = null;
  private readonly states = new Map<number, RouterState>();
  private ratePlot = new RatePlot();
  private readonly rounds = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly gateway: Pick<SshGateway, 'readStaging'>,
    private readonly host: (address: string) => SshHost,
    /** The last SSH checks: the staging directory each router writes to, and its disk. */
    private readonly workers: () => WorkersStatus,
    private readonly announce: () => void,
  ) {}

  /** One round: every data router of the current run read at once (nothing when no run goes). */
  round(): Promise<void> {
    const round = this.readRound();
    this.rounds.add(round);
    void round.finally(() => this.rounds.delete(round)).catch(() => {});
    return round;
  }

  /** Resolves when the rounds and reads under way have ended. */
  async idle(): Promise<void> {
    while (this.rounds.size > 0) await Promise.allSettled([...this.rounds]);
    await Promise.allSettled([...this.states.values()].map((s) => s.reading));
  }

  close(): void {
    this.closed = true;
  }

  private async readRound(): Promise<void> {
    if (this.closed) return;
    const experiment = findActiveExperiment(this.store);
    const run = experiment ? findCurrentRun(this.store, experiment.id) : undefined;
    if (!experiment || !run) {
      // The plot of the run that ended stays until the next starts; its readings are over.
      if (this.run) {
        this.run = null;
        this.states.clear();
        this.announce();
      }
      return;
    }
    if (this.run?.id !== run.id) this.begin(run);
    const current = this.run as CurrentRun;
    const routers = listDataRouters(this.store, experiment.id);
    const kept = new Set(routers.map((r) => r.id));
    for (const id of this.states.keys()) if (!kept.has(id)) this.states.delete(id);
    const checks = new Map(this.workers().dataRouters.map((c) => [c.id, c]));
    const periodMs = readSettings(this.store).dataFlowSeconds * 1000;
    const started: Promise<void>[] = [];
    for (const router of routers) {
      const state = this.stateOf(router, run);
      // Never stacked: a read that has not answered yet is waited for (it is called late below).
      if (state.reading) continue;
      const check = checks.get(router.id);
      if (check?.stagingDirectory) state.stagingDirectory = check.stagingDirectory;
      if (!state.stagingDirectory) {
        state.checkedAt = new Date().toISOString();
        state.current = false;
        state.error = { kind: 'no-staging-directory', message: `The staging directory of ${router.name} is not known: ${check?.stagingProblem ?? 'not checked yet'}` };
        continue;
      }
      started.push(this.read(current.id, router.id, state, state.stagingDirectory));
    }
    await settlesWithin(Promise.allSettled(started), periodMs * ROUND_WAIT);
    if (this.closed || this.run?.id !== current.id) return;
    const now = Date.now();
    for (const state of this.states.values()) {
      // Still unanswered after the wait (this round's, or an earlier one's): what it showed is history.
      if (state.reading) {
        state.current = false;
        state.error = { kind: 'timeout', message: `The read of ${state.stagingDirectory ?? 'its staging folder'} started at ${new Date(state.readingSince).toISOString()} has not answered yet` };
      }
    }
    this.ratePlot.add(
      (now - current.startMs) / 1000,
      routers.map((r) => {
        const state = this.states.get(r.id) as RouterState;
        const share = { id: r.id, name: r.name, ...state.pending };
        state.pending = { bytes: 0, seconds: 0 };
        return share;
      }),
    );
    this.announce();
  }

  /** A new run: every router starts afresh, and so does the plot. */
  private begin(run: Run): void {
    this.run = { id: run.id, number: run.number, startTime: run.startTime, startMs: Date.parse(run.startTime) };
    this.states.clear();
    this.ratePlot = new RatePlot(run.id, run.number);
  }

  private stateOf(router: DataRouter, run: Run): RouterState {
    let state = this.states.get(router.id);
    if (!state) {
      // Clean at Start all (its checklist item passed): every file of the folder is this run's.
      const clean = run.startChecklist.some((item) => item.key === `clean:${router.id}` && item.status === 'pass');
      state = {
        name: router.name,
        address: router.address,
        countedFrom: clean ? 'start' : 'first-reading',
        stagingDirectory: null,
        baseline: clean ? { files: 0, bytes: 0 } : null,
        last: null,
        rate: null,
        lastGrowthMs: null,
        checkedAt: null,
        current: false,
        error: null,
        reading: null,
        readingSince: 0,
        pending: { bytes: 0, seconds: 0 },
      };
      this.states.set(router.id, state);
    }
    state.name = router.name;
    state.address = router.address;
    return state;
  }

  private read(runId: number, routerId: number, state: RouterState, directory: string): Promise<void> {
    state.readingSince = Date.now();
    const reading = (async () => {
      try {
        const found = await this.gateway.readStaging(this.host(state.address), directory);
        if (this.closed || this.run?.id !== runId || this.states.get(routerId) !== state) return;
        this.apply(state, found);
      } catch (error) {
        if (this.closed || this.run?.id !== runId || this.states.get(routerId) !== state) return;
        const e = error instanceof SshError ? error : new SshError('other', error instanceof Error ? error.message : String(error));
        state.checkedAt = new Date().toISOString();
        state.current = false;
        state.error = { kind: e.kind, message: e.message };
      } finally {
        state.reading = null;
      }
    })();
    state.reading = reading;
    return reading;
  }

  private apply(state: RouterState, found: GrawFolderReading): void {
    const previous = state.last;
    state.baseline ??= { files: found.files, bytes: found.bytes };
    if (previous) {
      const seconds = (found.takenAtMs - previous.takenAtMs) / 1000;
      if (seconds > 0) {
        // Bytes that went (a file moved away) are not data written: the rate is of growth only.
        const grown = Math.max(0, found.bytes - previous.bytes);
        state.rate = { mbps: grown / seconds / 1e6, intervalSeconds: seconds };
        state.pending = { bytes: state.pending.bytes + grown, seconds: state.pending.seconds + seconds };
      }
      if (found.bytes > previous.bytes) state.lastGrowthMs = found.takenAtMs;
    } else if (found.bytes > state.baseline.bytes) {
      state.lastGrowthMs = found.takenAtMs;
    }
    state.last = found;
    state.checkedAt = new Date().toISOString();
    state.current = true;
    state.error = null;
  }

  status(): DataFlowStatus {
    const at = Date.now();
    const experiment = findActiveExperiment(this.store);
    const everySeconds = readSettings(this.store).dataFlowSeconds;
    const empty = { files: 0, bytes: 0, runFiles: 0, runBytes: 0, rateMBps: null, currentRouters: 0, routers: 0 };
    const run = this.run;
    if (!experiment || !run) return { experimentId: experiment?.id ?? null, run: null, at: new Date(at).toISOString(), everySeconds, routers: [], total: empty };
    const checks = new Map(this.workers().dataRouters.map((c) => [c.id, c]));
    const routers = listDataRouters(this.store, experiment.id).map((router) => this.routerFlow(router, at, run));
    // The time to full of a file system comes from every router writing to it (several routers may share a computer's disk).
    const writers = new Map<string, { bytesPerSecond: number; allCurrent: boolean }>();
    for (const flow of routers) {
      const disk = checks.get(flow.id)?.disk;
      if (!disk) continue;
      const key = `${flow.address} ${disk.mountPoint}`;
      const sum = writers.get(key) ?? { bytesPerSecond: 0, allCurrent: true };
      writers.set(key, { bytesPerSecond: sum.bytesPerSecond + (flow.current ? (flow.rateMBps ?? 0) * 1e6 : 0), allCurrent: sum.allCurrent && flow.current && flow.rateMBps !== null });
    }
    for (const flow of routers) {
      const check = checks.get(flow.id);
      if (!check?.disk) continue;
      const rate = writers.get(`${flow.address} ${check.disk.mountPoint}`);
      const availableBytes = check.disk.availableKb * 1024;
      const disk: DataFlowDisk = {
        checkedAt: check.answeredAt,
        usedPercent: check.disk.usedPercent,
        freeGb: availableBytes / 1e9,
        mountPoint: check.disk.mountPoint,
        secondsToFull: rate?.allCurrent && rate.bytesPerSecond > 0 ? availableBytes / rate.bytesPerSecond : null,
      };
      flow.disk = disk;
    }
    const current = routers.filter((r) => r.current);
    return {
      experimentId: experiment.id,
      run: { id: run.id, number: run.number, startTime: run.startTime },
      at: new Date(at).toISOString(),
      everySeconds,
      routers,
      total: {
        files: sum(routers.map((r) => r.files)),
        bytes: sum(routers.map((r) => r.bytes)),
        runFiles: sum(routers.map((r) => r.runFiles)),
        runBytes: sum(routers.map((r) => r.runBytes)),
        rateMBps: current.some((r) => r.rateMBps !== null) ? sum(current.map((r) => r.rateMBps)) : null,
        currentRouters: current.length,
        routers: routers.length,
      },
    };
  }

  private routerFlow(router: DataRouter, at: number, run: CurrentRun): DataRouterFlow {
    const state = this.states.get(router.id);
    const last = state?.last ?? null;
    const baseline = state?.baseline ?? null;
    const current = state?.current ?? false;
    return {
      id: router.id,
      name: router.name,
      address: router.address,
      stagingDirectory: state?.stagingDirectory ?? null,
      checkedAt: state?.checkedAt ?? null,
      readAt: last ? new Date(last.takenAtMs).toISOString() : null,
      current,
      error: state?.error ?? null,
      files: last?.files ?? null,
      bytes: last?.bytes ?? null,
      newest: last?.newest ? { name: last.newest.name, size: last.newest.size, mtime: new Date(last.newest.mtime * 1000).toISOString() } : null,
      runFiles: last && baseline ? Math.max(0, last.files - baseline.files) : null,
      runBytes: last && baseline ? Math.max(0, last.bytes - baseline.bytes) : null,
      countedFrom: state?.countedFrom ?? 'first-reading',
      rateMBps: state?.rate?.mbps ?? null,
      rateIntervalSeconds: state?.rate?.intervalSeconds ?? null,
      lastGrowthAt: state?.lastGrowthMs ? new Date(state.lastGrowthMs).toISOString() : null,
      // Only of the present: a router not read now may have grown since.
      secondsSinceGrowth: current ? Math.max(0, (at - (state?.lastGrowthMs ?? run.startMs)) / 1000) : null,
      disk: null,
    };
  }

  plot(): DataFlowPlot {
    return this.ratePlot.toJSON();
  }

  /** Bytes and files the current run has written so far (null when no run goes or nothing was read). */
  written(): RunWritten | null {
    const run = this.run;
    if (!run) return null;
    const states = [...this.states.values()].filter((s) => s.last && s.baseline);
    if (states.length === 0) return null;
    return {
      runId: run.id,
      files: sum(states.map((s) => Math.max(0, (s.last as GrawFolderReading).files - (s.baseline as { files: number }).files))),
      bytes: sum(states.map((s) => Math.max(0, (s.last as GrawFolderReading).bytes - (s.baseline as { bytes: number }).bytes))),
      currentRouters: states.filter((s) => s.current).length,
      routers: this.states.size,
    };
  }

  /**
   * What each router wrote in the run as of its last reading, to be stored at its Stop; null
   * when the run was never read (another run, or no reading yet): nothing is stored then.
   */
  figuresAtStop(runId: number): RouterFiguresAtStop[] | null {
    if (this.run?.id !== runId) return null;
    const figures = [...this.states].map(([id, s]): RouterFiguresAtStop => ({
      dataRouterId: id,
      name: s.name,
      files: s.last && s.baseline ? Math.max(0, s.last.files - s.baseline.files) : 0,
      bytes: s.last && s.baseline ? Math.max(0, s.last.bytes - s.baseline.bytes) : 0,
      readAt: s.last ? new Date(s.last.takenAtMs).toISOString() : null,
      current: s.current,
      countedFrom: s.countedFrom,
    }));
    return figures.some((f) => f.readAt !== null) ? figures : null;
  }
}

function sum(values: readonly (number | null)[]): number {
  return values.reduce<number>((total, v) => total + (v ?? 0), 0);
}
