// The SSH schedule of the ACTIVE experiment: the worker-computer checks every 15 s (DOMAIN.md) and
// the after-stop jobs (due ones every few seconds, and at once when jobs are queued). A round
// still running when the next is due is skipped, never stacked.
import type { Store } from '../db/store';
import type { JobRunner } from '../runs/job-runner';
import type { WorkerChecks } from '../worker-node/checks';

export interface SshScheduleOptions {
  /** The process and clean checks (DOMAIN.md: every 15 s). */
  checkIntervalMs?: number;
  /** How often due jobs (failed ones whose pause is over) are looked for (default 5 s). */
  jobIntervalMs?: number;
}

export class SshScheduler {
  readonly checkIntervalMs: number;
  readonly jobIntervalMs: number;
  private checkRunning: Promise<void> | null = null;
  private jobRunning: Promise<void> | null = null;
  private jobAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private stopListening: (() => void) | null = null;
  /** Check rounds skipped because the previous one still ran. */
  skippedChecks = 0;

  constructor(
    private readonly store: Store,
    private readonly checks: WorkerChecks,
    private readonly jobs: JobRunner,
    options: SshScheduleOptions = {},
  ) {
    this.checkIntervalMs = Math.max(10, options.checkIntervalMs ?? 15_000);
    this.jobIntervalMs = Math.max(10, options.jobIntervalMs ?? 5_000);
  }

  get running(): boolean {
    return this.timers.length > 0;
  }

  start(): void {
    if (this.running) return;
    const every = (ms: number, work: () => void) => {
      const timer = setInterval(work, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.checkIntervalMs, () => void this.checkRound());
    every(this.jobIntervalMs, () => void this.jobRound());
    this.stopListening = this.store.onChange((tables) => {
      if (tables.includes('experiment') || tables.includes('data_router') || tables.includes('ecc_server')) void this.checkRound();
      if (tables.includes('job')) void this.jobRound();
    });
    void this.checkRound();
    void this.jobRound();
  }

  checkRound(): Promise<void> {
    if (this.checkRunning) {
      this.skippedChecks++;
      return Promise.resolve();
    }
    const round = this.checks
      .checkActive()
      .catch((error: unknown) => console.error('SSH check round:', error))
      .finally(() => (this.checkRunning = null));
    this.checkRunning = round;
    return round;
  }

  /** A round of the due jobs; asked for during one, another follows it (jobs queued meanwhile start at once). */
  jobRound(): Promise<void> {
    if (this.jobRunning) {
      this.jobAgain = true;
      return Promise.resolve();
    }
    const round = this.jobs
      .runDue()
      .then(() => undefined)
      .catch((error: unknown) => console.error('After-stop jobs:', error))
      .finally(() => {
        this.jobRunning = null;
        if (this.jobAgain && this.running) {
          this.jobAgain = false;
          void this.jobRound();
        }
      });
    this.jobRunning = round;
    return round;
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.stopListening?.();
    this.stopListening = null;
  }
}
