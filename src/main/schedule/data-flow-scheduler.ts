// The data flow's schedule: a round of readings of every staging folder every `dataFlowSeconds`
// (the setting, 2 s unless changed; a change applies at once). Rounds run only while a run goes,
// and one begins at once when a run starts or stops. A round still running when the next is due
// is skipped, never stacked (and a round waits for its reads at most 3/4 of a period).
import type { Store } from '../db/store';
import type { DataFlow } from '../runs/data-flow';
import { readSettings } from '../settings/queries';
import { Round, Timers, type RoundCounts } from './rounds';

export interface DataFlowScheduleOptions {
  /** Fixed instead of the setting (tests). */
  intervalMs?: number;
}

export class DataFlowScheduler {
  private intervalMs: number;
  private readonly fixedInterval: boolean;
  private readonly rounds: Round;
  private readonly timers = new Timers();
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    flow: DataFlow,
    options: DataFlowScheduleOptions = {},
  ) {
    this.fixedInterval = options.intervalMs !== undefined;
    this.intervalMs = this.fixedInterval ? Math.max(10, options.intervalMs ?? 0) : this.settingMs();
    this.rounds = new Round('Data flow round', () => flow.round());
  }

  get readIntervalMs(): number {
    return this.intervalMs;
  }

  get stats(): Readonly<RoundCounts> {
    return this.rounds.stats;
  }

  get running(): boolean {
    return this.timers.active;
  }

  start(): void {
    if (this.running) return;
    this.timers.every(this.intervalMs, () => void this.round());
    this.stopListening = this.store.onChange((tables) => {
      // A run started or stopped, another experiment, routers changed: read now, not at the next tick.
      if (tables.includes('run') || tables.includes('experiment') || tables.includes('data_router')) void this.round();
      if (tables.includes('app_setting') && !this.fixedInterval) this.followSetting();
    });
    void this.round();
  }

  round(): Promise<void> {
    return this.rounds.run();
  }

  private settingMs(): number {
    return Math.max(10, readSettings(this.store).dataFlowSeconds * 1000);
  }

  private followSetting(): void {
    const ms = this.settingMs();
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (!this.running) return;
    this.timers.clear();
    this.timers.every(ms, () => void this.round());
  }

  async idle(): Promise<void> {
    await this.rounds.idle();
  }

  stop(): void {
    this.timers.clear();
    this.stopListening?.();
    this.stopListening = null;
  }
}
