// The alarm rounds: the rules judged every second (a round is a snapshot and one short
// transaction: nothing waits on the network), and at once when a rule's settings or a job change.
// A round still running when the next is due is skipped, never stacked.
import type { AlarmEngine } from '../alarms/engine';
import type { Store, Table } from '../db/store';
import { Round, Timers } from './rounds';

/** What, written, may raise or clear an alarm at once rather than at the next tick. */
const JUDGED_TABLES: readonly Table[] = ['alarm_rule', 'job', 'experiment', 'run', 'run_plan', 'run_manifest'];

export interface AlarmScheduleOptions {
  /** How often the rules are judged (default 1 s). */
  intervalMs?: number;
}

export class AlarmScheduler {
  readonly intervalMs: number;
  private readonly round: Round;
  private readonly timers = new Timers();
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    engine: AlarmEngine,
    options: AlarmScheduleOptions = {},
  ) {
    this.intervalMs = Math.max(10, options.intervalMs ?? 1_000);
    this.round = new Round('Alarm rules', () => Promise.resolve(engine.evaluate()));
  }

  get running(): boolean {
    return this.timers.active;
  }

  start(): void {
    if (this.running) return;
    this.timers.every(this.intervalMs, () => void this.evaluate());
    this.stopListening = this.store.onChange((tables) => {
      if (tables.some((table) => JUDGED_TABLES.includes(table))) void this.evaluate();
    });
    void this.evaluate();
  }

  /** One round of the rules; skipped while one runs. */
  evaluate(): Promise<void> {
    return this.round.run();
  }

  async idle(): Promise<void> {
    await this.round.idle();
  }

  stop(): void {
    this.timers.clear();
    this.stopListening?.();
    this.stopListening = null;
  }
}
