// The main-process schedule of the ACTIVE experiment: a refresh round of every ECC server's state
// every few seconds (a round still running when the next is due is skipped, never stacked), and
// a faster refresh of the servers with a step under way. The active experiment is read at every
// round, so the schedule follows a switch at once.
import type { Store } from '../db/store';
import type { EccControl } from '../ecc/control/control';
import { readSettings } from '../settings/queries';
import { Round, Timers, type RoundCounts } from './rounds';

export interface ScheduleOptions {
  /**
   * Every ECC server's state; by default the setting `stateRefreshSeconds` (1 s unless changed:
   * a change the application did not make shows within a second), followed when it changes.
   */
  refreshIntervalMs?: number;
  /** Servers in a transition (default 250 ms, at most 500: a read every 500 ms at the latest, call time included). */
  transitionIntervalMs?: number;
}

export type ScheduleCounts = RoundCounts;

export class EccScheduler {
  private intervalMs: number;
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
    this.fixedInterval = options.refreshIntervalMs !== undefined;
    this.intervalMs = Math.max(10, options.refreshIntervalMs ?? readSettings(store).stateRefreshSeconds * 1000);
    this.transitionIntervalMs = Math.min(500, Math.max(10, options.transitionIntervalMs ?? 250));
    this.refresh = new Round('ECC refresh round', () => control.refreshActive());
    // Servers with a step under way (theirs or the application's), read between the full rounds.
    this.transitions = new Round('ECC transition refresh', async () => {
      const ids = control.status.inTransition();
      if (ids.length > 0) await control.refreshServers(ids);
    });
  }

  private readonly fixedInterval: boolean;
  private refreshTimer = new Timers();

  get refreshIntervalMs(): number {
    return this.intervalMs;
  }

  get stats(): Readonly<ScheduleCounts> {
    return this.refresh.stats;
  }

  get running(): boolean {
    return this.timers.active;
  }

  /** Whether the refresh rounds go on: when the last one ended (the alarm on checks not running reads it). */
  get heartbeat(): { running: boolean; intervalMs: number; lastEndedAt: number | null; startedAt: number | null } {
    return { running: this.running, intervalMs: this.intervalMs, lastEndedAt: this.refresh.lastEndedAt, startedAt: this.timers.startedAt };
  }

  start(): void {
    if (this.running) return;
    this.refreshTimer.every(this.intervalMs, () => void this.refreshRound());
    this.timers.every(this.transitionIntervalMs, () => void this.transitions.run());
    // A switch of the active experiment (or a change of its servers) is followed at once.
    this.stopListening = this.store.onChange((tables) => {
      if (tables.includes('experiment') || tables.includes('data_source')) void this.refreshRound();
      if (tables.includes('app_setting') && !this.fixedInterval) this.followSetting();
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

  /** A new refresh interval set by an operator applies at once. */
  private followSetting(): void {
    const ms = Math.max(10, readSettings(this.store).stateRefreshSeconds * 1000);
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (!this.running) return;
    this.refreshTimer.clear();
    this.refreshTimer.every(ms, () => void this.refreshRound());
  }

  /** Resolves when the rounds under way have ended (after stop(), nothing starts again). */
  async idle(): Promise<void> {
    await Promise.all([this.refresh.idle(), this.transitions.idle()]);
  }

  stop(): void {
    this.refreshTimer.clear();
    this.timers.clear();
    this.stopListening?.();
    this.stopListening = null;
  }
}
