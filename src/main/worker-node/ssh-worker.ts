// The SSH worker module run by the Piscina pool (ssh-pool.ts): each named export is a task taking
// and returning plain data. Every failure comes back as `{ ok: false, kind, message, hostKey? }`
// rather than a thrown error (class instances do not cross threads). Each thread keeps one
// connection per host (SshConnections), reused by every task that thread carries, except after a
// task on it timed out: then the next task connects afresh.
//
// Every process check is of ONE instance: the program listening on the component's port (a data
// router's data port, an ECC server's SOAP port), since several run on one computer.
import type { SFTPWrapper } from 'ssh2';
import type { DiskSpace, ProcessOnPort, SideBySide } from '../../shared/api/contract';
import { SshConnections, SshError, type ConnectionLease, type ConnectOptions, type PresentedHostKey, type SshConnection, type SshErrorKind } from './connection';
import { sideBySide, type DiffLimits } from '../diff/side-by-side';
import { diskSpaceCommand, parseDiskSpace } from './disk';
import { parseSha256sum, sha256sumCommand } from './checksums';
import {
  backupConfigFiles,
  checkClean,
  hashConfigFiles as hashConfigFilesOver,
  readConfigFiles as readConfigFilesOver,
  listRunFolder,
  moveLeftoverFiles,
  organizeRunFiles,
  pathExists,
  readGrawFolder,
  snapshotGrawFiles,
  tailLines,
  writeManifestFile,
  type BackupResult,
  type CleanCheck,
  type ConfigFileReading,
  type ConfigFileText,
  type GrawFileStat,
  type ManifestWrite,
  type GrawFolderReading,
  type OrganizeResult,
  type TailResult,
} from './files';
import { PROCESS_LIST_COMMAND, processOnPort } from './processes';
import { joinRemote, runFolderName, checkExperimentFolder } from './remote-paths';
import type { HostOverrides, ResolveOptions } from './ssh-config';
import { DATA_ROUTER_PROGRAM, findStagingDirectory, listeningPidsCommand, lsofAnswer, parseLsofFields, type StagingAnswer } from './staging';

export const ECC_SERVER_PROGRAM = 'getEccSoapServer';

export type SshTaskResult<T> =
  | { ok: true; value: T }
  /** `connecting`: the failure came before the connection was ready (the computer failed, not the task). */
  | { ok: false; kind: SshErrorKind; message: string; hostKey?: PresentedHostKey; connecting: boolean };

/** A worker computer: its name (a ~/.ssh/config alias or a host name) and the application's own settings for it. */
export interface SshHost {
  alias: string;
  overrides?: HostOverrides;
}

/** How a thread connects (plain data: part of every task). */
export interface SshConnectSettings {
  /** The application's data directory: its known_hosts is `<dataDir>/known_hosts`. */
  dataDir: string;
  knownHostsFiles?: string[];
  sshConfig?: ResolveOptions;
  /** Connect, handshake and authentication (default: the task's soft limit, at most 10 s). */
  readyTimeoutMs?: number;
}

interface SshTask {
  connect: SshConnectSettings;
  target: SshHost;
  /** The task's own time limit (the soft limit): the task answers 'timeout' when it passes. */
  timeoutMs: number;
}

/** The active experiment's next run: its folder must not exist yet in a staging directory. */
export interface NextRun {
  experiment: string;
  runNumber: number;
}

export interface CheckDataRouterTask extends SshTask {
  port: number;
  /** Look for `<staging>/<experiment>/run_NNNN` of this run (not looked for when absent). */
  nextRun?: NextRun | null;
}

export interface DataRouterCheck {
  /** True only when a dataRouter listens on the port. */
  processRunning: boolean;
  process: ProcessOnPort;
  staging: StagingAnswer;
  /** The clean check of the staging directory; null when it was not found. */
  clean: CleanCheck | null;
  /** df of the staging directory; null when it was not found or df failed (then `diskProblem`). */
  disk: DiskSpace | null;
  diskProblem: string | null;
  /** The next run's folder in the staging directory; null when not looked for or not found (then `nextRunFolderProblem` when the look failed). */
  nextRunFolder: { path: string; exists: boolean } | null;
  nextRunFolderProblem: string | null;
}

export interface CheckEccServerTask extends SshTask {
  /** Its SOAP port: identifies its getEccSoapServer among others on the computer. */
  port: number;
}

export interface EccServerProcessCheck {
  running: boolean;
  process: ProcessOnPort;
}

export interface OrganizeFilesTask extends SshTask {
  /** The data router's port: identifies its process, whose working directory is the staging directory. */
  port: number;
  experiment: string;
  runNumber: number;
  /** Move only these, and only while still as listed (a snapshot that stayed still); absent: every `.graw` file. */
  files?: GrawFileStat[];
  /** The staging directory the snapshot was taken in: when the router's is another now, nothing is touched. */
  stagingDirectory?: string;
}

export interface LocateStagingTask extends SshTask {
  port: number;
}

export interface SnapshotStagingTask extends SshTask {
  stagingDirectory: string;
}

export interface ReadStagingTask extends SshTask {
  stagingDirectory: string;
}

export interface MoveLeftoversTask extends SshTask {
  port: number;
  experiment: string;
  /** `YYYYMMDD-HHMMSS`: the files go to `<staging>/<experiment>/unsorted/<folder>/`. */
  folder: string;
}

export interface OrganizeAnswer {
  staging: StagingAnswer;
  /** Null when the staging directory was not found (nothing was touched). */
  result: OrganizeResult | null;
}

export interface BackupConfigsTask extends SshTask {
  configRoot: string;
  files: string[];
  backupFolder: string;
}

export interface HashConfigFilesTask extends SshTask {
  configRoot: string;
  files: string[];
}

export interface ReadConfigFilesTask extends SshTask {
  folder: string;
  files: string[];
  maxBytes: number;
}

export interface RunFolderTask extends SshTask {
  /** The absolute run folder, `<staging>/<experiment>/run_NNNN`. */
  folder: string;
}

export interface ChecksumFilesTask extends RunFolderTask {
  /** One batch (checksums.ts checksumBatches): names in the folder. */
  names: string[];
}

export interface WriteManifestTask extends RunFolderTask {
  name: string;
  text: string;
}

export interface TailLogTask extends SshTask {
  path: string;
  lines: number;
}

const connectionsBySettings = new Map<string, SshConnections>();

/** How long a new connection may take to be ready, unless the settings say otherwise (a task's own limit still applies). */
const READY_TIMEOUT_MS = 10_000;

/** The connections of one set of settings, shared by every task (checks and file work alike). */
function connections(settings: SshConnectSettings): SshConnections {
  const options: ConnectOptions = {
    dataDir: settings.dataDir,
    readyTimeoutMs: settings.readyTimeoutMs ?? READY_TIMEOUT_MS,
    ...(settings.knownHostsFiles ? { knownHostsFiles: settings.knownHostsFiles } : {}),
    ...(settings.sshConfig ? { sshConfig: settings.sshConfig } : {}),
  };
  const key = JSON.stringify(options);
  let found = connectionsBySettings.get(key);
  if (!found) connectionsBySettings.set(key, (found = new SshConnections(options)));
  return found;
}

/**
 * Runs a task under its soft limit, every failure as plain data. A task that timed out gives its
 * connection back as suspect: the next task to that host connects afresh (connection.ts).
 */
async function settle<T>(task: SshTask, work: (conn: SshConnection, deadline: number) => Promise<T>): Promise<SshTaskResult<T>> {
  const deadline = Date.now() + task.timeoutMs;
  const seen: { conn: SshConnection | null } = { conn: null };
  let timer: NodeJS.Timeout | undefined;
  let lease: ConnectionLease | undefined;
  let suspect = false;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SshError('timeout', `No answer from ${task.target.alias} within ${task.timeoutMs} ms`)), task.timeoutMs);
  });
  try {
    lease = connections(task.connect).lease(task.target.alias, task.target.overrides);
    const value = await Promise.race([
      lease.connection.then((conn) => {
        seen.conn = conn;
        return work(conn, deadline);
      }),
      limit,
    ]);
    return { ok: true, value };
  } catch (error) {
    suspect = error instanceof SshError && error.kind === 'timeout';
    const connecting = seen.conn === null;
    // The connection dropped under the task (an SFTP session or a channel ended with it): the
    // computer went away, whatever the piece that noticed first says.
    if (seen.conn?.closed && !(error instanceof SshError && error.kind !== 'other')) {
      return { ok: false, kind: 'unreachable', message: `The connection to ${task.target.alias} closed during the task: ${error instanceof Error ? error.message : String(error)}`, connecting };
    }
    if (error instanceof SshError) {
      return { ok: false, kind: error.kind, message: error.message, ...(error.hostKey ? { hostKey: error.hostKey } : {}), connecting };
    }
    return { ok: false, kind: 'other', message: error instanceof Error ? error.message : String(error), connecting };
  } finally {
    clearTimeout(timer);
    lease?.release(suspect);
  }
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

async function run(conn: SshConnection, argv: readonly string[], deadline: number) {
  return conn.exec(argv, { timeoutMs: remaining(deadline) });
}

/** Runs work on one SFTP session, which holds one of the connection's channels. */
function withSftp<T>(conn: SshConnection, work: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
  return conn.withChannel(async () => {
    const sftp = await conn.ssh.requestSFTP();
    try {
      return await work(sftp);
    } finally {
      sftp.end();
    }
  });
}

/**
 * The program listening on `port`: lsof finds the pid, ps names it (the exact base name of
 * argv[0]: lsof's `c` is cut to 15 characters on Linux). ps runs after lsof, so a listener that
 * died in between is seen gone, not as a stranger. lsof shows only the SSH user's own sockets
 * unless that user is root: the GET programs run as that user.
 */
async function listenerOnPort(conn: SshConnection, program: string, port: number, deadline: number): Promise<ProcessOnPort> {
  const pids = parseLsofFields(lsofAnswer(await run(conn, listeningPidsCommand(port), deadline))).map((p) => p.pid);
  if (pids.length === 0) return { kind: 'not-running', port };
  const ps = await run(conn, PROCESS_LIST_COMMAND, deadline);
  if (ps.code !== 0) throw new SshError('other', `ps failed on ${conn.target.alias} (exit ${String(ps.code)}): ${ps.stderr.trim()}`);
  return processOnPort(ps.stdout, pids, program, port);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** df of the staging directory; a failure of df is this field's answer, not the whole check's. */
async function diskSpace(conn: SshConnection, directory: string, deadline: number): Promise<{ disk: DiskSpace | null; diskProblem: string | null }> {
  try {
    return { disk: parseDiskSpace(directory, await run(conn, diskSpaceCommand(directory), deadline)), diskProblem: null };
  } catch (error) {
    if (error instanceof SshError) throw error;
    return { disk: null, diskProblem: message(error) };
  }
}

export function checkDataRouter(task: CheckDataRouterTask): Promise<SshTaskResult<DataRouterCheck>> {
  return settle(task, async (conn, deadline) => {
    const process = await listenerOnPort(conn, DATA_ROUTER_PROGRAM, task.port, deadline);
    const staging = await findStagingDirectory((argv) => run(conn, argv, deadline), task.port);
    const base = { processRunning: process.kind === 'running', process, staging };
    if (staging.kind !== 'found') return { ...base, clean: null, disk: null, diskProblem: null, nextRunFolder: null, nextRunFolderProblem: null };
    const nextRunPath = task.nextRun
      ? joinRemote(staging.directory, checkExperimentFolder(task.nextRun.experiment), runFolderName(task.nextRun.runNumber))
      : null;
    const [files, disk] = await Promise.all([
      withSftp(conn, async (sftp) => {
        const clean = await checkClean(sftp, staging.directory);
        if (nextRunPath === null) return { clean, nextRunFolder: null, nextRunFolderProblem: null };
        try {
          return { clean, nextRunFolder: { path: nextRunPath, exists: await pathExists(sftp, nextRunPath) }, nextRunFolderProblem: null };
        } catch (error) {
          return { clean, nextRunFolder: null, nextRunFolderProblem: `Could not look for ${nextRunPath}: ${message(error)}` };
        }
      }),
      diskSpace(conn, staging.directory, deadline),
    ]);
    return { ...base, ...files, ...disk };
  });
}

export function checkEccServerProcess(task: CheckEccServerTask): Promise<SshTaskResult<EccServerProcessCheck>> {
  return settle(task, async (conn, deadline) => {
    const process = await listenerOnPort(conn, ECC_SERVER_PROGRAM, task.port, deadline);
    return { running: process.kind === 'running', process };
  });
}

export function organizeFiles(task: OrganizeFilesTask): Promise<SshTaskResult<OrganizeAnswer>> {
  return settle(task, async (conn, deadline) => {
    const staging = await findStagingDirectory((argv) => run(conn, argv, deadline), task.port);
    if (staging.kind !== 'found') return { staging, result: null };
    if (task.stagingDirectory !== undefined && staging.directory !== task.stagingDirectory) return { staging, result: null };
    // Renames in flight stop being started at the deadline: the job can simply run again.
    const signal = AbortSignal.timeout(remaining(deadline));
    const target = {
      stagingDirectory: staging.directory,
      experiment: task.experiment,
      runNumber: task.runNumber,
      ...(task.files ? { files: task.files } : {}),
    };
    const result = await withSftp(conn, (sftp) => organizeRunFiles(sftp, target, { signal }));
    return { staging, result };
  });
}

/** The staging directory of the data router listening on a port (no file is read). */
export function locateStaging(task: LocateStagingTask): Promise<SshTaskResult<StagingAnswer>> {
  return settle(task, (conn, deadline) => findStagingDirectory((argv) => run(conn, argv, deadline), task.port));
}

/** One SFTP listing of the `.graw` files of a staging directory: a short task, repeated while they settle. */
export function snapshotStaging(task: SnapshotStagingTask): Promise<SshTaskResult<GrawFileStat[]>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => snapshotGrawFiles(sftp, task.stagingDirectory)));
}

/** One reading of a staging folder for the data flow: its `.graw` files counted and summed (SFTP readdir, no shell). */
export function readStaging(task: ReadStagingTask): Promise<SshTaskResult<GrawFolderReading>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => readGrawFolder(sftp, task.stagingDirectory)));
}

export function moveLeftovers(task: MoveLeftoversTask): Promise<SshTaskResult<OrganizeAnswer>> {
  return settle(task, async (conn, deadline) => {
    const staging = await findStagingDirectory((argv) => run(conn, argv, deadline), task.port);
    if (staging.kind !== 'found') return { staging, result: null };
    const signal = AbortSignal.timeout(remaining(deadline));
    const result = await withSftp(conn, (sftp) =>
      moveLeftoverFiles(sftp, { stagingDirectory: staging.directory, experiment: task.experiment, folder: task.folder }, { signal }),
    );
    return { staging, result };
  });
}

export function backupConfigs(task: BackupConfigsTask): Promise<SshTaskResult<BackupResult>> {
  return settle(task, (conn) =>
    withSftp(conn, (sftp) => backupConfigFiles(sftp, { configRoot: task.configRoot, files: task.files, backupFolder: task.backupFolder })),
  );
}

/** The SHA-256 of an ECC server's config files in its config_root (one SFTP session). */
export function hashConfigFiles(task: HashConfigFilesTask): Promise<SshTaskResult<ConfigFileReading[]>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => hashConfigFilesOver(sftp, { configRoot: task.configRoot, files: task.files })));
}

export interface DiffTextsTask {
  a: string;
  b: string;
  limits: DiffLimits;
}

/**
 * Two texts side by side (runs.compare's diff of two backups). No SSH: it runs in these threads
 * only so that a large diff is never computed in the main process. Null: beyond its limits.
 */
export function diffTexts(task: DiffTextsTask): SshTaskResult<SideBySide | null> {
  return { ok: true, value: sideBySide(task.a, task.b, task.limits) };
}

/** Config files read whole from a folder (a run's backup), one SFTP session. */
export function readConfigFiles(task: ReadConfigFilesTask): Promise<SshTaskResult<ConfigFileText[]>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => readConfigFilesOver(sftp, { folder: task.folder, files: task.files, maxBytes: task.maxBytes })));
}

export function tailLog(task: TailLogTask): Promise<SshTaskResult<TailResult>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => tailLines(sftp, task.path, task.lines)));
}

/** The `.graw` files of a run folder with their sizes (one SFTP readdir); null when it does not exist. */
export function listRunFiles(task: RunFolderTask): Promise<SshTaskResult<GrawFileStat[] | null>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => listRunFolder(sftp, task.folder)));
}

/** The SHA-256 of one batch of a run folder's files, by `sha256sum` on the worker computer (name to hex). */
export function checksumFiles(task: ChecksumFilesTask): Promise<SshTaskResult<Record<string, string>>> {
  return settle(task, async (conn, deadline) => {
    const answer = await run(conn, sha256sumCommand(task.folder, task.names), deadline);
    return Object.fromEntries(parseSha256sum(task.folder, task.names, answer));
  });
}

/** Writes a manifest into a run folder (temporary name, then renamed; never replacing another). */
export function writeManifest(task: WriteManifestTask): Promise<SshTaskResult<ManifestWrite>> {
  return settle(task, (conn) => withSftp(conn, (sftp) => writeManifestFile(sftp, { folder: task.folder, name: task.name, text: task.text })));
}
