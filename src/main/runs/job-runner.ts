// Carries out the after-stop jobs (jobs.ts) over the SSH gateway: pending ones, and failed ones
// again after a growing pause until they have been tried `maxAttempts` times. Progress is written
// to the `job` table (subscribers see it); nothing is ever overwritten, and a job that left files
// in place (names already taken in the destination) fails with the list rather than being done.
// Once a router's files are organized, its staging directory is checked again.
import type { Store } from '../db/store';
import { SshError } from '../worker-node/connection';
import type { BackupResult, OrganizeResult } from '../worker-node/files';
import { parseRunFolder } from '../worker-node/remote-paths';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';
import { describeStagingAnswer } from '../worker-node/staging';
import { claimJob, finishJob, listDueJobs, resetRunningJobs, type DueJob } from './jobs';
import type { DataRouterCleanliness } from './routers';

export interface JobRunnerOptions {
  /** Tries per job (default 5). */
  maxAttempts?: number;
  /** The pause before the next try of a job tried `attempts` times (default 5 s, doubling, at most 5 min). */
  backoffMs?: (attempts: number) => number;
  /** Jobs carried out at once (default 8; the gateway also limits each host). */
  concurrency?: number;
}

type Outcome = { ok: true; message: string } | { ok: false; message: string };

const defaultBackoff = (attempts: number): number => Math.min(300_000, 5_000 * 2 ** Math.max(0, attempts - 1));

export class JobRunner {
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempts: number) => number;
  private readonly concurrency: number;
  private closed = false;
  /** Set when the application begins to close: jobs under way end, no new one starts. */
  private stopping = false;
  private readonly rounds = new Set<Promise<number>>();

  constructor(
    private readonly store: Store,
    private readonly gateway: SshGateway,
    private readonly host: (address: string) => SshHost,
    private readonly routers: DataRouterCleanliness,
    options: JobRunnerOptions = {},
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    // A job left 'running' by an application that ended mid-way is simply tried again.
    resetRunningJobs(store);
  }

  /** The jobs due now: pending, or failed with tries left and their pause over. */
  dueJobs(now = Date.now()): DueJob[] {
    return listDueJobs(this.store, this.maxAttempts, this.backoffMs, now);
  }

  /** One round: carries out every due job; resolves with how many were tried. */
  runDue(): Promise<number> {
    const round = this.runRound();
    this.rounds.add(round);
    void round.finally(() => this.rounds.delete(round)).catch(() => {});
    return round;
  }

  private async runRound(): Promise<number> {
    if (this.stopping) return 0;
    const jobs = this.dueJobs();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length && !this.stopping) {
        const job = jobs[next++];
        if (job) await this.runOne(job);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, jobs.length) }, lane));
    return jobs.length;
  }

  /** Starts no more jobs; the ones under way go on (close() makes them write nothing). */
  stop(): void {
    this.stopping = true;
  }

  /** Resolves when the rounds under way have ended. */
  async idle(): Promise<void> {
    while (this.rounds.size > 0) await Promise.allSettled([...this.rounds]);
  }

  close(): void {
    this.stopping = true;
    this.closed = true;
  }

  private async runOne(job: DueJob): Promise<void> {
    if (!claimJob(this.store, job)) return;
    let outcome: Outcome;
    try {
      outcome = job.kind === 'organize_files' ? await this.organize(job) : await this.backup(job);
    } catch (error) {
      outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    if (this.closed) return;
    const what = job.kind === 'organize_files' ? `Organizing the files of run ${job.runNumber}` : `Backing up the configs of run ${job.runNumber}`;
    finishJob(this.store, job, outcome, {
      experimentId: job.experimentId,
      level: outcome.ok ? 'info' : 'error',
      source: 'ssh',
      subject: job.targetName,
      message: outcome.ok ? `${what} on ${job.targetName}: ${outcome.message}` : `${what} on ${job.targetName} failed: ${outcome.message}`,
      details: `job #${job.id}, attempt ${job.attempts + 1} of ${this.maxAttempts}`,
    });
    if (outcome.ok && job.kind === 'organize_files') await this.recheck(job);
  }

  private async organize(job: DueJob): Promise<Outcome> {
    const details = JSON.parse(job.details) as { address: string; port: number; folder: string };
    const { experiment, runNumber } = parseRunFolder(details.folder);
    const answer = await this.gateway.organizeFiles(this.host(details.address), { port: details.port, experiment, runNumber });
    if (!answer.result) return { ok: false, message: `staging directory not found: ${describeStagingAnswer(answer.staging)}` };
    return organizeOutcome(answer.result);
  }

  private async backup(job: DueJob): Promise<Outcome> {
    const details = JSON.parse(job.details) as { address: string; configRoot: string; backupFolder: string; files: string[] };
    if (details.files.length === 0) return { ok: false, message: 'no config set was selected at Stop: nothing to back up' };
    const result = await this.gateway.backupConfigs(this.host(details.address), details);
    return backupOutcome(result);
  }

  /** The router's staging directory after its files were moved (a failure leaves it unknown). */
  private async recheck(job: DueJob): Promise<void> {
    const details = JSON.parse(job.details) as { address: string; port: number };
    try {
      const check = await this.gateway.checkDataRouter(this.host(details.address), details.port);
      if (!this.closed && check.clean) this.routers.set(job.targetId, check.clean);
    } catch (error) {
      if (!(error instanceof SshError)) throw error;
    }
  }
}

function organizeOutcome(result: OrganizeResult): Outcome {
  const problems: string[] = [];
  if (result.skippedExisting.length > 0) {
    problems.push(`${result.skippedExisting.length} file(s) already in ${result.destination}, left in place (never overwritten): ${result.skippedExisting.join(', ')}`);
  }
  if (result.errors.length > 0) problems.push(`${result.errors.length} file(s) not moved: ${result.errors.map((e) => `${e.name} (${e.message})`).join(', ')}`);
  if (result.interrupted) problems.push('interrupted before every file was tried');
  if (problems.length > 0) return { ok: false, message: `${result.moved} file(s) moved; ${problems.join('; ')}` };
  return { ok: true, message: `${result.moved} file(s) moved to ${result.destination}` };
}

function backupOutcome(result: BackupResult): Outcome {
  const bad = result.files.flatMap((f) => (f.status === 'conflict' || f.status === 'error' ? [`${f.name}: ${f.message}`] : []));
  if (bad.length > 0) return { ok: false, message: bad.join('; ') };
  return { ok: true, message: `${result.files.length} file(s) backed up in ${result.backupFolder}` };
}
