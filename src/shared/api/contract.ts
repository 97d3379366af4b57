// The application's operations, declared once: name, kind, input schema and result type.
// The main process implements each one (src/main/api/handlers.ts) and serves them over Electron
// IPC and over HTTP/WebSocket; the renderer calls them through the same names.
//
// A query reads and can be subscribed to: the subscriber gets its result at once and again after
// every change that may affect it. A mutation changes something, is refused in read-only mode and
// is written to the audit trail.
import { z } from 'zod';
import { runPlanInput } from '../run-plan';
import {
  ECC_STEPS,
  DEFAULT_DATA_ROUTER_PORT,
  DEFAULT_ECC_PORT,
  DEFAULT_SOAP_NAMESPACE,
  address,
  componentName,
  connectionType,
  dataSourceName,
  experimentName,
  id,
  logLevel,
  measurementInput,
  NOTE_MAX_LENGTH,
  observableName,
  port,
  remotePath,
  runClass,
  soapNamespace,
  valueType,
  type AppInfo,
  type AuditEntry,
  type ChecklistItem,
  type DataRouter,
  type EccState,
  type EccStep,
  type DataSource,
  type EccServer,
  type Experiment,
  type LogEntry,
  type Observable,
  type Page,
  type MeasurementValue,
  type Run,
  type RunConfigMark,
  type RunDataFlow,
  type RunServerConfig,
  type RunSheet,
  type Setup,
  type ShiftNote,
  type ValueType,
} from '../domain';
import { alarmRulesChange, type Alarm, type AlarmList, type AlarmRules } from '../alarms';
import { setupDocument, type SetupDocument } from '../setup-document';
import { monitorFields, type MonitorStatus } from '../monitor';
import { settingsFields, type Settings } from '../settings';

export type OperationKind = 'query' | 'mutation';

export interface OperationDefinition {
  kind: OperationKind;
  summary: string;
  input: z.ZodType;
  /** Type only: never set at run time. */
  output: unknown;
}

/** Declares the result type of an operation (a type, no value). */
const returns = <T>() => undefined as unknown as T;

/** Most operations act on the active experiment unless another is named. */
const experimentRef = { experimentId: id.optional() };

const eccServerFields = {
  name: componentName,
  address,
  port: port.default(DEFAULT_ECC_PORT),
  logPath: remotePath,
  configRoot: remotePath,
  configBackupRoot: remotePath,
  soapNamespace: soapNamespace.default(DEFAULT_SOAP_NAMESPACE),
};
const dataRouterFields = {
  name: componentName,
  address,
  port: port.default(DEFAULT_DATA_ROUTER_PORT),
  connectionType: connectionType.default('TCP'),
  logPath: remotePath,
};
const dataSourceFields = { name: dataSourceName, eccServerId: id, dataRouterId: id };
const observableFields = {
  name: observableName,
  valueType,
  units: z.string().trim().max(64, 'At most 64 characters').default(''),
  comment: z.string().trim().max(500, 'At most 500 characters').default(''),
};

/** Optional versions of the fields, without their defaults, for partial updates. */
function editable<T extends Record<string, z.ZodType>>(fields: T) {
  const optional = Object.fromEntries(
    Object.entries(fields).map(([key, schema]) => [
      key,
      (schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema).optional(),
    ]),
  ) as { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer U> ? U : T[K]> };
  return { id, ...optional };
}

const pageInput = {
  limit: z.number().int().min(1).max(1000).default(100),
  beforeId: id.optional(),
};

const runNumber = z.number({ error: 'Must be a run number' }).int('Must be a whole number').min(0, 'Must be 0 or more');

// --- ECC control, runs and jobs: what their operations answer ---------------------------------

/** One ECC server of the active experiment as the application sees it now (kept in memory). */
export interface EccServerStatus {
  id: number;
  name: string;
  address: string;
  port: number;
  /** Drives the MuTAnT (one of its data sources is `Mutant[...]`): stepped in the set order. */
  drivesMutant: boolean;
  /** The state last read from the server since the application started; null until read. */
  state: EccState | null;
  /** The step the server last reported under way; null when none. */
  transition: EccStep | null;
  /** Whether the last call answered; null before the first call ended. */
  reachable: boolean | null;
  /** When the server last answered (ISO time). */
  lastContact: string | null;
  /** When `state` was read (ISO time): its age, once the server stops answering. */
  stateReadAt: string | null;
  /** Whether `state` is the present: read, and the server still answers. Otherwise it is history (the last known state). */
  stateCurrent: boolean;
  /** The last failure with this server (a call, a step, its config list); cleared by a success of the same kind. */
  lastError: { time: string; kind: 'refresh' | 'step' | 'configSets'; message: string } | null;
  /** What the application is doing with it now: a step's name, or `GetConfigIDs`. */
  activity: string | null;
}

/** An operation on all ECC servers (a step on all, Bring all to Ready, Start all, Stop all). */
export interface EccOperationStatus {
  name: string;
  /** The MuTAnT/CoBo order it follows, e.g. `CoBos first, then the MuTAnT`. */
  order: string;
  /** Where it is, e.g. `Configure: CoBos first, then the MuTAnT — waiting for the CoBos (ECC0, ECC1)`. */
  phase: string;
  startedAt: string;
}

export interface EccFailure {
  eccServerId: number;
  server: string;
  step: EccStep;
  message: string;
}

/** How the last operation on all ECC servers ended. */
export interface EccOperationReport {
  name: string;
  ok: boolean;
  message: string;
  /** Which servers failed at which step and why (empty on success). */
  failures: EccFailure[];
  startedAt: string;
  finishedAt: string;
}

export interface EccStatus {
  experimentId: number | null;
  /**
   * The common state of all servers, Mixed when they differ, Unknown while one is not known,
   * `Not answering` while any server does not answer (its last state is history, never counted);
   * null without servers.
   */
  overall: EccState | 'Mixed' | 'Unknown' | 'Not answering' | null;
  /** The servers whose last call got no answer, by name. */
  notAnswering: string[];
  servers: EccServerStatus[];
  operation: EccOperationStatus | null;
  lastReport: EccOperationReport | null;
}

/** What a mutation that starts background work answers at once. */
export interface Started {
  started: string;
}

export interface DataRouterCleanStatus {
  id: number;
  name: string;
  /** Whether its staging directory holds no .graw file; null until checked (the SSH checks). */
  clean: boolean | null;
  checkedAt: string | null;
  /**
   * True when `clean` is the latest check's answer; false once a later check of the router
   * failed (or found no staging directory): `clean` and `checkedAt` are then history.
   */
  current: boolean;
}

export interface RunControlStatus {
  experimentId: number | null;
  currentRun: { id: number; number: number; startTime: string } | null;
  dataRouters: DataRouterCleanStatus[];
  pendingJobs: number;
  /**
   * Start all's checklist as it stands now: Start all is refused while an item is not `pass`
   * and not overridden (an `unknown` item is not a pass).
   */
  checklist: ChecklistItem[];
}

export const RUN_PLAN_STATUSES = ['active', 'done', 'cancelled', 'failed'] as const;
export type RunPlanStatus = (typeof RUN_PLAN_STATUSES)[number];

/** One run a plan took, in order. */
export interface RunPlanRun {
  position: number;
  runId: number;
  number: number;
  startTime: string;
  stopTime: string | null;
  /** True when the plan stopped it (its limit reached); false when it was stopped otherwise (by hand). */
  stoppedByPlan: boolean;
}

/**
 * A timed or repeated run (issue 12, item 4): Start all given "stop after" a duration, a volume
 * of data, or both, and "keep cycling". The active plan, or the last one that ended and is not
 * dismissed yet.
 */
export interface RunPlan {
  id: number;
  experimentId: number;
  stopAfterSeconds: number | null;
  stopAfterBytes: number | null;
  cycle: boolean;
  /** The runs the cycle takes in all; null: until cancelled. */
  maxRuns: number | null;
  createdAt: string;
  createdBy: string;
  status: RunPlanStatus;
  endedAt: string | null;
  /** Why it ended (e.g. "Run 14 stopped after 1:00; 3 runs taken"; a failure's reason). */
  endReason: string;
  runs: RunPlanRun[];
  /** What the plan does now, in words, while active (null when it has ended). */
  phase: { kind: 'starting' | 'running' | 'stopping' | 'waiting'; text: string } | null;
  /**
   * The plan's run going now: when it will be stopped by its duration (the countdown runs to
   * `stopAt`), and what it has written against its volume (null until the data flow has read it).
   */
  current: {
    runId: number;
    number: number;
    startTime: string;
    stopAt: string | null;
    written: { bytes: number; currentRouters: number; routers: number } | null;
  } | null;
}

export const INTERRUPTED_ACTIONS = ['recordRun', 'stopServers', 'closeRun'] as const;
/** recordRun, stopServers: an interrupted or failed Start all; closeRun: an interrupted Stop all. */
export type InterruptedAction = (typeof INTERRUPTED_ACTIONS)[number];

/** A Start all or Stop all the application did not finish (it ended during it), or a Start all that failed part way. */
export interface InterruptedOperation {
  /** Its journal entry (runs.resolveInterrupted names it). */
  id: number;
  operation: 'startAll' | 'stopAll';
  /** interrupted: the application ended during it; failed: it failed part way and left servers to resolve. */
  kind: 'interrupted' | 'failed';
  experimentId: number;
  /** Start all: the number the run gets if it is recorded (the next one); Stop all: the run it was stopping. */
  runNumber: number;
  startedAt: string;
  /** Start all: when every server was seen Running; Stop all: when none was Running any more; null when not seen. */
  impliedTime: string | null;
  /** Every ECC server of the experiment and its state now (null: not read yet). */
  servers: { id: number; name: string; state: EccState | null }[];
  /** What happened and what the servers do now, e.g. "Start all was interrupted at 20:31:05: ECC1, ECC2 Running, ECC_mutant Ready, no run recorded." */
  message: string;
  /** Why a failed Start all failed (its report), or '' when it was interrupted. */
  failure: string;
  /** What resolves it now; empty while the servers' states do not allow any (e.g. not read yet). */
  actions: InterruptedAction[];
}

/** A host key a worker computer presented and the application does not know (to compare, then trust). */
export interface PresentedHostKeyInfo {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

/** What listens on a component's port (a data router's data port, an ECC server's SOAP port). */
export type ProcessOnPort = { kind: 'running'; port: number; pid: number } | { kind: 'not-running'; port: number } | { kind: 'other-program'; port: number; pid: number; program: string };

/** The last SSH check of one worker-computer program; every field null until checked. */
export interface WorkerCheck {
  /** When the last check ended (answered or failed). */
  checkedAt: string | null;
  /** When a check last answered; with `error` set, the other fields are from then (history). */
  answeredAt: string | null;
  /** True only when the right program (dataRouter, getEccSoapServer) listens on the component's port. */
  processRunning: boolean | null;
  /** What listens on the port, as the last answer found it. */
  process: ProcessOnPort | null;
  /** The last check's failure (kind and message); null when it answered. */
  error: { kind: string; message: string } | null;
  /** With an unknown or changed host key: the key presented. */
  hostKey: PresentedHostKeyInfo | null;
}

/** The file system of a staging directory, as `df -Pk <directory>` printed it (sizes in KiB). */
export interface DiskSpace {
  directory: string;
  totalKb: number;
  usedKb: number;
  availableKb: number;
  /** df's Capacity column. */
  usedPercent: number;
  mountPoint: string;
}

export interface DataRouterWorkerStatus extends WorkerCheck {
  id: number;
  name: string;
  address: string;
  port: number;
  /** The working directory of the data router listening on its port; null when not found. */
  stagingDirectory: string | null;
  /** Why the staging directory was not found (no data router, none on this port). */
  stagingProblem: string | null;
  /** Whether the staging directory holds no .graw file, as run control knows it (runs.status). */
  clean: boolean | null;
  grawFiles: number | null;
  /** When `clean` was found. */
  cleanCheckedAt: string | null;
  /** False when a later check failed: `clean` is then history, as of `cleanCheckedAt`. */
  cleanCurrent: boolean;
  /** The staging directory's file system; null when not read (no staging directory, df failed). */
  disk: DiskSpace | null;
  /** Why `disk` could not be read (df failed); null otherwise. */
  diskProblem: string | null;
  /** `<staging>/<experiment>/run_NNNN` of the active experiment's NEXT run, and whether it exists already. */
  nextRunFolder: { path: string; exists: boolean } | null;
  /** Why `nextRunFolder` could not be looked at (other than the staging directory not found). */
  nextRunFolderProblem: string | null;
}

export interface EccServerWorkerStatus extends WorkerCheck {
  id: number;
  name: string;
  address: string;
  /** Its SOAP port: the getEccSoapServer listening there is its process. */
  port: number;
}

/**
 * One worker computer (an address of the setup) as the last round of checks reached it. When a
 * connection-level failure (unreachable, refused, authentication, host key, timeout connecting)
 * hit every program on it, it is unreachable: one problem, not one per program.
 */
export interface WorkerHostStatus {
  address: string;
  /** Null until checked. */
  reachable: boolean | null;
  /** The connection failure of the last round; null when reachable or not checked. */
  error: { kind: string; message: string } | null;
  checkedAt: string | null;
  /** With an unknown or changed host key: the key presented. */
  hostKey: PresentedHostKeyInfo | null;
}

export interface WorkersStatus {
  experimentId: number | null;
  /** Every worker computer of the active experiment (the routers' and servers' addresses), by address. */
  hosts: WorkerHostStatus[];
  dataRouters: DataRouterWorkerStatus[];
  eccServers: EccServerWorkerStatus[];
}

/** The newest `.graw` file of a staging folder at a reading. */
export interface NewestGrawFile {
  name: string;
  size: number;
  /** Its modification time as the worker computer's SFTP server gave it (whole seconds). */
  mtime: string;
}

/**
 * A data router's data flow during the current run (DOMAIN.md "During a run"): its staging
 * folder read every `dataFlowSeconds` over SFTP. A read that fails, or a router whose staging
 * folder is not known, leaves the last reading as history: `current` false, `readAt` its time.
 */
export interface DataRouterFlow {
  id: number;
  name: string;
  address: string;
  /** The folder read (the staging directory the last SSH check found); null when not known: nothing is read. */
  stagingDirectory: string | null;
  /** When the last read ended (answered or failed); null before the first read of the run. */
  checkedAt: string | null;
  /** When the last reading that answered was taken (the middle of its SFTP readdir); the figures below are of then. */
  readAt: string | null;
  /** True when the last read answered; false when it failed, the folder is not known, or nothing was read yet. */
  current: boolean;
  /** The last read's failure, or why nothing is read (no staging directory known); null when it answered. */
  error: { kind: string; message: string } | null;
  /** `.graw` files and their bytes in the staging folder at `readAt`. */
  files: number | null;
  bytes: number | null;
  newest: NewestGrawFile | null;
  /** Files and bytes written in this run (since Start all): see `countedFrom`. */
  runFiles: number | null;
  runBytes: number | null;
  /**
   * `start`: the folder was clean at Start all (its checklist item passed), so every file counts;
   * `first-reading`: it was not known clean (an overridden item), so what the run's first reading found is not counted.
   */
  countedFrom: 'start' | 'first-reading';
  /** MB/s (10^6 bytes) between the last two readings: their bytes over the MEASURED time between them; null until two readings. */
  rateMBps: number | null;
  /** The measured time between those two readings, in seconds. */
  rateIntervalSeconds: number | null;
  /** The reading at which the folder's bytes last grew; null when they have not grown in this run. */
  lastGrowthAt: string | null;
  /** Seconds from the last growth (or, before any, from the run's start) to `DataFlowStatus.at`. */
  secondsSinceGrowth: number | null;
  /** The staging file system as the last SSH check's `df -Pk` read it (workers.status `disk`), with the time to full at the current rate. */
  disk: DataFlowDisk | null;
}

export interface DataFlowDisk {
  /** When the df was read (the router's SSH check, every 15 s). */
  checkedAt: string | null;
  usedPercent: number;
  /** Free space in GB (10^9 bytes), df's Available column. */
  freeGb: number;
  mountPoint: string;
  /**
   * Seconds until the file system is full at the current rate of every router writing to it (same
   * computer, same mount point); null when nothing writes to it now or a rate is not current.
   */
  secondsToFull: number | null;
}

export interface DataFlowTotal {
  files: number;
  bytes: number;
  runFiles: number;
  runBytes: number;
  /** The sum of the routers' current rates; null when no router has one. */
  rateMBps: number | null;
  /** Routers whose reading is current, of `routers`: when fewer, the total is partly history. */
  currentRouters: number;
  routers: number;
}

/** The data flow of the active experiment's current run: pushed to subscribers at every reading. */
export interface DataFlowStatus {
  experimentId: number | null;
  /** The current run; null when none goes (nothing is read, `routers` is empty). */
  run: { id: number; number: number; startTime: string } | null;
  /** When this status was made (the application's clock): ages are to this time. */
  at: string;
  /** The setting `dataFlowSeconds`. */
  everySeconds: number;
  routers: DataRouterFlow[];
  total: DataFlowTotal;
}

/**
 * The rate plot of the current run: MB/s per data router against the seconds since its start,
 * on one time axis (one point per round of readings). Kept for the whole run: past
 * `DATA_FLOW_PLOT_POINTS` points, neighbouring points are merged two by two (each merged point
 * the mean rate over its time: bytes over seconds), so the plot holds at most that many.
 */
export interface DataFlowPlot {
  runId: number | null;
  runNumber: number | null;
  /** Seconds since the run's start of each point (its round's end). */
  seconds: number[];
  routers: { id: number; name: string; rateMBps: (number | null)[] }[];
  /** Rounds of readings per point (1, 2, 4, …): how much the plot is downsampled. */
  roundsPerPoint: number;
}

/** At most this many points per router in `dataFlow.plot` (more than a screen's width shows). */
export const DATA_FLOW_PLOT_POINTS = 1000;

/** The end of an ECC server's or data router's log file on its worker computer. */
export interface RemoteLogTail {
  component: RemoteLogComponent;
  id: number;
  name: string;
  /** The worker computer (the component's address). */
  host: string;
  path: string;
  /** The last lines, oldest first; empty when the file could not be read. */
  lines: string[];
  /** The file holds more lines than those shown (or a line was cut at the read limit). */
  truncated: boolean;
  /** The file's size when read; null when it could not be read. */
  fileSize: number | null;
  /** When the file was last read (ISO time). */
  readAt: string;
  /** Why it could not be read (kind as in WorkerCheck); null when it was. */
  error: { kind: string; message: string } | null;
}

export const REMOTE_LOG_COMPONENTS = ['eccServer', 'dataRouter'] as const;
export type RemoteLogComponent = (typeof REMOTE_LOG_COMPONENTS)[number];

/** What the application itself stores about reaching a worker computer; each value set beats ~/.ssh/config. */
export interface SshHostSettings {
  /** The address as the setup names it (an ECC server's or data router's address). */
  host: string;
  user: string | null;
  port: number | null;
  identityFile: string | null;
  updatedAt: string;
}

/** The demo: simulated ECC servers and a simulated worker computer on this computer's loopback. */
export interface DemoStatus {
  /** The demo experiment; null until one was made. */
  experimentId: number | null;
  /** Whether its simulators run in this application now. */
  running: boolean;
  /** Why they do not run (failed to start); null otherwise. */
  problem: string | null;
  /** The folder on this computer that is `/` of the simulated worker computer (where its data files land); null while not running. */
  workerRoot: string | null;
}

export const JOB_KINDS = ['organize_files', 'backup_configs', 'checksum_files'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * A job queued after Stop all: organize one data router's files, back up one ECC server's configs;
 * and once a router's files are organized, hash them on its computer and write the run folder's
 * manifest (checksum_files: a next Start all does not wait for it).
 */
export interface Job {
  id: number;
  kind: JobKind;
  experimentId: number;
  runId: number;
  runNumber: number;
  /** The data router (organize_files, checksum_files) or the ECC server (backup_configs). */
  targetId: number;
  targetName: string;
  /** What the job needs, taken at stop time. */
  details: Record<string, unknown>;
  status: JobStatus;
  attempts: number;
  lastError: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** What a running job is doing now, e.g. `waiting for DataRouter0 to finish writing`; null when it is not running. */
  phase: string | null;
}

/**
 * One run's whole record as a file (runs.export): what an analyst needs months later without the
 * application. Format 2 added `notes`, `dataFlow` and `manifests` to format 1.
 */
export interface RunExport {
  /** The layout of this record; a later one that changes a field gets another number. */
  format: 'attpc-daq-run-export/2';
  exportedAt: string;
  experiment: { id: number; name: string };
  run: {
    id: number;
    number: number;
    title: string;
    runClass: Run['runClass'];
    startTime: string;
    stopTime: string | null;
    configName: string;
    stopUnconfirmed: string[];
    config: RunConfigMark;
  };
  /** One per observable of the experiment, in display order; null where the run has no value. */
  values: { observableId: number; observable: string; units: string; valueType: ValueType; value: MeasurementValue | null }[];
  /** Start all's checklist as it stood at this run's start, overrides included. */
  startChecklist: ChecklistItem[];
  /** What each ECC server was started with (empty for runs recorded before provenance existed). */
  provenance: RunServerConfig[];
  /** The run's after-stop jobs, oldest first. */
  jobs: Job[];
  /** The shift notes about this run, oldest first; a correction is its own note (`corrects`). */
  notes: ShiftNote[];
  /** What the data flow read of the run at its Stop, settled by each router's manifest once made (as Run.dataFlow); null when nothing was read. */
  dataFlow: RunDataFlow | null;
  /** Each data router's manifest of the run folder (files, sizes, SHA-256) with its last verification, and the checksum jobs not done yet. */
  manifests: { folders: RunManifest[]; unfinished: RunManifests['unfinished'] };
}

/** A `.graw` file of a run folder: its size, and its SHA-256 (hex) unless checksums were off. */
export interface ManifestFile {
  name: string;
  size: number;
  sha256: string | null;
}

/** What a verification found in one router's run folder against the manifest kept with the run. */
export interface ManifestVerification {
  /** When it ended. */
  at: string;
  /** No file added, missing or changed, and no problem. */
  ok: boolean;
  /** `.graw` files in the folder that the manifest does not list. */
  added: ManifestFile[];
  /** Files the manifest lists that are no longer there. */
  missing: string[];
  /** Files whose size or SHA-256 differ: as listed, and as found. */
  changed: { name: string; expected: ManifestFile; found: ManifestFile }[];
  /** Why the folder could not be verified (unreachable, sha256sum failed); null when it was. */
  problem: string | null;
}

/** One router's manifest of a run: the run folder's files as the checksum job found them. */
export interface RunManifest {
  dataRouterId: number;
  dataRouterName: string;
  address: string;
  /** The run folder on the worker computer. */
  folder: string;
  /** `MANIFEST.sha256`, `MANIFEST.sizes` (checksums off), or '' (the folder held no file: none written). */
  manifestFile: string;
  checksums: boolean;
  madeAt: string;
  files: ManifestFile[];
  totalBytes: number;
  /** The last verification (runs.verify); null before the first. */
  verification: ManifestVerification | null;
  /** A verification of this folder is under way now. */
  verifying: boolean;
}

export interface RunManifests {
  runId: number;
  runNumber: number;
  manifests: RunManifest[];
  /** The run's checksum jobs not done yet (their routers have no manifest yet), e.g. `DataRouter1: running`. */
  unfinished: { dataRouterName: string; status: JobStatus; lastError: string }[];
}

/** A run as runs.compare names it. */
export interface ComparedRun {
  runId: number;
  runNumber: number;
  title: string;
  startTime: string;
  stopTime: string | null;
  /** As in the run sheet (RunConfigMark.hash); null when not known. */
  configHash: string | null;
  /** Whether Start all recorded what its ECC servers were started with (runs before that have nothing to compare). */
  recorded: boolean;
}

/** What one ECC server was started with at one of the two runs. */
export interface ComparedServerSide {
  configSet: { describe: string; prepare: string; configure: string };
  configId: string;
  dataLinkTable: string;
  address: string;
  /** Where its backup after Stop is on that computer; null when no backup job was queued. */
  backupFolder: string | null;
}

/** One row of a side-by-side diff: a line on both sides, changed, only on one side, or unchanged lines left out. */
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added' | 'skipped';
  /** The line of run a (number from 1, text); null where it has none. */
  a: { line: number; text: string } | null;
  b: { line: number; text: string } | null;
  /** For `skipped`: how many unchanged lines are left out. */
  skipped?: number;
}

/** Two texts side by side: the rows shown, and how many lines were added and removed. */
export interface SideBySide {
  rows: DiffRow[];
  added: number;
  removed: number;
}

/** One of a server's three config files (describe, prepare, configure) in the two runs. */
export interface ComparedFile {
  role: 'describe' | 'prepare' | 'configure';
  /** The file at each run: its name, SHA-256 just before the start, and of its backup; null where the run has no such file. */
  a: { name: string; startSha256: string | null; backupSha256: string | null } | null;
  b: { name: string; startSha256: string | null; backupSha256: string | null } | null;
  /** By the hashes at the start: the same content, different, or null when either is not known. */
  same: boolean | null;
  /** Side by side, the backups' lines with 3 unchanged lines around each change; null when the files are the same or could not be read. */
  diff: SideBySide | null;
  /** Why files that differ have no diff (a backup not made yet, missing, too large, unreachable); null when none. */
  problem: string | null;
  /** What to know about the backups shown, e.g. `the backup of prepare-cobo.xcfg of ECC0 at run 137 differs from what run 137 was started with: the file changed during the run`. */
  notes: string[];
}

export interface ComparedServer {
  eccServer: string;
  /** Null: the server was not in that run. */
  a: ComparedServerSide | null;
  b: ComparedServerSide | null;
  /** The same config set names (describe, prepare, configure) at both runs. */
  sameSet: boolean;
  sameConfigId: boolean;
  sameDataLinkTable: boolean;
  files: ComparedFile[];
}

/** Two runs' configs compared (runs.compare): which servers used which sets, which files differ, and how. */
export interface RunComparison {
  experimentId: number;
  a: ComparedRun;
  b: ComparedRun;
  /** Every ECC server of either run, by name. */
  servers: ComparedServer[];
  /** Config files whose content differs (by the hashes at the start). */
  differentFiles: number;
  /** Servers started with another set in one run than in the other, or in one run only. */
  differentSets: number;
}

/** A run named by id, or by number in an experiment (the active one unless named). */
const runRef = z
  .object({ runId: id.optional(), runNumber: z.number({ error: 'Must be a whole number' }).int('Must be a whole number').min(0, 'Must be 0 or more').optional(), ...experimentRef })
  .refine((r) => (r.runId === undefined) !== (r.runNumber === undefined), { message: 'Give runId or runNumber (one of them)', path: ['runId'] });

const eccStep = z.enum(ECC_STEPS, { error: `Must be one of ${ECC_STEPS.join(', ')}` });
/** Steps on all servers at once; Start goes through runs.startAll, which records the run. */
const ALL_STEPS = ['Describe', 'Prepare', 'Configure', 'Stop', 'Breakup', 'Undo'] as const;
const allStep = z.enum(ALL_STEPS, {
  error: `Must be one of ${ALL_STEPS.join(', ')} (Start all is runs.startAll, which records the run)`,
});

export const operations = {
  'app.info': {
    kind: 'query',
    summary: 'Version, schema version, data directory and whether this connection is read-only.',
    input: z.object({}),
    output: returns<AppInfo>(),
  },

  // --- Experiments ---------------------------------------------------------------------------
  'experiments.list': {
    kind: 'query',
    summary: 'All experiments, the active one marked.',
    input: z.object({}),
    output: returns<Experiment[]>(),
  },
  'experiments.create': {
    kind: 'mutation',
    summary: 'Create an experiment and make it the active one (the first one always is). Refused while any ECC server is not Idle.',
    input: z.object({ name: experimentName, activate: z.boolean().default(true) }),
    output: returns<Experiment>(),
  },
  'experiments.rename': {
    kind: 'mutation',
    summary: 'Rename an experiment.',
    input: z.object({ id, name: experimentName }),
    output: returns<Experiment>(),
  },
  'experiments.update': {
    kind: 'mutation',
    summary:
      "Change an experiment's settings: checksums (default true) says whether each run folder's .graw files are hashed (SHA-256, on the worker computers) for its manifest; false (slow disks) keeps sizes only, in MANIFEST.sizes.",
    input: z.object({ id, checksums: z.boolean({ error: 'Must be true or false' }) }),
    output: returns<Experiment>(),
  },
  'experiments.activate': {
    kind: 'mutation',
    summary: 'Make an experiment the active one. Refused while any ECC server is not Idle or a run is going.',
    input: z.object({ id }),
    output: returns<Experiment>(),
  },

  // --- Setup ---------------------------------------------------------------------------------
  'setup.get': {
    kind: 'query',
    summary: "An experiment's ECC servers (with their config sets), data routers and data sources; null when there is no experiment.",
    input: z.object(experimentRef),
    output: returns<Setup | null>(),
  },
  'eccServers.add': {
    kind: 'mutation',
    summary: 'Add an ECC server.',
    input: z.object({ ...experimentRef, ...eccServerFields }),
    output: returns<EccServer>(),
  },
  'eccServers.update': {
    kind: 'mutation',
    summary: "Change an ECC server's fields (only those given).",
    input: z.object(editable(eccServerFields)),
    output: returns<EccServer>(),
  },
  'eccServers.remove': {
    kind: 'mutation',
    summary: 'Remove an ECC server. Refused while a data source uses it or it is not Idle.',
    input: z.object({ id }),
    output: returns<{ id: number }>(),
  },
  'dataRouters.add': {
    kind: 'mutation',
    summary: 'Add a data router.',
    input: z.object({ ...experimentRef, ...dataRouterFields }),
    output: returns<DataRouter>(),
  },
  'dataRouters.update': {
    kind: 'mutation',
    summary: "Change a data router's fields (only those given).",
    input: z.object(editable(dataRouterFields)),
    output: returns<DataRouter>(),
  },
  'dataRouters.remove': {
    kind: 'mutation',
    summary: 'Remove a data router. Refused while a data source uses it.',
    input: z.object({ id }),
    output: returns<{ id: number }>(),
  },
  'dataSources.add': {
    kind: 'mutation',
    summary: 'Add a data source linking one ECC server and one data router (a router serves at most one source).',
    input: z.object({ ...experimentRef, ...dataSourceFields }),
    output: returns<DataSource>(),
  },
  'dataSources.update': {
    kind: 'mutation',
    summary: "Change a data source's name or links (only those given).",
    input: z.object(editable(dataSourceFields)),
    output: returns<DataSource>(),
  },
  'dataSources.remove': {
    kind: 'mutation',
    summary: 'Remove a data source.',
    input: z.object({ id }),
    output: returns<{ id: number }>(),
  },
  'setup.easy': {
    kind: 'mutation',
    summary:
      "Replace an experiment's ECC servers, data routers and data sources with a generated setup of N CoBos and an optional MuTAnT, all or nothing.",
    input: z
      .object({
        ...experimentRef,
        coboCount: z.number().int('Must be a whole number').min(1, 'At least 1').max(256, 'At most 256'),
        sharedEccServer: z.boolean().default(false),
        eccAddress: address,
        eccPort: port.default(DEFAULT_ECC_PORT),
        dataRouterAddress: address,
        dataRouterPort: port.default(DEFAULT_DATA_ROUTER_PORT),
        eccLogPath: remotePath,
        dataRouterLogPath: remotePath,
        configRoot: remotePath,
        configBackupRoot: remotePath,
        mutant: z
          .object({
            /** The MuTAnT's own ECC server; not used when one ECC server is shared. */
            eccAddress: address.optional(),
            dataRouterAddress: address,
          })
          .nullable()
          .default(null),
      })
      .superRefine((v, ctx) => {
        if (v.mutant && !v.sharedEccServer && !v.mutant.eccAddress) {
          ctx.addIssue({
            code: 'custom',
            path: ['mutant', 'eccAddress'],
            message: 'Required: the MuTAnT gets its own ECC server unless one is shared',
          });
        }
      }),
    output: returns<Setup>(),
  },
  'setup.export': {
    kind: 'query',
    summary: "An experiment's whole setup (ECC servers, selected config sets, data routers, data sources, observables) as a document to save.",
    input: z.object(experimentRef),
    output: returns<SetupDocument>(),
  },
  'setup.import': {
    kind: 'mutation',
    summary:
      "Replace an experiment's ECC servers, data routers and data sources with those of a setup document, all or nothing; observables it names are added when missing.",
    input: z.object({ ...experimentRef, document: setupDocument }),
    output: returns<Setup>(),
  },

  // --- Run sheet -----------------------------------------------------------------------------
  'runSheet.get': {
    kind: 'query',
    summary: "An experiment's observables (in display order), runs with their measurements, and the shift notes about its runs; null when there is no experiment.",
    input: z.object(experimentRef),
    output: returns<RunSheet | null>(),
  },
  'runSheet.exportCsv': {
    kind: 'query',
    summary:
      "The run sheet as CSV: number, class, title, start, stop, config, config hash (the short hash of the run's config files at its start), one column per observable in display order, then the notes about the run.",
    input: z.object(experimentRef),
    output: returns<{ fileName: string; csv: string }>(),
  },
  'observables.add': {
    kind: 'mutation',
    summary: 'Add an observable at the end of the display order.',
    input: z.object({ ...experimentRef, ...observableFields }),
    output: returns<Observable>(),
  },
  'observables.update': {
    kind: 'mutation',
    summary: "Change an observable's fields (only those given). A type change is refused when a recorded value does not fit it.",
    input: z.object(editable(observableFields)),
    output: returns<Observable>(),
  },
  'observables.remove': {
    kind: 'mutation',
    summary: 'Remove an observable. Refused while runs hold values for it, unless deleteValues is true.',
    input: z.object({ id, deleteValues: z.boolean().default(false) }),
    output: returns<{ id: number }>(),
  },
  'observables.reorder': {
    kind: 'mutation',
    summary: "Set the display order: every observable id of the experiment, in the new order.",
    input: z.object({ ...experimentRef, order: z.array(id).min(1, 'Required') }),
    output: returns<Observable[]>(),
  },
  'runs.update': {
    kind: 'mutation',
    summary: "Update a run's title, class and measurements (keyed by observable id; null or empty clears a value).",
    input: z.object({
      id,
      title: z.string().trim().max(500, 'At most 500 characters').optional(),
      runClass: runClass.optional(),
      measurements: z.record(z.string().regex(/^[1-9]\d*$/, 'Keys must be observable ids'), measurementInput).optional(),
    }),
    output: returns<Run>(),
  },
  'runs.export': {
    kind: 'query',
    summary:
      "One run's whole record as JSON, with a file name to save it under: metadata, values, the checklist it was started with, what each ECC server was started with (set, configID and table strings, config file hashes at the start and at the backup), its after-stop jobs, its shift notes, its data flow at Stop and each router's manifest of its files with the last verification.",
    input: z.object({ id }),
    output: returns<{ fileName: string; record: RunExport }>(),
  },
  'runs.sameAsPrevious': {
    kind: 'mutation',
    summary: "Copy the title, class and every measurement of the previous run into this run.",
    input: z.object({ id }),
    output: returns<Run>(),
  },

  // --- Shift notes ---------------------------------------------------------------------------
  'notes.add': {
    kind: 'mutation',
    summary:
      "Write a shift note in the experiment's logbook, signed with the operating-system user, optionally about a run; with corrects, it is the correction of an earlier note (never changed itself).",
    input: z.object({
      ...experimentRef,
      text: z
        .string({ error: 'Required' })
        .trim()
        .min(1, 'Required: write what the note says')
        .max(NOTE_MAX_LENGTH, `At most ${NOTE_MAX_LENGTH} characters`),
      /** Absent in a correction: the corrected note's run; null: about no run. */
      runNumber: runNumber.nullable().optional(),
      corrects: id.optional(),
    }),
    output: returns<ShiftNote>(),
  },
  'notes.list': {
    kind: 'query',
    summary: "The experiment's shift notes, newest first, optionally those about one run or containing a text, a page at a time.",
    input: z.object({
      ...experimentRef,
      search: z.string().trim().max(200, 'At most 200 characters').optional(),
      runNumber: runNumber.optional(),
      ...pageInput,
    }),
    output: returns<Page<ShiftNote>>(),
  },

  // --- ECC control ---------------------------------------------------------------------------
  'ecc.status': {
    kind: 'query',
    summary:
      "The live status of the active experiment's ECC servers (state, step under way, reachable, last contact, last error), the overall state, the operation on all servers under way and the last one's report.",
    input: z.object({}),
    output: returns<EccStatus>(),
  },
  'ecc.refresh': {
    kind: 'mutation',
    summary: 'Read the state of one ECC server, or of every server of the active experiment, in the background.',
    input: z.object({ eccServerId: id.optional() }),
    output: returns<Started>(),
  },
  'ecc.step': {
    kind: 'mutation',
    summary:
      'One step on one ECC server, in the background (for troubleshooting). Refused before anything is sent when the step is not possible from its known state, it is busy, or it has no selected config set and would leave Idle.',
    input: z.object({ eccServerId: id, step: eccStep }),
    output: returns<Started>(),
  },
  'ecc.stepAll': {
    kind: 'mutation',
    summary:
      'One step on every ECC server of the active experiment, in the MuTAnT/CoBo order, in the background. Needs a consistent overall state.',
    input: z.object({ step: allStep }),
    output: returns<Started>(),
  },
  'ecc.reset': {
    kind: 'mutation',
    summary: 'One step back on one ECC server (Undo, Breakup or Stop; nothing below Idle), in the background.',
    input: z.object({ eccServerId: id }),
    output: returns<Started>(),
  },
  'ecc.resetAll': {
    kind: 'mutation',
    summary: 'One step back on every ECC server (a consistent overall state is needed), in the MuTAnT/CoBo order, in the background.',
    input: z.object({}),
    output: returns<Started>(),
  },
  'ecc.bringAllToReady': {
    kind: 'mutation',
    summary:
      'Describe, Prepare and Configure every ECC server in turn (each step finished everywhere before the next), in the background; stops at the first failure and reports which server failed at which step and why.',
    input: z.object({}),
    output: returns<Started>(),
  },
  'configSets.refresh': {
    kind: 'mutation',
    summary:
      "Read an ECC server's config sets (GetConfigIDs) in the background: new sets are added, vanished ones removed, the selection kept while it exists.",
    input: z.object({ eccServerId: id }),
    output: returns<Started>(),
  },
  'configSets.select': {
    kind: 'mutation',
    summary: "Select the config set an ECC server's steps send. Refused while the server is busy or past Idle.",
    input: z.object({ id }),
    output: returns<EccServer>(),
  },

  // --- Runs ----------------------------------------------------------------------------------
  'runs.status': {
    kind: 'query',
    summary: "The active experiment's current run, whether each data router's staging directory is known clean, and the number of pending after-stop jobs.",
    input: z.object({}),
    output: returns<RunControlStatus>(),
  },
  'runs.startAll': {
    kind: 'mutation',
    summary:
      "Start a run: no run current and every item of the checklist passed or overridden (runs.status), then in the background re-configures the MuTAnT, starts the CoBos, then the MuTAnT; the run is recorded with the next number and the checklist once every server is Running. Given stopAfterSeconds, stopAfterGb or both, the run is stopped by itself when the first is reached; with cycle, the next run is started after each stop (once its jobs are done and the checklist passes) with the previous run's title, class and values, until cancelled or `runs` runs are taken (runs.plan). Refused while a plan is active.",
    input: runPlanInput,
    output: returns<Started>(),
  },
  'runs.plan': {
    kind: 'query',
    summary:
      "The active experiment's run plan (a timed or repeated Start all): its limits, the runs it took, what it does now and the countdown of its run; or the last one that ended, until dismissed; null when there is none.",
    input: z.object({}),
    output: returns<RunPlan | null>(),
  },
  'runs.cancelPlan': {
    kind: 'mutation',
    summary: 'End the active run plan: no run is stopped or started by it any more (a run going goes on until stopped).',
    input: z.object({}),
    output: returns<RunPlan>(),
  },
  'runs.dismissPlan': {
    kind: 'mutation',
    summary: 'Stop showing a plan that has ended (a failed plan keeps its alarm until then). Refused for the active plan: cancel it.',
    input: z.object({ id }),
    output: returns<RunPlan>(),
  },
  'runs.overrideChecklistItem': {
    kind: 'mutation',
    summary:
      "Override one item of Start all's checklist for the next Start all, with a reason (recorded in the audit trail and on the run); reason null withdraws it. Refused for items a start cannot survive (an ECC server not answering or not Ready, a router known not clean or not running).",
    input: z.object({
      key: z.string().min(1, 'Required').max(100, 'At most 100 characters'),
      reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500, 'At most 500 characters').nullable(),
    }),
    output: returns<ChecklistItem>(),
  },
  'runs.stopAll': {
    kind: 'mutation',
    summary:
      'Stop the current run in the background: the MuTAnT first, then the CoBos; never blocked by a server that does not answer (it is named on the run and in the report, its state unknown); then the run gets its stop time and the after-stop jobs are queued.',
    input: z.object({}),
    output: returns<Started>(),
  },
  'runs.interrupted': {
    kind: 'query',
    summary:
      "The active experiment's Start all or Stop all that the application did not finish (it was killed or lost power during it), or a Start all that failed part way, with the servers' states now and the actions that resolve it; null when there is none.",
    input: z.object({}),
    output: returns<InterruptedOperation | null>(),
  },
  'runs.resolveInterrupted': {
    kind: 'mutation',
    summary:
      'Resolve an interrupted or failed operation (runs.interrupted): recordRun records the run with the reserved number and the start time the servers imply; stopServers stops the Running servers in the Stop order, then configures a broken-up MuTAnT back to Ready (in the background); closeRun closes the run of an interrupted Stop all and queues its after-stop jobs.',
    input: z.object({ id, action: z.enum(INTERRUPTED_ACTIONS, { error: `Must be one of ${INTERRUPTED_ACTIONS.join(', ')}` }) }),
    output: returns<{ message: string }>(),
  },
  'jobs.list': {
    kind: 'query',
    summary: 'The after-stop jobs (organize files, back up configs) of an experiment, newest first, optionally of one status.',
    input: z.object({ ...experimentRef, status: z.enum(JOB_STATUSES).optional(), limit: z.number().int().min(1).max(1000).default(200) }),
    output: returns<Job[]>(),
  },
  'jobs.retry': {
    kind: 'mutation',
    summary:
      'Try a failed after-stop job again: it becomes pending with its attempts counted from zero (its failure stays in the log). Refused unless the job is failed.',
    input: z.object({ id }),
    output: returns<Job>(),
  },
  'runs.manifests': {
    kind: 'query',
    summary:
      "A run's manifests, one per data router: the run folder's .graw files (name, size, SHA-256) as the checksum job found them after organizing, and the last verification.",
    input: runRef,
    output: returns<RunManifests>(),
  },
  'runs.compare': {
    kind: 'query',
    summary:
      "Compare the configs of two runs of an experiment (the active one unless named), by run number: per ECC server the set, configID and data-link table each was started with, which config files differ (by their SHA-256 at the start), and a side-by-side diff of each differing file, read from the two runs' backups over SFTP.",
    input: z.object({ ...experimentRef, a: runNumber, b: runNumber }),
    output: returns<RunComparison>(),
  },
  'runs.verify': {
    kind: 'mutation',
    summary:
      "Verify a run's data files in the background: every router's run folder is listed and hashed again on its computer and compared with the manifest kept with the run; files added, missing or changed are reported (runs.manifests) and a mismatch is an error in the log. Refused while a verification of the run is under way or no manifest is made yet.",
    input: runRef,
    output: returns<Started>(),
  },
  'dataRouters.moveLeftovers': {
    kind: 'mutation',
    summary:
      "Move the .graw files left in a data router's staging directory into <staging>/<experiment>/unsorted/<YYYYMMDD-HHMMSS>/, in the background (never deleted, never overwritten); the router is checked again afterwards. Refused while a run is going or the router's files are being organized.",
    input: z.object({ id }),
    output: returns<Started>(),
  },

  // --- Worker computers (SSH) ----------------------------------------------------------------
  'workers.status': {
    kind: 'query',
    summary:
      "The last SSH checks of the active experiment's worker computers: each data router's process, staging directory and whether it is clean, each ECC server's process; failures with their kind and, for an unknown host key, the key's fingerprint.",
    input: z.object({}),
    output: returns<WorkersStatus>(),
  },
  'dataFlow.status': {
    kind: 'query',
    summary:
      "The data flow of the current run, read from each data router's staging folder every dataFlowSeconds: files, bytes, the files and bytes written in this run, MB/s over the measured time between two readings, the time since the files last grew, the staging file system's free space and time to full, and the totals. A reading that is not current says so, with its time.",
    input: z.object({}),
    output: returns<DataFlowStatus>(),
  },
  'dataFlow.plot': {
    kind: 'query',
    summary: "The current run's rate plot: MB/s per data router against the seconds since its start, for the whole run (downsampled to at most 1000 points).",
    input: z.object({}),
    output: returns<DataFlowPlot>(),
  },
  'hosts.trust': {
    kind: 'mutation',
    summary:
      "Trust the host key a worker computer presented to a check (found by host, port and fingerprint; never a key sent by the caller): it is added to the application's known_hosts.",
    input: z.object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535).default(22),
      keyType: z.string().min(1).max(64),
      fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Must be a SHA256: fingerprint as ssh-keygen -l prints it'),
    }),
    output: returns<PresentedHostKeyInfo & { file: string }>(),
  },

  'remoteLogs.tail': {
    kind: 'query',
    summary:
      "The last lines of an ECC server's or data router's log file on its worker computer, read over SFTP. Subscribed to, it follows the file: the application reads it again every few seconds while someone watches.",
    input: z.object({
      component: z.enum(REMOTE_LOG_COMPONENTS, { error: `Must be one of ${REMOTE_LOG_COMPONENTS.join(', ')}` }),
      id,
      lines: z.number().int('Must be a whole number').min(1, 'At least 1').max(2000, 'At most 2000').default(50),
    }),
    output: returns<RemoteLogTail>(),
  },
  'sshHosts.list': {
    kind: 'query',
    summary: "The application's own SSH settings per worker computer (user, port, identity file), which beat ~/.ssh/config.",
    input: z.object({}),
    output: returns<SshHostSettings[]>(),
  },
  'sshHosts.set': {
    kind: 'mutation',
    summary: "Set the application's SSH settings for a worker computer (null or absent: use ~/.ssh/config's).",
    input: z.object({
      host: address,
      user: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$/, 'Not a user name (letters, digits, . _ -; at most 32)')
        .nullable()
        .default(null),
      port: port.nullable().default(null),
      identityFile: z
        .string()
        .trim()
        .max(1024, 'At most 1024 characters')
        .refine((p) => p.startsWith('/') || p.startsWith('~/'), 'Must be an absolute path (or start with ~/)')
        .refine((p) => !/[\x00-\x1f\x7f]/.test(p), 'Must not contain control characters')
        .nullable()
        .default(null),
    }),
    output: returns<SshHostSettings>(),
  },
  'sshHosts.remove': {
    kind: 'mutation',
    summary: "Forget the application's SSH settings for a worker computer (~/.ssh/config applies again).",
    input: z.object({ host: address }),
    output: returns<{ host: string }>(),
  },

  // --- Demo ----------------------------------------------------------------------------------
  'demo.status': {
    kind: 'query',
    summary: 'Whether the demo experiment exists and its simulators run.',
    input: z.object({}),
    output: returns<DemoStatus>(),
  },
  'demo.create': {
    kind: 'mutation',
    summary:
      'Make the demo experiment active: four CoBos and a MuTAnT on simulated ECC servers and a simulated worker computer on loopback, started by the application (made the first time). Refused while a run is going.',
    input: z.object({}),
    output: returns<Experiment>(),
  },

  // --- Settings ------------------------------------------------------------------------------
  'settings.get': {
    kind: 'query',
    summary:
      "The application's settings: how often ECC states are read, the least free disk Start all needs, how long files must settle after Stop, how often the staging folders are read for the data flow during a run.",
    input: z.object({}),
    output: returns<Settings>(),
  },
  'settings.update': {
    kind: 'mutation',
    summary: 'Change some settings (only those given); they apply at once.',
    input: z
      .object({
        stateRefreshSeconds: settingsFields.stateRefreshSeconds.optional(),
        minFreeDiskGb: settingsFields.minFreeDiskGb.optional(),
        settleSeconds: settingsFields.settleSeconds.optional(),
        dataFlowSeconds: settingsFields.dataFlowSeconds.optional(),
        runPlanStartWaitMinutes: settingsFields.runPlanStartWaitMinutes.optional(),
      })
      .strict(),
    output: returns<Settings>(),
  },

  // --- Read-only monitors --------------------------------------------------------------------
  'monitor.status': {
    kind: 'query',
    summary:
      'The read-only monitor listener: its setting, whether it listens, the address to hand out (with the monitor token, never the control token) and how many monitors are connected.',
    input: z.object({}),
    output: returns<MonitorStatus>(),
  },
  'monitor.configure': {
    kind: 'mutation',
    summary:
      'Open, move or close the monitor listener (only what is given changes); it applies at once and is stored. Refused with the field named when it cannot listen there.',
    input: z
      .object({
        enabled: monitorFields.enabled.optional(),
        host: monitorFields.host.optional(),
        port: monitorFields.port.optional(),
      })
      .strict(),
    output: returns<MonitorStatus>(),
  },
  'monitor.newToken': {
    kind: 'mutation',
    summary: 'Make a new monitor token: the monitors connected with the old one are disconnected at once, and the old token is refused.',
    input: z.object({}),
    output: returns<MonitorStatus>(),
  },
  // --- Alarms --------------------------------------------------------------------------------
  'alarms.list': {
    kind: 'query',
    summary:
      'Every active alarm (newest first: the banners and the sound follow them) and a page of the alarms that have cleared, optionally of one experiment (with the application\'s own).',
    input: z.object({ experimentId: id.optional(), ...pageInput }),
    output: returns<AlarmList>(),
  },
  'alarms.acknowledge': {
    kind: 'mutation',
    summary: "Acknowledge an alarm: its banner and sound stop; who and when are kept on it (and the call in the audit trail). Refused when it was acknowledged already.",
    input: z.object({ id }),
    output: returns<Alarm>(),
  },
  'alarms.rules.get': {
    kind: 'query',
    summary: "An experiment's alarm rules (the active one's unless named): each rule's settings as set, and its defaults; null without an experiment.",
    input: z.object(experimentRef),
    output: returns<AlarmRules | null>(),
  },
  'alarms.rules.update': {
    kind: 'mutation',
    summary: "Change an experiment's alarm rules (only the rules and fields given); they apply at the next round. A rule or field that does not exist, or a value out of range, is refused with the field named.",
    input: z.object({ ...experimentRef, rules: alarmRulesChange }).strict(),
    output: returns<AlarmRules>(),
  },

  // --- Log and audit -------------------------------------------------------------------------
  'log.list': {
    kind: 'query',
    summary: 'Log entries, newest first, filtered by experiment, levels and source, a page at a time.',
    input: z.object({
      experimentId: id.optional(),
      levels: z.array(logLevel).optional(),
      source: z.string().max(200).optional(),
      ...pageInput,
    }),
    output: returns<Page<LogEntry>>(),
  },
  'log.sources': {
    kind: 'query',
    summary: 'The distinct sources of the log entries, for filtering.',
    input: z.object({}),
    output: returns<string[]>(),
  },
  'log.clear': {
    kind: 'mutation',
    summary: "Delete log entries: an experiment's, or all when none is named.",
    input: z.object({ experimentId: id.optional() }),
    output: returns<{ deleted: number }>(),
  },
  'audit.list': {
    kind: 'query',
    summary: 'The audit trail of operator actions, newest first, a page at a time.',
    input: z.object({ action: z.string().max(100).optional(), ...pageInput }),
    output: returns<Page<AuditEntry>>(),
  },
} as const satisfies Record<string, OperationDefinition>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type QueryName = { [K in OperationName]: Operations[K]['kind'] extends 'query' ? K : never }[OperationName];
export type MutationName = Exclude<OperationName, QueryName>;
/** What a caller sends (defaults may be left out). */
export type InputOf<K extends OperationName> = z.input<Operations[K]['input']>;
/** What a handler receives, after validation and defaults. */
export type ParsedInputOf<K extends OperationName> = z.output<Operations[K]['input']>;
export type OutputOf<K extends OperationName> = Operations[K]['output'];

export const OPERATION_NAMES = Object.keys(operations) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}

export function isQuery(name: OperationName): name is QueryName {
  return operations[name].kind === 'query';
}

/**
 * The client side of the API, as the renderer sees it whichever transport carries it
 * (Electron IPC through the preload, or HTTP/WebSocket in a browser).
 */
export interface ApiClient {
  call<K extends OperationName>(name: K, input: InputOf<K>): Promise<OutputOf<K>>;
  /** Calls onData with the query's result now and after every change; returns the unsubscribe function. */
  subscribe<K extends QueryName>(
    name: K,
    input: InputOf<K>,
    onData: (value: OutputOf<K>) => void,
    onError: (error: Error) => void,
  ): () => void;
}
