// The run plan's schedule: the active plan looked at every second (its countdown is to the
// second), and soon after a change of the runs, jobs or plans it waits for. A look
// is short and writes only what the plan decides; looks never stack.
import type { Store, Table } from '../db/store';
import type { RunPlanner } from '../runs/run-plan';
import { Timers } from './rounds';

const FOLLOWED: readonly Table[] = ['run', 'job', 'run_plan', 'experiment'];

export interface RunPlanScheduleOptions {
  /** How often the plan is looked at (default 1 s). */
  intervalMs?: number;
}

export class RunPlanScheduler {
  readonly intervalMs: number;
  private readonly timers = new Timers();
  private stopListening: (() => void) | null = null;
  private queued: NodeJS.Immediate | null = null;

  constructor(
    private readonly store: Store,
    private readonly planner: RunPlanner,
    options: RunPlanScheduleOptions = {},
  ) {
    this.intervalMs = Math.max(10, options.intervalMs ?? 1_000);
  }

  get running(): boolean {
    return this.timers.active;
  }

  start(): void {
    if (this.running) return;
    this.timers.every(this.intervalMs, () => this.soon());
    // Not within the write that announced the change: the look writes itself.
    this.stopListening = this.store.onChange((tables) => {
      if (tables.some((t) => FOLLOWED.includes(t))) this.soon();
    });
    this.soon();
  }

  /** One look, after what is running now has ended (several asked at once are one). */
  soon(): void {
    if (this.queued) return;
    this.queued = setImmediate(() => {
      this.queued = null;
      try {
        this.planner.tick();
      } catch (error) {
        console.error('The run plan could not be followed:', error);
      }
    });
  }

  stop(): void {
    this.timers.clear();
    this.stopListening?.();
    this.stopListening = null;
    if (this.queued) clearImmediate(this.queued);
    this.queued = null;
  }
}
