// The after-stop jobs (DOMAIN.md "Runs"): for every data router, move the run's .graw files into
// `<staging>/<experiment>/run_NNNN/`; for every ECC server, copy its three selected config files
// into `<config_backup_root>/<experiment>/run_NNNN/`. Queued with the stop of the run, in the
// same transaction; carried out over SSH by job-runner.ts. Once a router's files are organized, a
// checksum_files job is queued in the same transaction as that job's end: it hashes the run folder's
// files and writes its manifest (manifests.ts). A next run never waits for it: its files are safe
// where they are, and the checklist's `jobs` item and the pending count leave it out.
import type { Job, JobKind, JobStatus } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';
import { listServerTargets } from '../ecc/control/queries';
import { findExperiment } from '../experiments/queries';
import { insertLogEntry, type NewLogEntry } from '../log/queries';
import { listDataRouters, listEccServers } from '../setup/queries';
import { nowIso } from '../time';
import { runFolderName } from '../worker-node/remote-paths';
import { configFileNames } from './config-files';

interface JobRow {
  id: number;
  kind: JobKind;
  experiment_id: number;
  run_id: number;
  run_number: number;
  target_id: number;
  target_name: string;
  details: string;
  status: JobStatus;
  attempts: number;
  last_error: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function toJob(row: JobRow, phaseOf: (jobId: number) => string | null = () => null): Job {
  return {
    id: row.id,
    kind: row.kind,
    experimentId: row.experiment_id,
    runId: row.run_id,
    runNumber: row.run_number,
    targetId: row.target_id,
    targetName: row.target_name,
    details: JSON.parse(row.details) as Record<string, unknown>,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    // Only a running job is doing something; a phase left over from a try that ended is not shown.
    phase: row.status === 'running' ? phaseOf(row.id) : null,
  };
}

interface NewJob {
  kind: JobKind;
  experimentId: number;
  runId: number;
  runNumber: number;
  targetId: number;
  targetName: string;
  details: Record<string, unknown>;
}

function insertJob(store: Store, job: NewJob): number {
  const info = store.db
    .prepare(
      `INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, details, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(job.kind, job.experimentId, job.runId, job.runNumber, job.targetId, job.targetName, JSON.stringify(job.details), nowIso());
  return Number(info.lastInsertRowid);
}

/**
 * Queues the after-stop jobs of a run: one per data router, one per ECC server, each with what
 * it needs as it is now. Call inside `store.write([..., 'job'], …)`.
 */
export function queueAfterStopJobs(store: Store, experimentId: number, run: { id: number; number: number }): number {
  const experiment = findExperiment(store, experimentId);
  if (!experiment) throw new Error(`Experiment #${experimentId} is missing`);
  // `<experiment>/run_0007`, as taken at stop time: the jobs read it back (parseRunFolder).
  const folder = `${experiment.name}/${runFolderName(run.number)}`;
  let count = 0;
  for (const router of listDataRouters(store, experimentId)) {
    insertJob(store, {
      kind: 'organize_files',
      experimentId,
      runId: run.id,
      runNumber: run.number,
      targetId: router.id,
      targetName: router.name,
      details: { address: router.address, port: router.port, folder },
    });
    count++;
  }
  const targets = new Map(listServerTargets(store, experimentId).map((t) => [t.id, t]));
  for (const server of listEccServers(store, experimentId)) {
    const set = targets.get(server.id)?.configSet ?? null;
    insertJob(store, {
      kind: 'backup_configs',
      experimentId,
      runId: run.id,
      runNumber: run.number,
      targetId: server.id,
      targetName: server.name,
      details: {
        address: server.address,
        configRoot: server.configRoot,
        backupFolder: `${server.configBackupRoot}/${folder}`,
        files: set ? configFileNames(set) : [],
      },
    });
    count++;
  }
  return count;
}

export function listJobs(
  store: Store,
  filter: { experimentId: number; status?: JobStatus | undefined; limit: number },
  phaseOf?: (jobId: number) => string | null,
): Job[] {
  const rows = (
    filter.status === undefined
      ? store.db.prepare('SELECT * FROM job WHERE experiment_id = ? ORDER BY id DESC LIMIT ?').all(filter.experimentId, filter.limit)
      : store.db
          .prepare('SELECT * FROM job WHERE experiment_id = ? AND status = ? ORDER BY id DESC LIMIT ?')
          .all(filter.experimentId, filter.status, filter.limit)
  ) as JobRow[];
  return rows.map((row) => toJob(row, phaseOf));
}

/** An experiment's jobs that failed on their last try (`maxAttempts` used): nothing tries them again unless an operator does. */
export function listJobsFailedForGood(store: Store, experimentId: number, maxAttempts: number): Job[] {
  const rows = store.db
    .prepare("SELECT * FROM job WHERE experiment_id = ? AND status = 'failed' AND attempts >= ? ORDER BY id")
    .all(experimentId, maxAttempts) as JobRow[];
  return rows.map((row) => toJob(row));
}

/** A run's after-stop jobs, oldest first. */
export function listJobsOfRun(store: Store, runId: number): Job[] {
  return (store.db.prepare('SELECT * FROM job WHERE run_id = ? ORDER BY id').all(runId) as JobRow[]).map((row) => toJob(row));
}

export function findJob(store: Store, id: number): Job | undefined {
  const row = store.db.prepare('SELECT * FROM job WHERE id = ?').get(id) as JobRow | undefined;
  return row ? toJob(row) : undefined;
}

/** `Organizing the files of run 7 on DataRouter0`: how the log names a job. */
export function describeJob(job: { kind: JobKind; runNumber: number; targetName: string }): string {
  return `${JOB_WORK[job.kind]} of run ${job.runNumber} on ${job.targetName}`;
}

const JOB_WORK: Record<JobKind, string> = {
  organize_files: 'Organizing the files',
  backup_configs: 'Backing up the configs',
  checksum_files: 'Making the manifest',
};

/** What a next run waits for: its routers clean, the configs kept (a checksum job is not waited for). */
const AWAITED_KINDS = "kind IN ('organize_files', 'backup_configs')";

/**
 * Queues the checksum job of a router whose files of a run were organized into `folder` (the
 * absolute run folder), with the experiment's checksum setting as it is now. Call inside the
 * transaction that ends the organize job; queued once per run and router.
 */
export function queueChecksumJob(store: Store, organized: { experimentId: number; runId: number; runNumber: number; targetId: number; targetName: string }, details: { address: string; folder: string }): void {
  const experiment = findExperiment(store, organized.experimentId);
  if (!experiment) throw new Error(`Experiment #${organized.experimentId} is missing`);
  store.db
    .prepare(
      `INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, details, created_at)
       VALUES ('checksum_files', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, run_id, target_id) DO NOTHING`,
    )
    .run(
      organized.experimentId,
      organized.runId,
      organized.runNumber,
      organized.targetId,
      organized.targetName,
      JSON.stringify({ address: details.address, folder: details.folder, experiment: experiment.name, checksums: experiment.checksums }),
      nowIso(),
    );
}

/**
 * An operator's "try again" of a failed job: pending again with its tries counted from zero.
 * Its failure stays in the log (the entries of each try, and one saying it is tried again).
 */
export function retryJob(store: Store, id: number, who: string): Job {
  return store.write(['job', 'log_entry'], () => {
    const job = findJob(store, id);
    if (!job) throw new ApiError('NOT_FOUND', `No after-stop job #${id}`, 'id');
    if (job.status !== 'failed') {
      const why = { pending: 'is waiting for its turn', running: 'is being carried out now', done: 'is done' }[job.status];
      throw new ApiError('REFUSED', `Job #${id} ${why}: only a failed job can be tried again`, 'id');
    }
    store.db
      .prepare("UPDATE job SET status = 'pending', attempts = 0, last_error = '', started_at = NULL, finished_at = NULL WHERE id = ? AND status = 'failed'")
      .run(id);
    insertLogEntry(store, {
      experimentId: job.experimentId,
      level: 'info',
      source: 'ssh',
      subject: job.targetName,
      message: `${describeJob(job)}: tried again (asked by ${who})`,
      details: `job #${id} had failed after ${job.attempts} attempt(s): ${job.lastError}`,
    });
    return findJob(store, id) as Job;
  });
}

/** The organize job of a router not yet done (pending, running, or failed with tries left to the runner). */
export function findOpenOrganizeJob(store: Store, dataRouterId: number): { id: number; runNumber: number; status: JobStatus } | undefined {
  const row = store.db
    .prepare("SELECT id, run_number, status FROM job WHERE kind = 'organize_files' AND target_id = ? AND status IN ('pending', 'running') ORDER BY id LIMIT 1")
    .get(dataRouterId) as { id: number; run_number: number; status: JobStatus } | undefined;
  return row ? { id: row.id, runNumber: row.run_number, status: row.status } : undefined;
}

/** The organize and backup jobs not done yet (a checksum job keeps nothing from going on). */
export function countPendingJobs(store: Store, experimentId: number): number {
  return (
    store.db.prepare(`SELECT count(*) AS n FROM job WHERE experiment_id = ? AND status IN ('pending', 'running') AND ${AWAITED_KINDS}`).get(experimentId) as {
      n: number;
    }
  ).n;
}

/** How many of a run's after-stop jobs that a next start waits for are not done yet, by status (checksum jobs left out). */
export function unfinishedJobsOfRun(store: Store, runId: number): { pending: number; failed: number } {
  const row = store.db
    .prepare(
      `SELECT coalesce(sum(status IN ('pending', 'running')), 0) AS pending, coalesce(sum(status = 'failed'), 0) AS failed
       FROM job WHERE run_id = ? AND ${AWAITED_KINDS}`,
    )
    .get(runId) as { pending: number; failed: number };
  return { pending: row.pending, failed: row.failed };
}

// --- Carrying them out (job-runner.ts) --------------------------------------------------------

/** A job that is due, as the runner needs it. */
export interface DueJob {
  id: number;
  kind: JobKind;
  experimentId: number;
  runId: number;
  runNumber: number;
  targetId: number;
  targetName: string;
  /** JSON, as queued (see queueAfterStopJobs). */
  details: string;
  attempts: number;
  /** Pending (never tried, or asked to be tried again), or failed with tries left. */
  status: 'pending' | 'failed';
}

/**
 * Jobs left 'running' by an application that ended mid-way (killed, a power cut) become pending
 * again, each said in the log: the operator sees why a job is tried once more. A try cut short
 * leaves nothing half done: a file is moved by one rename, and the next try moves what is left.
 */
export function resetRunningJobs(store: Store): void {
  const running = store.db
    .prepare("SELECT id, kind, experiment_id, run_number, target_name, attempts, started_at FROM job WHERE status = 'running' ORDER BY id")
    .all() as { id: number; kind: JobKind; experiment_id: number; run_number: number; target_name: string; attempts: number; started_at: string | null }[];
  if (running.length === 0) return;
  store.write(['job', 'log_entry'], () => {
    const reset = store.db.prepare("UPDATE job SET status = 'pending' WHERE id = ? AND status = 'running'");
    for (const job of running) {
      reset.run(job.id);
      insertLogEntry(store, {
        experimentId: job.experiment_id,
        level: 'warning',
        source: 'ssh',
        subject: job.target_name,
        message: `${describeJob({ kind: job.kind, runNumber: job.run_number, targetName: job.target_name })} was under way when the application ended: tried again`,
        details: `job #${job.id}, attempt ${job.attempts} started at ${job.started_at ?? 'an unknown time'}`,
      });
    }
  });
}

/** Pending jobs, and failed ones tried fewer than `maxAttempts` times whose pause is over at `now`. */
export function listDueJobs(store: Store, maxAttempts: number, pauseMs: (attempts: number) => number, now: number): DueJob[] {
  const rows = store.db
    .prepare(
      `SELECT id, kind, experiment_id, run_id, run_number, target_id, target_name, details, attempts, status, finished_at FROM job
       WHERE status = 'pending' OR (status = 'failed' AND attempts < ?) ORDER BY id`,
    )
    .all(maxAttempts) as {
    id: number;
    kind: JobKind;
    experiment_id: number;
    run_id: number;
    run_number: number;
    target_id: number;
    target_name: string;
    details: string;
    attempts: number;
    status: JobStatus;
    finished_at: string | null;
  }[];
  return rows
    .filter((r) => r.status === 'pending' || Date.parse(r.finished_at ?? '') + pauseMs(r.attempts) <= now)
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      experimentId: r.experiment_id,
      runId: r.run_id,
      runNumber: r.run_number,
      targetId: r.target_id,
      targetName: r.target_name,
      details: r.details,
      attempts: r.attempts,
      status: r.status === 'pending' ? 'pending' : 'failed',
    }));
}

/** Marks a job running, only if it is still as it was read: a job is never carried out twice at once. */
export function claimJob(store: Store, job: DueJob): boolean {
  return (
    store.write(['job'], () =>
      store.db
        .prepare(
          "UPDATE job SET status = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL WHERE id = ? AND status IN ('pending', 'failed') AND attempts = ?",
        )
        .run(nowIso(), job.id, job.attempts),
    ).changes === 1
  );
}

/**
 * Records how a try ended, with its log entry, in one transaction; `andThen` writes what follows
 * from it in the same one (a done organize job queues its checksum job: never one without the other).
 */
export function finishJob(store: Store, job: DueJob, outcome: { ok: boolean; message: string }, log: NewLogEntry, andThen?: () => void): void {
  store.write(['job', 'log_entry', 'run_manifest', 'run', 'run_data_flow'], () => {
    store.db
      .prepare('UPDATE job SET status = ?, last_error = ?, finished_at = ? WHERE id = ?')
      .run(outcome.ok ? 'done' : 'failed', outcome.ok ? '' : outcome.message, nowIso(), job.id);
    insertLogEntry(store, log);
    andThen?.();
  });
}
