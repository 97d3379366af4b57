// The product's SSH gateway: every SSH call (process checks, the clean check, organizing files,
// backing up configs, a log's end) runs as a task of ONE Piscina pool (ssh-worker.ts), so no
// network wait happens on the main thread. Each call has two limits (DOMAIN.md, "Background work
// and its schedule"): the soft limit is the task's own timeout inside the worker; the hard limit
// settles the call here whatever the worker does (a stuck pool is then replaced). Tasks to one
// host are limited in number: OpenSSH allows about 10 channels per connection.
import { availableParallelism } from 'node:os';
import { TimedPoolError, checkLimits, createTimedPool, type TimedPoolFailure, type TimeLimits } from '../app/timed-pool';
import { resolveWorkerFile, type WorkerFile } from '../app/worker-file';
import type { SideBySide } from '../../shared/api/contract';
import type { DiffLimits } from '../diff/side-by-side';
import { SshError } from './connection';
import type { BackupResult, ConfigFileReading, ConfigFileText, GrawFileStat, GrawFolderReading, ManifestWrite, TailResult } from './files';
import type {
  BackupConfigsTask,
  ChecksumFilesTask,
  CheckDataRouterTask,
  CheckEccServerTask,
  DataRouterCheck,
  EccServerProcessCheck,
  HashConfigFilesTask,
  LocateStagingTask,
  MoveLeftoversTask,
  NextRun,
  OrganizeAnswer,
  OrganizeFilesTask,
  RunFolderTask,
  ReadStagingTask,
  SnapshotStagingTask,
  SshConnectSettings,
  SshHost,
  TailLogTask,
  ReadConfigFilesTask,
  DiffTextsTask,
  SshTaskResult,
  WriteManifestTask,
} from './ssh-worker';
import type { StagingAnswer } from './staging';

export type SshLimits = TimeLimits;

/** DOMAIN.md: the process and clean checks 10 s / 40 s; organize and backup after Stop 30 s / 40 s. */
export const DEFAULT_CHECK_LIMITS: SshLimits = { softMs: 10_000, hardMs: 40_000 };
export const DEFAULT_FILE_LIMITS: SshLimits = { softMs: 30_000, hardMs: 40_000 };
/**
 * One `sha256sum` call reads up to 1 GiB (checksums.ts checksumBatches): 2 min allows a disk as slow
 * as 9 MB/s. Each batch is its own task, so a folder of any size never holds one task long.
 */
export const DEFAULT_CHECKSUM_LIMITS: SshLimits = { softMs: 120_000, hardMs: 150_000 };

/**
 * The data flow's reads of a staging folder, every 2 s during a run (ours: DOMAIN.md sets none).
 * One readdir answers in milliseconds; a computer that does not answer within 5 s is shown as
 * such, and a router's next read waits for its last one, so reads never stack.
 */
export const DEFAULT_FLOW_LIMITS: SshLimits = { softMs: 5_000, hardMs: 10_000 };

export interface SshGatewayOptions {
  /** How the threads connect: the data directory (known_hosts), ~/.ssh/config, known_hosts files. */
  connect: SshConnectSettings;
  checkLimits?: SshLimits;
  fileLimits?: SshLimits;
  /** One batch of `sha256sum` (default 120 s / 150 s). */
  checksumLimits?: SshLimits;
  flowLimits?: SshLimits;
  /** Calls to one host at once (default 4); more wait here. */
  perHostConcurrency?: number;
  /** Threads (default 1 to 2): SSH work waits on the network, and each thread has its own connections. */
  maxThreads?: number;
  /** Tasks allowed to wait for a thread (default 500); beyond, calls are refused at once. */
  maxQueue?: number;
  /** A thread left without work this long ends (default 60 s, longer than the 15 s check period). */
  idleTimeout?: number;
  /** How long close() lets running calls finish before ending the threads (default 2 s). */
  closeTimeoutMs?: number;
  worker?: WorkerFile;
}

export interface SshGateway {
  readonly checkLimits: SshLimits;
  readonly fileLimits: SshLimits;
  readonly checksumLimits: SshLimits;
  readonly flowLimits: SshLimits;
  /** The data router listening on `port`: its process, staging directory, clean state, disk, and (with `nextRun`) the next run's folder. */
  checkDataRouter(host: SshHost, port: number, nextRun?: NextRun | null, limits?: SshLimits): Promise<DataRouterCheck>;
  /** The getEccSoapServer listening on its SOAP `port`. */
  checkEccServerProcess(host: SshHost, port: number, limits?: SshLimits): Promise<EccServerProcessCheck>;
  organizeFiles(
    host: SshHost,
    job: { port: number; experiment: string; runNumber: number; files?: GrawFileStat[]; stagingDirectory?: string },
    limits?: SshLimits,
  ): Promise<OrganizeAnswer>;
  /** The staging directory of the router on a port (lsof only: the check's limits). */
  locateStaging(host: SshHost, port: number, limits?: SshLimits): Promise<StagingAnswer>;
  /** One listing of a staging directory's `.graw` files, sizes and times (SFTP only: the check's limits). */
  snapshotStaging(host: SshHost, stagingDirectory: string, limits?: SshLimits): Promise<GrawFileStat[]>;
  /** One reading of a staging folder for the data flow: its `.graw` files counted and summed, and when (SFTP only: the flow's limits). */
  readStaging(host: SshHost, stagingDirectory: string, limits?: SshLimits): Promise<GrawFolderReading>;
  moveLeftovers(host: SshHost, job: { port: number; experiment: string; folder: string }, limits?: SshLimits): Promise<OrganizeAnswer>;
  backupConfigs(host: SshHost, job: { configRoot: string; files: string[]; backupFolder: string }, limits?: SshLimits): Promise<BackupResult>;
  /** The SHA-256 of config files in an ECC server's config_root (small files: the check's limits). */
  hashConfigFiles(host: SshHost, job: { configRoot: string; files: string[] }, limits?: SshLimits): Promise<ConfigFileReading[]>;
  /** Config files read whole from a folder on the host (a run's backup), none larger than maxBytes (the file limits). */
  readConfigFiles(host: SshHost, job: { folder: string; files: string[]; maxBytes: number }, limits?: SshLimits): Promise<ConfigFileText[]>;
  /** Two texts side by side, computed in a worker thread (no SSH; the file limits); null beyond `diff`'s limits. */
  diffTexts(job: { a: string; b: string; diff: DiffLimits }, limits?: SshLimits): Promise<SideBySide | null>;
  tailLog(host: SshHost, path: string, lines?: number, limits?: SshLimits): Promise<TailResult>;
  /** The `.graw` files of a run folder with their sizes; null when the folder does not exist (SFTP: the file limits). */
  listRunFiles(host: SshHost, folder: string, limits?: SshLimits): Promise<GrawFileStat[] | null>;
  /** SHA-256 (hex) of one batch of a run folder's files, by `sha256sum` on the worker computer (the checksum limits). */
  checksumFiles(host: SshHost, job: { folder: string; names: string[] }, limits?: SshLimits): Promise<Record<string, string>>;
  /** Writes a manifest into a run folder, never replacing another (SFTP: the file limits). */
  writeManifest(host: SshHost, job: { folder: string; name: string; text: string }, limits?: SshLimits): Promise<ManifestWrite>;
  close(): Promise<void>;
}

/** The worker module: ssh-worker.ts from the sources, else `ssh-worker.js` next to the bundle. */
export function resolveSshWorker(moduleUrl: string = import.meta.url): WorkerFile {
  return resolveWorkerFile(moduleUrl, 'ssh-worker.ts', 'ssh-worker.js');
}

/** A counting semaphore per host. */
export class HostSlots {
  private readonly used = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  constructor(private readonly limit: number) {}

  async acquire(host: string): Promise<() => void> {
    const used = this.used.get(host) ?? 0;
    if (used >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        queue.push(resolve);
        this.waiting.set(host, queue);
      });
    } else {
      this.used.set(host, used + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(host)?.shift();
      if (next) return next();
      if (this.waiting.get(host)?.length === 0) this.waiting.delete(host);
      const left = (this.used.get(host) ?? 1) - 1;
      if (left > 0) this.used.set(host, left);
      else this.used.delete(host);
    };
  }
}

function hostKey(host: SshHost): string {
  return `${host.overrides?.user ?? ''}@${host.alias}:${host.overrides?.port ?? ''}`;
}

export function createSshGateway(options: SshGatewayOptions): SshGateway {
  const checks = checkLimits('checkLimits', options.checkLimits ?? DEFAULT_CHECK_LIMITS);
  const files = checkLimits('fileLimits', options.fileLimits ?? DEFAULT_FILE_LIMITS);
  const checksums = checkLimits('checksumLimits', options.checksumLimits ?? DEFAULT_CHECKSUM_LIMITS);
  const flow = checkLimits('flowLimits', options.flowLimits ?? DEFAULT_FLOW_LIMITS);
  const worker = options.worker ?? resolveSshWorker();
  const maxThreads = options.maxThreads ?? Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2)));
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
  const slots = new HostSlots(Math.max(1, options.perHostConcurrency ?? 4));
  const timedPool = createTimedPool({
    worker,
    firstTask: 'checkDataRouter',
    // No thread until the first SSH call: an application without worker computers starts none.
    minThreads: 0,
    maxThreads,
    // SSH tasks wait on the network: one thread carries many (the per-host limit bounds each host).
    concurrentTasksPerWorker: 64,
    maxQueue: options.maxQueue ?? 500,
    idleTimeout: options.idleTimeout ?? 60_000,
    retireGraceMs: Math.max(checks.hardMs, files.hardMs, checksums.hardMs),
    closeTimeoutMs,
  });

  const FAILURES: Record<TimedPoolFailure, (message: string) => SshError> = {
    timeout: (message) => new SshError('timeout', message),
    closed: () => new SshError('other', 'The SSH gateway is closed'),
    busy: () => new SshError('other', 'Too many SSH calls are waiting: this one was refused'),
    failed: (message) => new SshError('other', `The SSH worker failed: ${message}`),
  };

  /** A slot of the host's, waited for under the task's deadline. */
  async function hostSlot(host: SshHost, deadline: AbortSignal, timedOut: () => SshError): Promise<() => void> {
    const acquiring = slots.acquire(hostKey(host));
    let onAbort: (() => void) | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(timedOut());
      deadline.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([acquiring, expired]);
    } catch (error) {
      void acquiring.then((late) => late());
      throw error;
    } finally {
      if (onAbort) deadline.removeEventListener('abort', onAbort);
    }
  }

  /**
   * One task under its hard limit (see app/timed-pool.ts); waiting for a host slot counts against
   * it. `host` null: a task that reaches no computer (diffTexts) and takes no host slot.
   */
  async function run<T>(name: string, host: SshHost | null, task: object, limits: SshLimits): Promise<T> {
    checkLimits(`The ${name} call's limits`, limits);
    if (timedPool.closed) throw FAILURES.closed('');
    const deadline = AbortSignal.timeout(limits.hardMs);
    const timedOut = () => new SshError('timeout', `${name}${host ? ` on ${host.alias}` : ''} did not end within its hard limit of ${limits.hardMs} ms`);
    const release = host ? await hostSlot(host, deadline, timedOut) : () => undefined;
    let result: SshTaskResult<T>;
    try {
      result = await timedPool.run<SshTaskResult<T>>(name, task, deadline, limits.hardMs);
    } catch (error) {
      if (!(error instanceof TimedPoolError)) throw error;
      throw error.failure === 'timeout' ? timedOut() : FAILURES[error.failure](error.message);
    } finally {
      release();
    }
    if (result.ok) return result.value;
    throw new SshError(result.kind, result.message, result.hostKey, result.connecting);
  }

  const base = (host: SshHost, limits: SshLimits) => ({ connect: options.connect, target: host, timeoutMs: limits.softMs });

  return {
    checkLimits: checks,
    fileLimits: files,
    checksumLimits: checksums,
    flowLimits: flow,
    checkDataRouter(host, port, nextRun = null, limits = checks) {
      const task: CheckDataRouterTask = { ...base(host, limits), port, nextRun };
      return run('checkDataRouter', host, task, limits);
    },
    checkEccServerProcess(host, port, limits = checks) {
      const task: CheckEccServerTask = { ...base(host, limits), port };
      return run('checkEccServerProcess', host, task, limits);
    },
    organizeFiles(host, job, limits = files) {
      const task: OrganizeFilesTask = { ...base(host, limits), ...job };
      return run('organizeFiles', host, task, limits);
    },
    locateStaging(host, port, limits = checks) {
      const task: LocateStagingTask = { ...base(host, limits), port };
      return run('locateStaging', host, task, limits);
    },
    snapshotStaging(host, stagingDirectory, limits = checks) {
      const task: SnapshotStagingTask = { ...base(host, limits), stagingDirectory };
      return run('snapshotStaging', host, task, limits);
    },
    readStaging(host, stagingDirectory, limits = flow) {
      const task: ReadStagingTask = { ...base(host, limits), stagingDirectory };
      return run('readStaging', host, task, limits);
    },
    moveLeftovers(host, job, limits = files) {
      const task: MoveLeftoversTask = { ...base(host, limits), ...job };
      return run('moveLeftovers', host, task, limits);
    },
    backupConfigs(host, job, limits = files) {
      const task: BackupConfigsTask = { ...base(host, limits), ...job };
      return run('backupConfigs', host, task, limits);
    },
    hashConfigFiles(host, job, limits = checks) {
      const task: HashConfigFilesTask = { ...base(host, limits), ...job };
      return run('hashConfigFiles', host, task, limits);
    },
    readConfigFiles(host, job, limits = files) {
      const task: ReadConfigFilesTask = { ...base(host, limits), ...job };
      return run('readConfigFiles', host, task, limits);
    },
    diffTexts(job, limits = files) {
      const task: DiffTextsTask = { a: job.a, b: job.b, limits: job.diff };
      return run('diffTexts', null, task, limits);
    },
    tailLog(host, path, lines = 50, limits = checks) {
      const task: TailLogTask = { ...base(host, limits), path, lines };
      return run('tailLog', host, task, limits);
    },
    listRunFiles(host, folder, limits = files) {
      const task: RunFolderTask = { ...base(host, limits), folder };
      return run('listRunFiles', host, task, limits);
    },
    checksumFiles(host, job, limits = checksums) {
      const task: ChecksumFilesTask = { ...base(host, limits), ...job };
      return run('checksumFiles', host, task, limits);
    },
    writeManifest(host, job, limits = files) {
      const task: WriteManifestTask = { ...base(host, limits), ...job };
      return run('writeManifest', host, task, limits);
    },
    close: () => timedPool.close(),
  };
}
