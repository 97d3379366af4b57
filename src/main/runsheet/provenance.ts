// A run's config provenance in the database (issue 13): what each ECC server was started with
// (set, the exact configID and table strings, its config files' SHA-256 just before the start),
// the same files' hashes at the backup after Stop, and what the run sheet marks from them (a
// short config hash, "config changed" against the previous run, files changed during the run).
// Writers must be called inside a `store.write([..., 'run_config'], …)` opened by the caller.
import { createHash } from 'node:crypto';
import type { RunConfigFile, RunConfigMark, RunServerConfig } from '../../shared/domain';
import type { Store } from '../db/store';

/** What Start all records per ECC server. */
export interface NewRunServerConfig {
  eccServerId: number;
  eccServer: string;
  address: string;
  configRoot: string;
  configSet: { describe: string; prepare: string; configure: string };
  configId: string;
  dataLinkTable: string;
  files: { name: string; sha256: string | null; bytes: number | null; problem: string }[];
}

export function recordRunConfig(store: Store, runId: number, servers: readonly NewRunServerConfig[]): void {
  const insertServer = store.db.prepare(
    `INSERT INTO run_config (run_id, ecc_server_id, ecc_server_name, address, config_root, describe, prepare, configure, config_id, data_link_table)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFile = store.db.prepare('INSERT INTO run_config_file (run_config_id, name, start_sha256, start_bytes, start_problem) VALUES (?, ?, ?, ?, ?)');
  for (const s of servers) {
    const info = insertServer.run(runId, s.eccServerId, s.eccServer, s.address, s.configRoot, s.configSet.describe, s.configSet.prepare, s.configSet.configure, s.configId, s.dataLinkTable);
    for (const f of s.files) {
      // A file without a hash always says why: never a silent gap.
      const problem = f.sha256 === null && f.problem === '' ? 'not read' : f.sha256 === null ? f.problem : '';
      insertFile.run(Number(info.lastInsertRowid), f.name, f.sha256, f.bytes, problem);
    }
  }
}

interface FileRow {
  run_id: number;
  run_config_id: number;
  ecc_server_id: number | null;
  ecc_server_name: string;
  name: string;
  start_sha256: string | null;
  start_bytes: number | null;
  start_problem: string;
  backup_sha256: string | null;
  backup_at: string | null;
}

function toFile(row: FileRow): RunConfigFile {
  return {
    name: row.name,
    startSha256: row.start_sha256,
    startBytes: row.start_bytes,
    startProblem: row.start_problem,
    backupSha256: row.backup_sha256,
    backupAt: row.backup_at,
    changedDuringRun: row.start_sha256 === null || row.backup_sha256 === null ? null : row.start_sha256 !== row.backup_sha256,
  };
}

/** The whole provenance of one run, by ECC server name. */
export function listRunConfig(store: Store, runId: number): RunServerConfig[] {
  const servers = store.db.prepare('SELECT * FROM run_config WHERE run_id = ? ORDER BY ecc_server_name').all(runId) as {
    id: number;
    ecc_server_id: number | null;
    ecc_server_name: string;
    address: string;
    config_root: string;
    describe: string;
    prepare: string;
    configure: string;
    config_id: string;
    data_link_table: string;
  }[];
  const files = store.db
    .prepare('SELECT f.*, c.run_id, c.ecc_server_id, c.ecc_server_name FROM run_config_file f JOIN run_config c ON c.id = f.run_config_id WHERE c.run_id = ? ORDER BY f.rowid')
    .all(runId) as FileRow[];
  return servers.map((s) => ({
    eccServerId: s.ecc_server_id,
    eccServer: s.ecc_server_name,
    address: s.address,
    configRoot: s.config_root,
    configSet: { describe: s.describe, prepare: s.prepare, configure: s.configure },
    configId: s.config_id,
    dataLinkTable: s.data_link_table,
    files: files.filter((f) => f.run_config_id === s.id).map(toFile),
  }));
}

/**
 * Records the hashes of the files an ECC server's backup copied after the run's Stop, and
 * returns the files whose hash differs from the start's (changed during the run), each once (a
 * try again that finds the same hash returns nothing new). A file the start did not record
 * (another set) is not compared.
 */
export function recordBackupHashes(
  store: Store,
  runId: number,
  eccServerId: number,
  files: readonly { name: string; sha256: string }[],
  at: string,
): { eccServer: string; name: string; startSha256: string; backupSha256: string }[] {
  const config = store.db.prepare('SELECT id, ecc_server_name FROM run_config WHERE run_id = ? AND ecc_server_id = ?').get(runId, eccServerId) as
    | { id: number; ecc_server_name: string }
    | undefined;
  if (!config) return [];
  const read = store.db.prepare('SELECT start_sha256, backup_sha256 FROM run_config_file WHERE run_config_id = ? AND name = ?');
  const update = store.db.prepare('UPDATE run_config_file SET backup_sha256 = ?, backup_at = ? WHERE run_config_id = ? AND name = ?');
  const changed: { eccServer: string; name: string; startSha256: string; backupSha256: string }[] = [];
  for (const file of files) {
    const row = read.get(config.id, file.name) as { start_sha256: string | null; backup_sha256: string | null } | undefined;
    // A backup tried again finds what an earlier try recorded: said once.
    if (!row || row.backup_sha256 === file.sha256) continue;
    update.run(file.sha256, at, config.id, file.name);
    if (row.start_sha256 !== null && row.start_sha256 !== file.sha256) {
      changed.push({ eccServer: config.ecc_server_name, name: file.name, startSha256: row.start_sha256, backupSha256: file.sha256 });
    }
  }
  return changed;
}

/** "describe-cobo.xcfg of ECC3 changed during run 137" */
export function changedDuringRunText(file: string, eccServer: string, runNumber: number): string {
  return `${file} of ${eccServer} changed during run ${runNumber}`;
}

/** The short config hash of one run's files (see RunConfigMark.hash); null when any is not known or there is none. */
export function configHash(files: readonly { eccServer: string; name: string; sha256: string | null }[]): string | null {
  if (files.length === 0 || files.some((f) => f.sha256 === null)) return null;
  const lines = files.map((f) => `${f.eccServer}\t${f.name}\t${f.sha256 ?? ''}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12);
}

const NO_MARK: RunConfigMark = { hash: null, changed: null, warnings: [] };

const FILE_ROWS = `SELECT f.*, c.run_id, c.ecc_server_id, c.ecc_server_name FROM run_config_file f JOIN run_config c ON c.id = f.run_config_id`;

/**
 * The marks of runs given by id and number, each against the run numbered just below it in its
 * experiment (its previous run), from one query.
 */
function marksOf(runs: readonly { id: number; number: number; previousId: number | null }[], rows: readonly FileRow[]): Map<number, RunConfigMark> {
  const byRun = new Map<number, FileRow[]>();
  for (const row of rows) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row]);
  const hashOf = (runId: number | null) => {
    const files = runId === null ? undefined : byRun.get(runId);
    return files ? configHash(files.map((f) => ({ eccServer: f.ecc_server_name, name: f.name, sha256: f.start_sha256 }))) : null;
  };
  const marks = new Map<number, RunConfigMark>();
  for (const run of runs) {
    const files = byRun.get(run.id);
    if (!files) {
      marks.set(run.id, NO_MARK);
      continue;
    }
    const hash = hashOf(run.id);
    const previous = hashOf(run.previousId);
    const warnings = files.filter((f) => toFile(f).changedDuringRun === true).map((f) => changedDuringRunText(f.name, f.ecc_server_name, run.number));
    marks.set(run.id, { hash, changed: hash === null || previous === null ? null : hash !== previous, warnings });
  }
  return marks;
}

/** Every run's mark in an experiment, by run id. */
export function configMarksOfExperiment(store: Store, runs: readonly { id: number; number: number }[], experimentId: number): Map<number, RunConfigMark> {
  const rows = store.db.prepare(`${FILE_ROWS} JOIN run r ON r.id = c.run_id WHERE r.experiment_id = ?`).all(experimentId) as FileRow[];
  const sorted = [...runs].sort((a, b) => a.number - b.number);
  return marksOf(sorted.map((r, i) => ({ id: r.id, number: r.number, previousId: sorted[i - 1]?.id ?? null })), rows);
}

/** One run's mark. */
export function configMarkOfRun(store: Store, run: { id: number; number: number; experimentId: number }): RunConfigMark {
  const previous = store.db
    .prepare('SELECT id FROM run WHERE experiment_id = ? AND number < ? ORDER BY number DESC LIMIT 1')
    .get(run.experimentId, run.number) as { id: number } | undefined;
  const ids = previous ? [run.id, previous.id] : [run.id];
  const rows = store.db.prepare(`${FILE_ROWS} WHERE c.run_id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as FileRow[];
  return marksOf([{ id: run.id, number: run.number, previousId: previous?.id ?? null }], rows).get(run.id) ?? NO_MARK;
}
