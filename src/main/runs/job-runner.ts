// Carries out the after-stop jobs (jobs.ts) over the SSH gateway: pending ones, and failed ones
// again after a growing pause until they have been tried `maxAttempts` times. Progress is written
// to the `job` table (subscribers see it); nothing is ever overwritten, and a job that left files
// in place (names already taken in the destination) fails with the list rather than being done.
// A router goes on writing for a while after Stop: its files are moved only once they have stood
// still for the settle time, then the folder is looked at again (DOMAIN.md "After Stop"). What a
// running job is doing is its phase, kept in memory. Once a router's files are organized, its
// staging directory is checked again, and its checksum job is queued (with the end of the organize
// job): that job hashes the run folder's files and writes its manifest (manifests.ts). It can take
// minutes on a big folder, so it runs beside the rounds, never in one of their lanes: jobs queued
// meanwhile (the next run's organize jobs) never wait for it.
import type { Store } from '../db/store';
import { insertLogEntry } from '../log/queries';
import { changedDuringRunText, recordBackupHashes } from '../runsheet/provenance';
import { nowIso } from '../time';
import { SshError } from '../worker-node/connection';
import type { BackupResult, GrawFileStat, OrganizeResult } from '../worker-node/files';
import { parseRunFolder } from '../worker-node/remote-paths';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';
import { describeStagingAnswer } from '../worker-node/staging';
import { claimJob, describeJob, finishJob, listDueJobs, queueChecksumJob, resetRunningJobs, type DueJob } from './jobs';
import { makeManifest, saveManifest, type ChecksumJobDetails } from './manifests';
import type { BatchLimits } from '../worker-node/checksums';
import { runFolderPath } from '../worker-node/remote-paths';
import type { DataRouterCleanliness } from './routers';
import { readSettings } from '../settings/queries';
import { SettleWatch } from './settle';

export interface JobRunnerOptions {
  /** Tries per job (default 5). */
  maxAttempts?: number;
  /** The pause before the next try of a job tried `attempts` times (default 5 s, doubling, at most 5 min). */
  backoffMs?: (attempts: number) => number;
  /** Jobs carried out at once (default 8; the gateway also limits each host). */
  concurrency?: number;
  /**
   * How long a staging folder's `.graw` files must stand still (sizes and times) before they are
   * moved; by default the setting `settleSeconds` (10 s unless changed), read at each job.
   */
  settleMs?: number;
  /** The pause between two listings of a staging folder while waiting (default 1.5 s; each listing is its own short SSH task). */
  settlePollMs?: number;
  /** A router still writing after this long fails the try, naming the files that kept changing (default 5 min). */
  settleTimeoutMs?: number;
  /** Checksum jobs carried out at once, beside the rounds (default 2: each reads whole disks). */
  checksumConcurrency?: number;
  /** How a run folder's files are cut into sha256sum calls (checksums.ts). */
  checksumBatch?: BatchLimits;
}

const DEFAULT_SETTLE_POLL_MS = 1_500;
const DEFAULT_SETTLE_TIMEOUT_MS = 300_000;

/** How a try ended; `andThen` is written with its end, in the same transaction. */
type Outcome = { ok: true; message: string; andThen?: () => void } | { ok: false; message: string };

type StillFiles = { kind: 'still'; files: GrawFileStat[] } | { kind: 'writing'; changing: string[] } | { kind: 'closed' };

const defaultBackoff = (attempts: number): number => Math.min(300_000, 5_000 * 2 ** Math.max(0, attempts - 1));

export class JobRunner {
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempts: number) => number;
  private readonly concurrency: number;
  private readonly fixedSettleMs: number | undefined;
  private readonly settlePollMs: number;
  private readonly settleTimeoutOption: number | undefined;
  private readonly phases = new Map<number, string>();
  private readonly closing = new AbortController();
  private closed = false;
  /** Set when the application begins to close: jobs under way end, no new one starts. */
  private stopping = false;
  private readonly rounds = new Set<Promise<number>>();
  private readonly checksumConcurrency: number;
  private readonly checksumBatch: BatchLimits | undefined;
  /** Checksum jobs under way, beside the rounds. */
  private readonly checksumJobs = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly gateway: SshGateway,
    private readonly host: (address: string) => SshHost,
    private readonly routers: DataRouterCleanliness,
    options: JobRunnerOptions = {},
    /** Called when a job's phase changes (jobs.list shows it). */
    private readonly announce: () => void = () => undefined,
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.fixedSettleMs = options.settleMs === undefined ? undefined : Math.max(0, options.settleMs);
    this.settlePollMs = Math.max(10, options.settlePollMs ?? DEFAULT_SETTLE_POLL_MS);
    this.settleTimeoutOption = options.settleTimeoutMs;
    this.checksumConcurrency = Math.max(1, options.checksumConcurrency ?? 2);
    this.checksumBatch = options.checksumBatch;
    // A job left 'running' by an application that ended mid-way is simply tried again.
    resetRunningJobs(store);
  }

  /** Tries per job: a job failed after this many is failed for good (an alarm). */
  get attemptsAllowed(): number {
    return this.maxAttempts;
  }

  /** The settle time now: the option, or the operator's setting. */
  get settleMs(): number {
    return this.fixedSettleMs ?? readSettings(this.store).settleSeconds * 1000;
  }

  /** The bound on a router still writing, never below the settle time it waits for. */
  private settleTimeoutFor(settleMs: number): number {
    return Math.max(settleMs, this.settleTimeoutOption ?? DEFAULT_SETTLE_TIMEOUT_MS);
  }

  /** The jobs due now: pending, or failed with tries left and their pause over. */
  dueJobs(now = Date.now()): DueJob[] {
    return listDueJobs(this.store, this.maxAttempts, this.backoffMs, now);
  }

  /** What a running job is doing now (e.g. waiting for a router to finish writing); null when nothing is said. */
  phaseOf(jobId: number): string | null {
    return this.phases.get(jobId) ?? null;
  }

  /** One round: carries out every due job; resolves with how many were tried. */
  runDue(): Promise<number> {
    const round = this.runRound();
    this.rounds.add(round);
    void round.finally(() => this.rounds.delete(round)).catch(() => {});
    return round;
  }

  /**
   * A job that waits for its router holds one lane for a while, so a lane that is free looks
   * again for jobs pending since (queued, or asked to be tried again) rather than leaving them
   * to the next round; failed ones whose pause is over wait for the next round.
   */
  private async runRound(): Promise<number> {
    if (this.stopping) return 0;
    const taken = new Set<number>();
    const first = this.dueJobs();
    const nextJob = (): DueJob | undefined => {
      if (this.stopping) return undefined;
      const job = first.find((j) => !taken.has(j.id)) ?? this.dueJobs().find((j) => j.status === 'pending' && !taken.has(j.id));
      if (job) taken.add(job.id);
      return job;
    };
    const lane = async (): Promise<void> => {
      for (let job = nextJob(); job && !this.stopping; job = nextJob()) {
        if (job.kind === 'checksum_files') this.startChecksumJob(job);
        else await this.runOne(job);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, first.length) }, lane));
    return taken.size;
  }

  /** A checksum job runs beside the round (no lane held); beyond the limit it waits for a later round. */
  private startChecksumJob(job: DueJob): void {
    if (this.checksumJobs.size >= this.checksumConcurrency) return;
    const work = this.runOne(job).finally(() => this.checksumJobs.delete(work));
    this.checksumJobs.add(work);
  }

  /**
   * Starts no more jobs; the ones under way go on (close() makes them write nothing), but one
   * waiting for its router to finish writing gives up at once (it is tried again at the next start).
   */
  stop(): void {
    this.stopping = true;
    this.closing.abort();
  }

  /** Resolves when the rounds under way, and the checksum jobs beside them, have ended. */
  async idle(): Promise<void> {
    while (this.rounds.size > 0 || this.checksumJobs.size > 0) await Promise.allSettled([...this.rounds, ...this.checksumJobs]);
  }

  close(): void {
    this.stopping = true;
    this.closed = true;
    this.closing.abort();
  }

  private setPhase(job: DueJob, phase: string | null): void {
    if (this.closed || (this.phases.get(job.id) ?? null) === phase) return;
    if (phase === null) this.phases.delete(job.id);
    else this.phases.set(job.id, phase);
    this.announce();
  }

  private async runOne(job: DueJob): Promise<void> {
    if (!claimJob(this.store, job)) return;
    let outcome: Outcome;
    try {
      outcome = job.kind === 'organize_files' ? await this.organize(job) : job.kind === 'backup_configs' ? await this.backup(job) : await this.checksum(job);
    } catch (error) {
      outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.setPhase(job, null);
    }
    if (this.closed) return;
    const what = describeJob(job);
    finishJob(
      this.store,
      job,
      outcome,
      {
        experimentId: job.experimentId,
        level: outcome.ok ? 'info' : 'error',
        source: 'ssh',
        subject: job.targetName,
        message: outcome.ok ? `${what}: ${outcome.message}` : `${what} failed: ${outcome.message}`,
        details: `job #${job.id}, attempt ${job.attempts + 1} of ${this.maxAttempts}`,
      },
      outcome.ok ? outcome.andThen : undefined,
    );
    if (outcome.ok && job.kind === 'organize_files') await this.recheck(job);
  }

  /**
   * Waits until the staging folder's files stand still, moves exactly those, then looks again:
   * files written meanwhile (or still growing at the move) are waited for and moved in turn.
   */
  private async organize(job: DueJob): Promise<Outcome> {
    const details = JSON.parse(job.details) as { address: string; port: number; folder: string };
    const { experiment, runNumber } = parseRunFolder(details.folder);
    const host = this.host(details.address);
    const staging = await this.gateway.locateStaging(host, details.port);
    if (staging.kind !== 'found') return { ok: false, message: `staging directory not found: ${describeStagingAnswer(staging)}` };
    const stagingDirectory = staging.directory;
    // Read once per job: the waits and the messages of one job keep the settle time it began with.
    const settleMs = this.settleMs;
    const settleTimeoutMs = this.settleTimeoutFor(settleMs);
    const giveUpAt = Date.now() + settleTimeoutMs;
    let moved = 0;
    let destination = '';
    for (;;) {
      const still = await this.waitForStillFiles(job, host, stagingDirectory, settleMs, giveUpAt);
      if (still.kind === 'closed') return { ok: false, message: 'the application closed while waiting' };
      if (still.kind === 'writing') {
        const names = still.changing.length > 0 ? still.changing.join(', ') : 'none named';
        return {
          ok: false,
          message:
            `${moved} file(s) moved; ${job.targetName} did not finish writing: its .graw files were still changing after ` +
            `${duration(settleTimeoutMs)} (last changed: ${names}), left in place`,
        };
      }
      const files = still.files;
      if (files.length === 0) break;
      this.setPhase(job, `moving ${files.length} file(s) of ${job.targetName}`);
      const answer = await this.gateway.organizeFiles(host, { port: details.port, experiment, runNumber, files, stagingDirectory });
      if (!answer.result) {
        const now = answer.staging.kind === 'found' ? `it is now ${answer.staging.directory}` : describeStagingAnswer(answer.staging);
        return { ok: false, message: `${moved} file(s) moved; the staging directory of ${job.targetName} was ${stagingDirectory}, ${now}: nothing more touched` };
      }
      moved += answer.result.moved;
      destination = answer.result.destination;
      const failed = organizeOutcome({ ...answer.result, moved });
      if (!failed.ok) return failed;
      // Files that changed at the move, or new ones, are still there: the next listing finds them.
      this.setPhase(job, `looking for new files of ${job.targetName}`);
      const after = await this.gateway.snapshotStaging(host, stagingDirectory);
      if (after.length === 0) break;
      // Files that settle and change again at every move are still being written: bounded too.
      if (Date.now() >= giveUpAt) {
        return { ok: false, message: `${moved} file(s) moved; ${job.targetName} was still writing after ${duration(settleTimeoutMs)}: ${after.map((f) => f.name).join(', ')} left in place` };
      }
    }
    // Queued even when nothing was left to move: an earlier try (cut short) may have moved them all.
    const runFolder = runFolderPath(stagingDirectory, experiment, runNumber);
    return {
      ok: true,
      message: moved === 0 && destination === '' ? 'no file to move' : `${moved} file(s) moved to ${destination}`,
      andThen: () => queueChecksumJob(this.store, job, { address: details.address, folder: runFolder }),
    };
  }

  /** Hashes the run folder's files on the worker computer, writes its manifest, and keeps the list with the run. */
  private async checksum(job: DueJob): Promise<Outcome> {
    const details = JSON.parse(job.details) as ChecksumJobDetails;
    const result = await makeManifest(this.gateway, this.host(details.address), { ...job, details }, {
      ...(this.checksumBatch ? { batch: this.checksumBatch } : {}),
      stopping: () => this.stopping,
      progress: (phase) => this.setPhase(job, phase),
    });
    return { ok: true, message: result.message, andThen: () => saveManifest(this.store, result.manifest) };
  }

  /**
   * Lists the staging folder every settlePollMs until its `.graw` files have stood still for
   * settleMs (each listing a short SSH task of its own), or until `giveUpAt` or the runner closes.
   */
  private async waitForStillFiles(job: DueJob, host: SshHost, stagingDirectory: string, settleMs: number, giveUpAt: number): Promise<StillFiles> {
    const watch = new SettleWatch(settleMs);
    for (;;) {
      if (this.stopping) return { kind: 'closed' };
      const files = await this.gateway.snapshotStaging(host, stagingDirectory);
      const now = Date.now();
      const verdict = watch.observe(files, now);
      if (verdict.settled) return { kind: 'still', files };
      if (now >= giveUpAt) return { kind: 'writing', changing: verdict.changing };
      this.setPhase(job, `waiting for ${job.targetName} to finish writing`);
      await sleep(Math.min(this.settlePollMs, Math.max(0, verdict.stillSince + settleMs - now)), this.closing.signal);
    }
  }

  private async backup(job: DueJob): Promise<Outcome> {
    const details = JSON.parse(job.details) as { address: string; configRoot: string; backupFolder: string; files: string[] };
    if (details.files.length === 0) return { ok: false, message: 'no config set was selected at Stop: nothing to back up' };
    const result = await this.gateway.backupConfigs(this.host(details.address), details);
    const outcome = backupOutcome(result);
    const changed = this.compareWithStart(job, result);
    if (changed.length === 0) return outcome;
    return { ok: outcome.ok, message: `${outcome.message}; ${changed.join('; ')}` };
  }

  /**
   * Each copied file's hash against the one read just before the run's start: a file changed
   * during the run is a warning in the log and on the run (its run sheet row), kept with the hashes.
   */
  private compareWithStart(job: DueJob, result: BackupResult): string[] {
    const copied = result.files.flatMap((f) => (f.status === 'copied' || f.status === 'already-backed-up' ? [{ name: f.name, sha256: f.sha256 }] : []));
    if (this.closed || copied.length === 0) return [];
    return this.store.write(['run_config', 'log_entry'], () =>
      recordBackupHashes(this.store, job.runId, job.targetId, copied, nowIso()).map((file) => {
        const text = changedDuringRunText(file.name, file.eccServer, job.runNumber);
        insertLogEntry(this.store, {
          experimentId: job.experimentId,
          level: 'warning',
          source: 'ssh',
          subject: job.targetName,
          message: text,
          details: `SHA-256 just before the start ${file.startSha256}, at the backup after Stop ${file.backupSha256} (job #${job.id}, backup in ${result.backupFolder})`,
        });
        return text;
      }),
    );
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

function duration(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** Resolves after `ms`, or at once when the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
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
