// The manifest of each router's run folder (issue 13): what a run wrote, verifiable later. After a
// router's files are organized, its checksum_files job (job-runner.ts) lists the run folder, hashes
// every `.graw` file ON the worker computer (`sha256sum`, in batches: checksums.ts), writes
// MANIFEST.sha256 (or MANIFEST.sizes where the experiment turned checksums off) into the folder,
// and the list is kept with the run. runs.verify measures the folders again, in the background,
// and compares: files added, missing or changed. A mismatch is logged in ONE place,
// reportManifestMismatch, and kept with the manifest: the manifestMismatch alarm holds while a
// folder's last verification found one (listManifestMismatches).
import type { ManifestFile, ManifestVerification, RunManifest, RunManifests, Started } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';
import { resolveExperiment } from '../experiments/queries';
import { insertLogEntry } from '../log/queries';
import { findRun, settleRunDataFlow } from '../runsheet/queries';
import { nowIso } from '../time';
import { checksumBatches, manifestText, type BatchLimits, type MeasuredFile } from '../worker-node/checksums';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';

// --- The database ----------------------------------------------------------------------------

interface ManifestRow {
  id: number;
  run_id: number;
  data_router_id: number;
  data_router_name: string;
  address: string;
  folder: string;
  manifest_file: string;
  checksums: number;
  made_at: string;
  verified_at: string | null;
  verify_report: string | null;
}

/** A manifest as the checksum job made it, before it is kept. */
export interface NewManifest {
  runId: number;
  dataRouterId: number;
  dataRouterName: string;
  address: string;
  folder: string;
  manifestFile: string;
  checksums: boolean;
  files: MeasuredFile[];
}

/**
 * Keeps a router's manifest of a run, replacing an earlier one (a job tried again), and settles the
 * run's files and bytes on that router by it. Call inside `store.write(['run_manifest', 'run', 'run_data_flow'], …)`.
 */
export function saveManifest(store: Store, manifest: NewManifest): void {
  const madeAt = nowIso();
  store.db.prepare('DELETE FROM run_manifest WHERE run_id = ? AND data_router_id = ?').run(manifest.runId, manifest.dataRouterId);
  const id = Number(
    store.db
      .prepare(
        `INSERT INTO run_manifest (run_id, data_router_id, data_router_name, address, folder, manifest_file, checksums, made_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(manifest.runId, manifest.dataRouterId, manifest.dataRouterName, manifest.address, manifest.folder, manifest.manifestFile, manifest.checksums ? 1 : 0, madeAt)
      .lastInsertRowid,
  );
  const insert = store.db.prepare('INSERT INTO run_manifest_file (manifest_id, name, size, sha256) VALUES (?, ?, ?, ?)');
  for (const file of manifest.files) insert.run(id, file.name, file.size, file.sha256);
  settleRunDataFlow(
    store,
    manifest.runId,
    { dataRouterId: manifest.dataRouterId, name: manifest.dataRouterName },
    { files: manifest.files.length, bytes: manifest.files.reduce((sum, f) => sum + f.size, 0), madeAt },
  );
}

function filesOf(store: Store, manifestId: number): ManifestFile[] {
  return store.db.prepare('SELECT name, size, sha256 FROM run_manifest_file WHERE manifest_id = ? ORDER BY name').all(manifestId) as ManifestFile[];
}

function listManifestRows(store: Store, runId: number): ManifestRow[] {
  return store.db.prepare('SELECT * FROM run_manifest WHERE run_id = ? ORDER BY data_router_name, id').all(runId) as ManifestRow[];
}

/** The run named by id, or by number in an experiment (the active one unless named). */
export function resolveRun(store: Store, ref: { runId?: number | undefined; runNumber?: number | undefined; experimentId?: number | undefined }): { id: number; number: number; experimentId: number } {
  if (ref.runId !== undefined) {
    const run = findRun(store, ref.runId);
    if (!run) throw new ApiError('NOT_FOUND', `There is no run with id ${ref.runId}`, 'runId');
    return { id: run.id, number: run.number, experimentId: run.experimentId };
  }
  const experiment = resolveExperiment(store, ref.experimentId);
  const row = store.db.prepare('SELECT id, number FROM run WHERE experiment_id = ? AND number = ?').get(experiment.id, ref.runNumber ?? -1) as
    | { id: number; number: number }
    | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `Experiment "${experiment.name}" has no run ${String(ref.runNumber)}`, 'runNumber');
  return { ...row, experimentId: experiment.id };
}

/** A run's manifests with their last verifications; `verifying` says which folders are being verified now. */
export function listRunManifests(store: Store, run: { id: number; number: number }, verifying: (runId: number, dataRouterId: number) => boolean): RunManifests {
  const manifests: RunManifest[] = listManifestRows(store, run.id).map((row) => {
    const files = filesOf(store, row.id);
    return {
      dataRouterId: row.data_router_id,
      dataRouterName: row.data_router_name,
      address: row.address,
      folder: row.folder,
      manifestFile: row.manifest_file,
      checksums: row.checksums === 1,
      madeAt: row.made_at,
      files,
      totalBytes: files.reduce((sum, f) => sum + f.size, 0),
      verification: row.verify_report === null ? null : (JSON.parse(row.verify_report) as ManifestVerification),
      verifying: verifying(run.id, row.data_router_id),
    };
  });
  const unfinished = store.db
    .prepare("SELECT target_name, status, last_error FROM job WHERE run_id = ? AND kind = 'checksum_files' AND status <> 'done' ORDER BY target_name")
    .all(run.id) as { target_name: string; status: RunManifests['unfinished'][number]['status']; last_error: string }[];
  return { runId: run.id, runNumber: run.number, manifests, unfinished: unfinished.map((j) => ({ dataRouterName: j.target_name, status: j.status, lastError: j.last_error })) };
}

// --- Measuring a run folder on its worker computer -------------------------------------------

export interface MeasureOptions {
  batch?: BatchLimits;
  /** Checked between batches: true ends the measure early (the application is closing). */
  stopping?: () => boolean;
  /** Said before each batch, e.g. `hashing files 65-128 of 300`. */
  progress?: (phase: string) => void;
}

/** The run folder was not measured to the end (the application is closing). */
export class MeasureStoppedError extends Error {
  override name = 'MeasureStoppedError';
}

/**
 * The `.graw` files of a run folder with their sizes and, with `checksums`, their SHA-256,
 * computed by sha256sum on the worker computer one batch (one SSH task) at a time, so that the
 * periodic checks of that computer keep their turns. Null when the folder does not exist.
 */
export async function measureRunFolder(
  gateway: SshGateway,
  host: SshHost,
  folder: string,
  checksums: boolean,
  options: MeasureOptions = {},
): Promise<MeasuredFile[] | null> {
  const listed = await gateway.listRunFiles(host, folder);
  if (listed === null) return null;
  if (!checksums) return listed.map((f) => ({ name: f.name, size: f.size, sha256: null }));
  const hashes = new Map<string, string>();
  let done = 0;
  for (const batch of checksumBatches(folder, listed, options.batch)) {
    if (options.stopping?.()) throw new MeasureStoppedError('the application is closing');
    options.progress?.(`hashing file${batch.length === 1 ? '' : 's'} ${done + 1}${batch.length === 1 ? '' : `-${done + batch.length}`} of ${listed.length}`);
    const answer = await gateway.checksumFiles(host, { folder, names: batch.map((f) => f.name) });
    for (const [name, hash] of Object.entries(answer)) hashes.set(name, hash);
    done += batch.length;
  }
  return listed.map((f) => ({ name: f.name, size: f.size, sha256: hashes.get(f.name) ?? null }));
}

// --- The checksum job ------------------------------------------------------------------------

/** What a checksum_files job carries (queued by jobs.ts queueChecksumJob). */
export interface ChecksumJobDetails {
  address: string;
  /** The absolute run folder. */
  folder: string;
  experiment: string;
  checksums: boolean;
}

export interface ChecksumJobResult {
  message: string;
  manifest: NewManifest;
}

/**
 * The work of one checksum_files job: measure the folder, write its manifest there (never over
 * another one), and return the list to keep with the run. A folder that does not exist, or holds
 * no file, gets no manifest: the router wrote nothing for this run (kept as an empty list).
 */
export async function makeManifest(
  gateway: SshGateway,
  host: SshHost,
  job: { runId: number; runNumber: number; targetId: number; targetName: string; details: ChecksumJobDetails },
  options: MeasureOptions = {},
): Promise<ChecksumJobResult> {
  const { address, folder, experiment, checksums } = job.details;
  const files = (await measureRunFolder(gateway, host, folder, checksums, options)) ?? [];
  const base = { runId: job.runId, dataRouterId: job.targetId, dataRouterName: job.targetName, address, folder, checksums, files };
  if (files.length === 0) return { message: `no .graw file in ${folder}: no manifest written`, manifest: { ...base, manifestFile: '' } };
  const manifest = manifestText(files, { experiment, runNumber: job.runNumber, dataRouter: job.targetName });
  options.progress?.(`writing ${manifest.name}`);
  const written = await gateway.writeManifest(host, { folder, name: manifest.name, text: manifest.text });
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const what = checksums ? `SHA-256 of ${files.length} file(s)` : `sizes of ${files.length} file(s) (checksums off)`;
  return {
    message: `${what}, ${bytes} bytes, in ${written.path}${written.status === 'already-written' ? ' (already there, the same)' : ''}`,
    manifest: { ...base, manifestFile: manifest.name },
  };
}

// --- Verifying -------------------------------------------------------------------------------

/** The folder as found now against the manifest kept: with checksums the hashes count, else the sizes. */
export function compareWithManifest(kept: readonly ManifestFile[], found: readonly MeasuredFile[] | null, checksums: boolean): Omit<ManifestVerification, 'at' | 'problem'> {
  const now = new Map((found ?? []).map((f) => [f.name, f]));
  const listed = new Set(kept.map((f) => f.name));
  const missing = kept.filter((f) => !now.has(f.name)).map((f) => f.name);
  const added = (found ?? []).filter((f) => !listed.has(f.name)).map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }));
  const changed: ManifestVerification['changed'] = [];
  for (const expected of kept) {
    const seen = now.get(expected.name);
    if (!seen) continue;
    if (seen.size !== expected.size || (checksums && seen.sha256 !== expected.sha256)) {
      changed.push({ name: expected.name, expected, found: { name: seen.name, size: seen.size, sha256: seen.sha256 } });
    }
  }
  return { ok: missing.length === 0 && added.length === 0 && changed.length === 0, added, missing, changed };
}

function summary(report: ManifestVerification): string {
  if (report.problem !== null) return `not verified: ${report.problem}`;
  const parts = [
    ...(report.changed.length > 0 ? [`${report.changed.length} changed (${report.changed.map((c) => c.name).join(', ')})`] : []),
    ...(report.missing.length > 0 ? [`${report.missing.length} missing (${report.missing.join(', ')})`] : []),
    ...(report.added.length > 0 ? [`${report.added.length} added (${report.added.map((a) => a.name).join(', ')})`] : []),
  ];
  return parts.length === 0 ? 'every file as in the manifest' : parts.join('; ');
}

/**
 * THE place where a run folder found different from its manifest is logged: an error (files
 * changed or missing: data lost or altered), a warning when files were only added. The alarm
 * comes from the verification kept with the manifest (listManifestMismatches). Call inside
 * `store.write(['log_entry', …], …)`.
 */
export function reportManifestMismatch(
  store: Store,
  mismatch: { experimentId: number; runNumber: number; dataRouterName: string; folder: string; report: ManifestVerification; who: string },
): void {
  const { report } = mismatch;
  const lost = report.changed.length > 0 || report.missing.length > 0;
  insertLogEntry(store, {
    experimentId: mismatch.experimentId,
    level: lost ? 'error' : 'warning',
    source: 'ssh',
    subject: mismatch.dataRouterName,
    message: `Run ${mismatch.runNumber} on ${mismatch.dataRouterName} differs from its manifest: ${summary(report)}`,
    details: `${mismatch.folder}; verified at ${report.at} (asked by ${mismatch.who})`,
  });
}

function recordVerification(store: Store, run: { id: number; number: number; experimentId: number }, row: ManifestRow, report: ManifestVerification, who: string): void {
  store.write(['run_manifest', 'log_entry'], () => {
    store.db.prepare('UPDATE run_manifest SET verified_at = ?, verify_report = ? WHERE id = ?').run(report.at, JSON.stringify(report), row.id);
    const where = { experimentId: run.experimentId, subject: row.data_router_name, source: 'ssh', details: `${row.folder} (asked by ${who})` };
    if (report.problem !== null) {
      insertLogEntry(store, { ...where, level: 'error', message: `Verifying the files of run ${run.number} on ${row.data_router_name} failed: ${report.problem}` });
    } else if (report.ok) {
      insertLogEntry(store, { ...where, level: 'info', message: `Verified the files of run ${run.number} on ${row.data_router_name}: ${summary(report)}` });
    } else {
      reportManifestMismatch(store, { experimentId: run.experimentId, runNumber: run.number, dataRouterName: row.data_router_name, folder: row.folder, report, who });
    }
  });
}

/** A run folder of the experiment whose last verification found it different from its manifest. */
export interface ManifestMismatch {
  runId: number;
  runNumber: number;
  dataRouterId: number;
  dataRouterName: string;
  verifiedAt: string;
  /** e.g. `1 changed (run_0137-CoBo0.graw)`. */
  summary: string;
}

/** The folders whose last verification found files added, missing or changed (the manifestMismatch alarm). */
export function listManifestMismatches(store: Store, experimentId: number): ManifestMismatch[] {
  const rows = store.db
    .prepare(
      // Judged every second by the alarms: only the mismatched reports are read and parsed.
      `SELECT m.*, r.number AS run_number FROM run_manifest m JOIN run r ON r.id = m.run_id
       WHERE r.experiment_id = ? AND json_extract(m.verify_report, '$.ok') = 0 AND json_extract(m.verify_report, '$.problem') IS NULL
       ORDER BY r.number, m.data_router_name`,
    )
    .all(experimentId) as (ManifestRow & { run_number: number; verify_report: string })[];
  return rows.map((row) => {
    const report = JSON.parse(row.verify_report) as ManifestVerification;
    return { runId: row.run_id, runNumber: row.run_number, dataRouterId: row.data_router_id, dataRouterName: row.data_router_name, verifiedAt: report.at, summary: summary(report) };
  });
}

/** runs.verify: every router's run folder measured again in the background and compared with its manifest. */
export class RunVerifier {
  /** `runId:dataRouterId` of the folders being verified now. */
  private readonly under = new Set<string>();
  private closed = false;
  private readonly work = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly gateway: SshGateway,
    private readonly host: (address: string) => SshHost,
    /** Called when a verification begins or ends (runs.manifests shows it). */
    private readonly announce: () => void = () => undefined,
    private readonly options: { batch?: BatchLimits } = {},
  ) {}

  verifying(runId: number, dataRouterId: number): boolean {
    return this.under.has(`${runId}:${dataRouterId}`);
  }

  verify(ref: { runId?: number | undefined; runNumber?: number | undefined; experimentId?: number | undefined }, who: string): Started {
    const run = resolveRun(this.store, ref);
    const what = `Verifying the files of run ${run.number}`;
    if (this.closed) throw new ApiError('REFUSED', `${what} refused: the application is closing`);
    const rows = listManifestRows(this.store, run.id);
    const open = this.store.db
      .prepare("SELECT target_name, status FROM job WHERE run_id = ? AND kind = 'checksum_files' AND status <> 'done' ORDER BY target_name")
      .all(run.id) as { target_name: string; status: string }[];
    if (rows.length === 0) {
      const why = open.length > 0 ? `its manifests are not made yet (${open.map((j) => `${j.target_name}: ${j.status}`).join(', ')})` : 'it has no manifest (its files were never organized by this application)';
      throw new ApiError('REFUSED', `${what} refused: ${why}`, ref.runId === undefined ? 'runNumber' : 'runId');
    }
    if (rows.some((r) => this.verifying(run.id, r.data_router_id))) throw new ApiError('REFUSED', `${what} refused: they are being verified already`);
    for (const row of rows) this.under.add(`${run.id}:${row.data_router_id}`);
    this.announce();
    // One router after another on each computer is the gateway's business (its per-host limit); routers are verified side by side.
    for (const row of rows) {
      const task = this.verifyOne(run, row, who).finally(() => {
        this.under.delete(`${run.id}:${row.data_router_id}`);
        this.work.delete(task);
        if (!this.closed) this.announce();
      });
      this.work.add(task);
    }
    return { started: nowIso() };
  }

  private async verifyOne(run: { id: number; number: number; experimentId: number }, row: ManifestRow, who: string): Promise<void> {
    const kept = filesOf(this.store, row.id);
    const checksums = row.checksums === 1;
    let report: ManifestVerification;
    try {
      const found = await measureRunFolder(this.gateway, this.host(row.address), row.folder, checksums, { ...this.options, stopping: () => this.closed });
      report = { at: nowIso(), ...compareWithManifest(kept, found, checksums), problem: null };
    } catch (error) {
      report = { at: nowIso(), ok: false, added: [], missing: [], changed: [], problem: error instanceof Error ? error.message : String(error) };
    }
    if (this.closed) return;
    recordVerification(this.store, run, row, report, who);
  }

  /** Resolves when the verifications under way have ended. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  close(): void {
    this.closed = true;
  }
}
