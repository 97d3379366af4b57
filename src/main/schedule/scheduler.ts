// The main-process schedule of the ACTIVE experiment: a refresh round of every ECC server's state
// every few seconds (a round still running when the next is due is skipped, never stacked), and
// a faster refresh of the servers with a step under way. The active experiment is read at every
// round, so the schedule follows a switch at once.
import type { Store } from '../db/store';
import type { EccControl } from '../ecc/control/control';
import { Round, Timers, type RoundCounts } from './rounds';

export interface ScheduleOptions {
  /** Every ECC server's state (DOMAIN.md: every 5 s). */
  refreshIntervalMs?: number;
  /** Servers in a transition (default 250 ms, at most 500: a read every 500 ms at the latest, call time included). */
  transitionIntervalMs?: number;
}

export type ScheduleCounts = RoundCounts;

export class EccScheduler {
  readonly refreshIntervalMs: number;
  readonly transitionIntervalMs: number;
  private readonly refresh: Round;
  private readonly transitions: Round;
  private readonly timers = new Timers();
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    control: EccControl,
    options: ScheduleOptions = {},
  ) {
    this.refreshIntervalMs = Math.max(10, options.refreshIntervalMs ?? 5_000);
    this.transitionIntervalMs = Math.min(500, Math.max(10, options.transitionIntervalMs ?? 250));
    this.refresh = new Round('ECC refresh round', () => control.refreshActive());
    // Servers with a step under way (theirs or the application's), read between the full rounds.
    this.transitions = new Round('ECC transition refresh', async () => {
      const ids = control.status.inTransition();
      if (ids.length > 0) await control.refreshServers(ids);
    });
  }

  get stats(): Readonly<ScheduleCounts> {
    return this.refresh.stats;
  }

  get running(): boolean {
    return this.timers.active;
  }

  start(): void {
    if (this.running) return;
    this.timers.every(this.refreshIntervalMs, () => void this.refreshRound());
    this.timers.every(this.transitionIntervalMs, () => void this.transitions.run());
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
    return this.refresh.run();
  }

  /** Resolves when the rounds under way have ended (after stop(), nothing starts again). */
  async idle(): Promise<void> {
    await Promise.all([this.refresh.idle(), this.transitions.idle()]);
  }

  stop(): void {
    this.timers.clear();
    this.stopListening?.();
    this.stopListening = null;
  }
}
