// The SSH schedule of the ACTIVE experiment: the worker-computer checks every 15 s (DOMAIN.md) and
// the after-stop jobs (due ones every few seconds, and at once when jobs are queued). A round
// still running when the next is due is skipped, never stacked.
import type { Store, Table } from '../db/store';
import type { ConfigFileReadings } from '../runs/config-files';
import type { JobRunner } from '../runs/job-runner';
import type { WorkerChecks } from '../worker-node/checks';
import { Round, Timers, type RoundCounts } from './rounds';

const CHECKED_TABLES: readonly Table[] = ['experiment', 'ecc_server', 'data_router', 'ssh_host'];
/** What the ECC servers' config files are read for: a set selected is read at once (Start all's checklist waits for it). */
const CONFIG_TABLES: readonly Table[] = ['experiment', 'ecc_server', 'config_set', 'ssh_host'];

export interface SshScheduleOptions {
  /** The process and clean checks (DOMAIN.md: every 15 s). */
  checkIntervalMs?: number;
  /** How often due jobs (failed ones whose pause is over) are looked for (default 5 s). */
  jobIntervalMs?: number;
}

export class SshScheduler {
  readonly checkIntervalMs: number;
  readonly jobIntervalMs: number;
  private readonly checks: Round;
  private readonly jobs: Round;
  private readonly configReads: Round | null;
  private readonly timers = new Timers();
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    checks: WorkerChecks,
    jobs: JobRunner,
    options: SshScheduleOptions = {},
    /** The ECC servers' config files, read as often as the checks and whenever what they are read for changes. */
    configFiles: ConfigFileReadings | null = null,
  ) {
    this.checkIntervalMs = Math.max(10, options.checkIntervalMs ?? 15_000);
    this.jobIntervalMs = Math.max(10, options.jobIntervalMs ?? 5_000);
    this.checks = new Round('SSH check round', () => checks.checkActive());
    // Never skipped: a set selected during a read is read once more right after it.
    this.configReads = configFiles
      ? new Round('Config file reads', () => configFiles.checkActive(), { followUp: true, mayFollowUp: () => this.running })
      : null;
    // Jobs queued during a round start right after it, not at the next tick.
    this.jobs = new Round('After-stop jobs', () => jobs.runDue(), { followUp: true, mayFollowUp: () => this.running });
  }

  /** Check rounds started, finished, and skipped because the previous one still ran. */
  get checkStats(): Readonly<RoundCounts> {
    return this.checks.stats;
  }

  get running(): boolean {
    return this.timers.active;
  }

  /** Whether the check rounds go on: when the last one ended (the alarm on checks not running reads it). */
  get heartbeat(): { running: boolean; intervalMs: number; lastEndedAt: number | null; startedAt: number | null } {
    return { running: this.running, intervalMs: this.checkIntervalMs, lastEndedAt: this.checks.lastEndedAt, startedAt: this.timers.startedAt };
  }

  start(): void {
    if (this.running) return;
    this.timers.every(this.checkIntervalMs, () => void this.checkRound());
    this.timers.every(this.jobIntervalMs, () => void this.jobRound());
    this.stopListening = this.store.onChange((tables) => {
      // What the checks look at: the active experiment, its computers and how to reach them (an
      // ECC server's state, announced as ecc_server_state, does not count).
      if (tables.some((table) => CHECKED_TABLES.includes(table))) void this.checks.run();
      if (tables.some((table) => CONFIG_TABLES.includes(table))) void this.configReads?.run();
      if (tables.includes('job')) void this.jobRound();
    });
    void this.checkRound();
    void this.jobRound();
  }

  /** A round of the checks and of the config file reads. */
  async checkRound(): Promise<void> {
    await Promise.all([this.checks.run(), this.configReads?.run()]);
  }

  /** A round of the due jobs; asked for during one, another follows it (jobs queued meanwhile start at once). */
  jobRound(): Promise<void> {
    return this.jobs.run();
  }

  /** Resolves when the rounds under way have ended (after stop(), nothing starts again). */
  async idle(): Promise<void> {
    await Promise.all([this.checks.idle(), this.jobs.idle(), this.configReads?.idle()]);
  }

  stop(): void {
    this.timers.clear();
    this.stopListening?.();
    this.stopListening = null;
  }
}
