// Comparing two runs' configs (runs.compare, issue 13): which ECC servers used which sets, with
// which configID and data-link table, which config files differ, and a side-by-side diff of each
// file that differs. Whether files differ is decided by the SHA-256 each run recorded just before
// its start (provenance.ts); the lines shown are read from the two runs' backups after Stop, on
// the ECC servers' computers, over SFTP in the SSH threads (the backups are never rewritten, so a
// text read once is kept for the next comparison). The diff (diff/side-by-side.ts: jsdiff's, with
// a bound on its work) is computed in those threads too, never in the main process.
import type { ComparedFile, ComparedRun, ComparedServer, ComparedServerSide, RunComparison, SideBySide } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { RunServerConfig } from '../../shared/domain';
import type { Store } from '../db/store';
import { resolveExperiment } from '../experiments/queries';
import { configHash, listRunConfig } from '../runsheet/provenance';
import type { ConfigFileText } from '../worker-node/files';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';

const ROLES = ['describe', 'prepare', 'configure'] as const;
/** Diffs kept for the next comparison (a few pairs of runs' differing files). */
const MAX_DIFFS_KEPT = 64;
type Role = (typeof ROLES)[number];

export interface CompareOptions {
  /** A backup larger than this is not read (default 8 MB). */
  maxFileBytes?: number;
  /** More changed lines than this are not shown side by side (default 5,000). */
  maxEditLength?: number;
  /** And a diff that takes longer than this is given up (default 500 ms). */
  diffTimeoutMs?: number;
  /** Backups' texts kept for the next comparison, in bytes (default 32 MB). */
  cacheBytes?: number;
}

interface RunRow {
  id: number;
  number: number;
  title: string;
  start_time: string;
  stop_time: string | null;
}

interface BackupJob {
  status: string;
  lastError: string;
  address: string;
  backupFolder: string;
}

/** One side of one file, as far as it is known before anything is read. */
interface Side {
  run: RunRow;
  server: RunServerConfig;
  file: RunServerConfig['files'][number];
  backup: BackupJob | undefined;
}

function roleOf(name: string): Role | null {
  return ROLES.find((role) => name.startsWith(`${role}-`)) ?? null;
}

function readRun(store: Store, experimentId: number, experimentName: string, number: number, field: 'a' | 'b'): RunRow {
  const row = store.db.prepare('SELECT id, number, title, start_time, stop_time FROM run WHERE experiment_id = ? AND number = ?').get(experimentId, number) as RunRow | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `Experiment "${experimentName}" has no run ${number}`, field);
  return row;
}

function backupJobs(store: Store, runId: number): Map<string, BackupJob> {
  const rows = store.db
    .prepare("SELECT target_name, status, last_error, details FROM job WHERE run_id = ? AND kind = 'backup_configs' ORDER BY id")
    .all(runId) as { target_name: string; status: string; last_error: string; details: string }[];
  return new Map(
    rows.map((row) => {
      const details = JSON.parse(row.details) as { address: string; backupFolder: string };
      return [row.target_name, { status: row.status, lastError: row.last_error, address: details.address, backupFolder: details.backupFolder }];
    }),
  );
}

function serverSide(server: RunServerConfig | undefined, backup: BackupJob | undefined): ComparedServerSide | null {
  if (!server) return null;
  return { configSet: server.configSet, configId: server.configId, dataLinkTable: server.dataLinkTable, address: server.address, backupFolder: backup?.backupFolder ?? null };
}

export class RunComparer {
  /** Backups' texts by computer, folder and name, oldest first (a backup is never rewritten). */
  private readonly texts = new Map<string, Extract<ConfigFileText, { status: 'read' }>>();
  private cachedBytes = 0;
  /**
   * Diffs made, by the SHA-256 of their two texts, oldest first: a comparison watched is run again
   * at every change of a job, and a diff of the same texts is not made again.
   */
  private readonly diffs = new Map<string, SideBySide | null>();
  private readonly maxFileBytes: number;
  private readonly maxEditLength: number;
  private readonly diffTimeoutMs: number;
  private readonly cacheBytes: number;

  constructor(
    private readonly store: Store,
    /** Null where this process reaches no worker computer: the diffs then say so. */
    private readonly gateway: Pick<SshGateway, 'readConfigFiles' | 'diffTexts'> | null,
    private readonly host: (address: string) => SshHost,
    options: CompareOptions = {},
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 8 * 1024 * 1024;
    this.maxEditLength = options.maxEditLength ?? 5_000;
    this.diffTimeoutMs = options.diffTimeoutMs ?? 500;
    this.cacheBytes = options.cacheBytes ?? 32 * 1024 * 1024;
  }

  async compare(input: { experimentId?: number | undefined; a: number; b: number }): Promise<RunComparison> {
    const experiment = resolveExperiment(this.store, input.experimentId);
    const runA = readRun(this.store, experiment.id, experiment.name, input.a, 'a');
    const runB = readRun(this.store, experiment.id, experiment.name, input.b, 'b');
    const configA = listRunConfig(this.store, runA.id);
    const configB = listRunConfig(this.store, runB.id);
    const backupsA = backupJobs(this.store, runA.id);
    const backupsB = backupJobs(this.store, runB.id);
    const byName = (configs: RunServerConfig[]) => new Map(configs.map((c) => [c.eccServer, c]));
    const serversA = byName(configA);
    const serversB = byName(configB);
    const names = [...new Set([...serversA.keys(), ...serversB.keys()])].sort();

    const servers: ComparedServer[] = await Promise.all(
      names.map(async (name) => {
        const a = serversA.get(name);
        const b = serversB.get(name);
        const files = await Promise.all(
          ROLES.map((role) => {
            const side = (run: RunRow, server: RunServerConfig | undefined, backups: Map<string, BackupJob>): Side | null => {
              const file = server?.files.find((f) => roleOf(f.name) === role);
              return server && file ? { run, server, file, backup: backups.get(name) } : null;
            };
            return this.compareFile(role, side(runA, a, backupsA), side(runB, b, backupsB));
          }),
        );
        const setOf = (s: RunServerConfig | undefined) => (s ? JSON.stringify([s.configSet.describe, s.configSet.prepare, s.configSet.configure]) : null);
        return {
          eccServer: name,
          a: serverSide(a, backupsA.get(name)),
          b: serverSide(b, backupsB.get(name)),
          sameSet: a !== undefined && b !== undefined && setOf(a) === setOf(b),
          sameConfigId: a !== undefined && b !== undefined && a.configId === b.configId,
          sameDataLinkTable: a !== undefined && b !== undefined && a.dataLinkTable === b.dataLinkTable,
          files: files.filter((f): f is ComparedFile => f !== null),
        };
      }),
    );
    const compared = (run: RunRow, config: RunServerConfig[]): ComparedRun => ({
      runId: run.id,
      runNumber: run.number,
      title: run.title,
      startTime: run.start_time,
      stopTime: run.stop_time,
      configHash: configHash(config.flatMap((server) => server.files.map((f) => ({ eccServer: server.eccServer, name: f.name, sha256: f.startSha256 })))),
      recorded: config.length > 0,
    });
    return {
      experimentId: experiment.id,
      a: compared(runA, configA),
      b: compared(runB, configB),
      servers,
      differentFiles: servers.reduce((n, s) => n + s.files.filter((f) => f.same !== true).length, 0),
      differentSets: servers.filter((s) => !s.sameSet).length,
    };
  }

  private async compareFile(role: Role, a: Side | null, b: Side | null): Promise<ComparedFile | null> {
    if (!a && !b) return null;
    const brief = (side: Side | null) => (side ? { name: side.file.name, startSha256: side.file.startSha256, backupSha256: side.file.backupSha256 } : null);
    const same = a && b && a.file.startSha256 !== null && b.file.startSha256 !== null ? a.file.startSha256 === b.file.startSha256 : a && b ? null : false;
    const result: ComparedFile = { role, a: brief(a), b: brief(b), same, diff: null, problem: null, notes: [] };
    if (same === true) return result;
    const [textA, textB] = await Promise.all([this.backupText(a), this.backupText(b)]);
    const problems = [textA, textB].flatMap((t) => (t.problem === null ? [] : [t.problem]));
    result.notes = [textA, textB].flatMap((t) => t.notes);
    if (problems.length > 0) {
      result.problem = problems.join('; ');
      return result;
    }
    const key = `${textA.sha256}:${textB.sha256}`;
    let diff = this.diffs.get(key);
    if (diff === undefined) {
      try {
        // Both texts were read, so the worker threads are there: the diff is computed in them.
        diff = await this.gateway!.diffTexts({ a: textA.text, b: textB.text, diff: { maxEditLength: this.maxEditLength, timeoutMs: this.diffTimeoutMs } });
      } catch (error) {
        result.problem = `The diff could not be made: ${error instanceof Error ? error.message : String(error)}`;
        return result;
      }
      this.diffs.set(key, diff);
      for (const oldest of this.diffs.keys()) {
        if (this.diffs.size <= MAX_DIFFS_KEPT) break;
        this.diffs.delete(oldest);
      }
    }
    if (!diff) result.problem = `Too many differences to show side by side (more than ${this.maxEditLength} lines changed, or over ${this.diffTimeoutMs} ms)`;
    result.diff = diff;
    return result;
  }

  /** A side's text from its run's backup (and its SHA-256); '' for a file the run did not have. */
  private async backupText(side: Side | null): Promise<{ text: string; sha256: string; problem: string | null; notes: string[] }> {
    if (!side) return { text: '', sha256: 'none', problem: null, notes: [] };
    const { run, server, file, backup } = side;
    const of = `the backup of ${file.name} of ${server.eccServer} at run ${run.number}`;
    const notYet = (why: string) => ({ text: '', sha256: '', problem: `${of} cannot be read: ${why}`, notes: [] });
    if (run.stop_time === null) return notYet('the run is going (the backup is made after Stop)');
    if (!backup) return notYet('no backup was queued at its Stop');
    if (backup.status !== 'done') return notYet(`its backup job is ${backup.status}${backup.lastError === '' ? '' : ` (${backup.lastError})`}`);
    if (!this.gateway) return notYet('the worker computers are not reached from this process');
    let answer: ConfigFileText;
    try {
      answer = await this.read(backup.address, backup.backupFolder, file.name);
    } catch (error) {
      return notYet(error instanceof Error ? error.message : String(error));
    }
    if (answer.status !== 'read') return notYet(answer.message);
    const notes: string[] = [];
    if (file.backupSha256 !== null && answer.sha256 !== file.backupSha256) {
      notes.push(`${of} is not as it was copied: its SHA-256 is ${answer.sha256}, recorded at the backup ${file.backupSha256}`);
    } else if (file.startSha256 !== null && answer.sha256 !== file.startSha256) {
      notes.push(`${of} differs from what run ${run.number} was started with: the file changed during the run`);
    }
    return { text: answer.text, sha256: answer.sha256, problem: null, notes };
  }

  private async read(address: string, folder: string, name: string): Promise<ConfigFileText> {
    const key = JSON.stringify([address, folder, name]);
    const kept = this.texts.get(key);
    if (kept) {
      this.texts.delete(key);
      this.texts.set(key, kept);
      return kept;
    }
    const [answer] = await this.gateway!.readConfigFiles(this.host(address), { folder, files: [name], maxBytes: this.maxFileBytes });
    if (!answer) throw new Error(`${address} answered nothing for ${folder}/${name}`);
    if (answer.status === 'read') this.keep(key, answer);
    return answer;
  }

  private keep(key: string, text: Extract<ConfigFileText, { status: 'read' }>): void {
    if (text.bytes > this.cacheBytes) return;
    this.texts.set(key, text);
    this.cachedBytes += text.bytes;
    for (const [oldest, value] of this.texts) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.texts.delete(oldest);
      this.cachedBytes -= value.bytes;
    }
  }
}
