// The main-process schedule of the ACTIVE experiment: a refresh round of every ECC server's state
// every few seconds (a round still running when the next is due is skipped, never stacked), and
// a faster refresh of the servers with a step under way. The active experiment is read at every
// round, so the schedule follows a switch at once.
import type { Store } from '../db/store';
import type { EccControl } from '../ecc/control/control';

export interface ScheduleOptions {
  /** Every ECC server's state (DOMAIN.md: every 5 s). */
  refreshIntervalMs?: number;
  /** Servers in a transition (default 250 ms, at most 500: a read every 500 ms at the latest, call time included). */
  transitionIntervalMs?: number;
}

export interface ScheduleCounts {
  /** Refresh rounds started, finished, and skipped because the previous one still ran. */
  started: number;
  finished: number;
  skipped: number;
}

export class EccScheduler {
  readonly refreshIntervalMs: number;
  readonly transitionIntervalMs: number;
  private readonly counts: ScheduleCounts = { started: 0, finished: 0, skipped: 0 };
  private round: Promise<void> | null = null;
  private fastRound: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly control: EccControl,
    options: ScheduleOptions = {},
  ) {
    this.refreshIntervalMs = Math.max(10, options.refreshIntervalMs ?? 5_000);
    this.transitionIntervalMs = Math.min(500, Math.max(10, options.transitionIntervalMs ?? 250));
  }

  get stats(): Readonly<ScheduleCounts> {
    return { ...this.counts };
  }

  get running(): boolean {
    return this.timers.length > 0;
  }

  start(): void {
    if (this.running) return;
    const every = (ms: number, work: () => void) => {
      const timer = setInterval(work, ms);
      // The schedule alone never keeps the process alive.
      timer.unref();
      this.timers.push(timer);
    };
    every(this.refreshIntervalMs, () => void this.refreshRound());
    every(this.transitionIntervalMs, () => void this.transitionRound());
    // A switch of the active experiment (or a change of its servers) is followed at once.
    this.stopListening = this.store.onChange((tables) => {
      if (tables.includes('experiment') || tables.includes('data_source')) void this.refreshRound();
    });
    void this.refreshRound();
  }

  /**
   * One refresh round of every server of the active experiment; skipped (resolves at once)
   * while the previous round still runs.
   */
  refreshRound(): Promise<void> {
    if (this.round) {
      this.counts.skipped++;
      return Promise.resolve();
    }
    this.counts.started++;
    const round = this.control
      .refreshActive()
      .catch((error: unknown) => console.error('ECC refresh round:', error))
      .finally(() => {
        this.counts.finished++;
        this.round = null;
      });
    this.round = round;
    return round;
  }

  /** Refreshes the servers with a step under way (theirs or the application's). */
  private transitionRound(): Promise<void> {
    if (this.fastRound) return Promise.resolve();
    const ids = this.control.status.inTransition();
    if (ids.length === 0) return Promise.resolve();
    const round = this.control
      .refreshServers(ids)
      .catch((error: unknown) => console.error('ECC transition refresh:', error))
      .finally(() => {
        this.fastRound = null;
      });
    this.fastRound = round;
    return round;
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.stopListening?.();
    this.stopListening = null;
  }
}
