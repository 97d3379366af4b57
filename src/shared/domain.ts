// Domain vocabulary shared by the main process and the renderer: names, constants and the
// validation rules of every field an operator can type. No Node or Electron imports here.
import { z } from 'zod';

/** Board states as the ECC server reports them (ECC-PROTOCOL.md: State). */
export const ECC_STATES = ['Off', 'Idle', 'Described', 'Prepared', 'Ready', 'Running', 'Paused'] as const;
export type EccState = (typeof ECC_STATES)[number];

/** The steps that move an ECC server between states (ECC-PROTOCOL.md: Transition codes 1..9). */
export const ECC_STEPS = ['Describe', 'Prepare', 'Configure', 'Start', 'Stop', 'Pause', 'Resume', 'Breakup', 'Undo'] as const;
export type EccStep = (typeof ECC_STEPS)[number];

export const RUN_CLASSES = ['Testing', 'Production', 'Beam', 'Junk', 'Pulser'] as const;
export type RunClass = (typeof RUN_CLASSES)[number];

export const CONNECTION_TYPES = ['ICE', 'TCP', 'FDT', 'ZBUF'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

export const VALUE_TYPES = ['integer', 'float', 'string'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_ECC_PORT = 8083;
export const DEFAULT_DATA_ROUTER_PORT = 46005;
export const DEFAULT_SOAP_NAMESPACE = 'urn:ecc';

// ---------------------------------------------------------------------------------------------
// Field rules. Each message says what is allowed, since it is shown to the operator as is.

export const id = z.number({ error: 'Must be a number' }).int('Must be a whole number').positive('Must be positive');

/**
 * Experiment names become folder names on the worker computers
 * (`<staging>/<experiment>/run_NNNN`), so they are restricted to characters that are safe in
 * a path and in a shell word.
 */
export const experimentName = z
  .string({ error: 'Required' })
  .trim()
  .min(1, 'Required')
  .max(64, 'At most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "Use letters, digits, '_', '-' or '.' (not first): the name becomes a folder on the worker computers",
  );

/** Names sent to the ECC server must be ASCII (gSOAP may run in Latin-1 mode). */
export const componentName = z
  .string({ error: 'Required' })
  .trim()
  .min(1, 'Required')
  .max(64, 'At most 64 characters')
  .regex(/^[\x20-\x7e]+$/, 'Use printable ASCII characters only (the ECC server may not read others)');

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const hostName = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ipv6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;

export function isValidAddress(value: string): boolean {
  if (ipv4.test(value)) return true;
  // A dotted all-digit name that is not a valid IPv4 address is a typo, not a host name.
  if (/^[\d.]+$/.test(value)) return false;
  return hostName.test(value) || (ipv6.test(value) && value.split('::').length <= 2);
}

export const address = z
  .string({ error: 'Required' })
  .trim()
  .min(1, 'Required')
  .refine(isValidAddress, 'Not an IP address or host name');

export const port = z
  .number({ error: 'Must be a number' })
  .int('Must be a whole number')
  .min(1, 'Must be between 1 and 65535')
  .max(65535, 'Must be between 1 and 65535');

/** An absolute path on a worker computer. */
export const remotePath = z
  .string({ error: 'Required' })
  .trim()
  .min(1, 'Required')
  .max(1024, 'At most 1024 characters')
  .refine((p) => p.startsWith('/'), 'Must be an absolute path (starting with /)')
  .refine((p) => !/[\x00-\x1f\x7f]/.test(p), 'Must not contain control characters')
  .refine((p) => !p.split('/').includes('..'), "Must not contain '..'");

export const DATA_SOURCE_NAME_RULE = 'Must be CoBo[N] (N = 0, 1, …) or Mutant[master]';
const coboName = /^CoBo\[(0|[1-9]\d{0,3})\]$/;
const mutantName = /^Mutant\[[A-Za-z0-9_]+\]$/;

export function isMutantSourceName(name: string): boolean {
  return mutantName.test(name);
}

export const dataSourceName = z
  .string({ error: 'Required' })
  .trim()
  .refine((n) => coboName.test(n) || mutantName.test(n), DATA_SOURCE_NAME_RULE);

export const soapNamespace = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(200, 'At most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'Must be a URI without spaces')
  // The soap package writes it into an xmlns attribute as it is (GetConfigIDs and the steps).
  .regex(/^[^&<>"]+$/, 'Must not contain & < > or "');

export const runClass = z.enum(RUN_CLASSES, { error: `Must be one of ${RUN_CLASSES.join(', ')}` });
export const connectionType = z.enum(CONNECTION_TYPES, { error: `Must be one of ${CONNECTION_TYPES.join(', ')}` });
export const valueType = z.enum(VALUE_TYPES, { error: `Must be one of ${VALUE_TYPES.join(', ')}` });
export const logLevel = z.enum(LOG_LEVELS, { error: `Must be one of ${LOG_LEVELS.join(', ')}` });

export const observableName = z
  .string({ error: 'Required' })
  .trim()
  .min(1, 'Required')
  .max(64, 'At most 64 characters');

/** What a person may type into a measurement field; the observable's type decides the rest. */
export const measurementInput = z.union([z.number(), z.string().max(10_000, 'At most 10000 characters'), z.null()]);
export type MeasurementInput = z.infer<typeof measurementInput>;
export type MeasurementValue = number | string | null;

/**
 * Converts what a person typed into the value stored for an observable of this type.
 * Returns an error message instead when the value does not fit the type.
 */
export function parseMeasurement(
  type: ValueType,
  input: MeasurementInput,
): { ok: true; value: MeasurementValue } | { ok: false; message: string } {
  if (input === null) return { ok: true, value: null };
  if (type === 'string') return { ok: true, value: String(input) };
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (text === '') return { ok: true, value: null };
  if (type === 'integer') {
    if (!/^[-+]?\d+$/.test(text)) return { ok: false, message: 'Must be a whole number' };
    const value = Number(text);
    if (!Number.isSafeInteger(value)) return { ok: false, message: 'Number too large' };
    return { ok: true, value };
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return { ok: false, message: 'Must be a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, message: 'Number out of range' };
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Records as the API returns them.

export interface Experiment {
  id: number;
  name: string;
  active: boolean;
  createdAt: string;
  /** Whether its run folders' .graw files are hashed (SHA-256) for their manifests; false keeps sizes only (slow disks). */
  checksums: boolean;
}

export interface ConfigSet {
  id: number;
  describe: string;
  prepare: string;
  configure: string;
  selected: boolean;
}

/** Shown to people as d/p/c. */
export function configSetLabel(set: Pick<ConfigSet, 'describe' | 'prepare' | 'configure'>): string {
  return `${set.describe}/${set.prepare}/${set.configure}`;
}

export interface EccServer {
  id: number;
  experimentId: number;
  name: string;
  address: string;
  port: number;
  logPath: string;
  configRoot: string;
  configBackupRoot: string;
  soapNamespace: string;
  /** Last state read from the server; null until it has been reached. */
  state: EccState | null;
  configSets: ConfigSet[];
}

export interface DataRouter {
  id: number;
  experimentId: number;
  name: string;
  address: string;
  port: number;
  connectionType: ConnectionType;
  logPath: string;
}

export interface DataSource {
  id: number;
  experimentId: number;
  name: string;
  eccServerId: number;
  dataRouterId: number;
}

export interface Setup {
  experiment: Experiment;
  eccServers: EccServer[];
  dataRouters: DataRouter[];
  dataSources: DataSource[];
}

export interface Observable {
  id: number;
  experimentId: number;
  name: string;
  valueType: ValueType;
  units: string;
  comment: string;
  displayOrder: number;
}

export interface Run {
  id: number;
  experimentId: number;
  number: number;
  startTime: string;
  stopTime: string | null;
  title: string;
  runClass: RunClass;
  configName: string;
  /** Keyed by observable id; an observable with no value is absent or null. */
  measurements: Record<number, MeasurementValue>;
  /** Start all's checklist as it stood when this run was started (empty for runs started before it existed). */
  startChecklist: ChecklistItem[];
  /** ECC servers that Stop all could not confirm stopped (they did not answer): their state was unknown at the stop. */
  stopUnconfirmed: string[];
  /** What its config provenance says in the run sheet (runs.export has the whole provenance). */
  config: RunConfigMark;
  /** What the data flow read of the run, stored at its Stop and settled by each router's manifest; null while it goes, or when nothing was read. */
  dataFlow: RunDataFlow | null;
}

/** A run's config provenance as the run sheet marks it. */
export interface RunConfigMark {
  /**
   * A short hash of the run's config files: the first 12 hex digits of the SHA-256 of the sorted
   * lines `<ECC server>\t<file name>\t<SHA-256 at the start>`. Null when not recorded (runs before
   * provenance existed) or when a file could not be read at the start.
   */
  hash: string | null;
  /** "config changed": the hash differs from the previous run's; null when either is not known. */
  changed: boolean | null;
  /** One sentence per config file that changed during the run (found at the backup after Stop). */
  warnings: string[];
}

/** One config file of an ECC server's set at a run: its SHA-256 just before the start and at the backup after Stop. */
export interface RunConfigFile {
  name: string;
  /** Null when it could not be read at the start; `startProblem` says why. */
  startSha256: string | null;
  startBytes: number | null;
  startProblem: string;
  /** Of the copy made by the backup after Stop; null until the backup copied it. */
  backupSha256: string | null;
  backupAt: string | null;
  /** The backup's hash differs from the start's; null while either is not known. */
  changedDuringRun: boolean | null;
}

/** What one ECC server was started with at a run. */
export interface RunServerConfig {
  /** Null when the server has been removed since. */
  eccServerId: number | null;
  eccServer: string;
  address: string;
  configRoot: string;
  configSet: { describe: string; prepare: string; configure: string };
  /** The exact `configID` string sent to it. */
  configId: string;
  /** The exact data-link `table` string sent to it. */
  dataLinkTable: string;
  files: RunConfigFile[];
}

/** A run's data as the data flow last read it at Stop: totals over its data routers, and each one. */
export interface RunDataFlow {
  files: number;
  bytes: number;
  /** From the run's start to its stop. */
  durationSeconds: number;
  /** bytes / durationSeconds, in MB/s (10^6 bytes). */
  meanMBps: number;
  routers: RunRouterDataFlow[];
}

export interface RunRouterDataFlow {
  /** Null once the router was removed from the setup (its name stays). */
  dataRouterId: number | null;
  name: string;
  /** Files and bytes written in the run, as of `readAt`. */
  files: number;
  bytes: number;
  /** The reading these figures are of; null when the router was never read during the run. */
  readAt: string | null;
  /** Whether that reading was current at Stop (false: the last reads failed, the figures are older). */
  current: boolean;
  /** `start`: every file of the folder counted (clean at Start all); `first-reading`: what its first reading found was not counted. */
  countedFrom: 'start' | 'first-reading';
  /**
   * When the router's manifest of the run folder was made: the figures are then the folder's
   * files as the manifest lists them (with what the router wrote while it drained after Stop), and
   * `readAt` is that time. Null: the figures are the data flow's last reading at Stop.
   */
  manifestAt: string | null;
}

/** A router's figures as the data flow read them at Stop (before any manifest settles them). */
export type RouterFiguresAtStop = Omit<RunRouterDataFlow, 'manifestAt'>;

export const CHECKLIST_STATUSES = ['pass', 'fail', 'unknown'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

/** One item of Start all's checklist: a condition the start needs, as known now. */
export interface ChecklistItem {
  /** Stable name of the item, e.g. `ecc:3`, `process:5`, `clean:5`, `jobs`. */
  key: string;
  /** What it checks, e.g. `ECC0 answering, Ready, with a selected config set`. */
  label: string;
  /** `unknown` is not a pass: the start is refused unless an operator overrides the item. */
  status: ChecklistStatus;
  /** What was seen (why it passes, fails or is not known). */
  reason: string;
  /** Whether an operator may override it (an unknown, or a failure the start can survive). */
  overridable: boolean;
  /** The operator's override, when one was given for the next Start all. */
  override: { reason: string; by: string; at: string } | null;
}

export interface RunSheet {
  experiment: Experiment;
  observables: Observable[];
  runs: Run[];
  /** The shift notes that name one of these runs, oldest first (corrected ones too, marked). */
  notes: ShiftNote[];
}

/**
 * A shift note: free text in the experiment's logbook, written once and never changed. A
 * correction is a new note that names the one it corrects (`corrects`); the corrected note then
 * names it (`correctedBy`). A note stands while nothing corrects it.
 */
export interface ShiftNote {
  id: number;
  experimentId: number;
  /** When it was written (ISO time). */
  time: string;
  /** The operating-system user who wrote it (as in the audit trail). */
  author: string;
  text: string;
  /** The run it is about; null when it is about none. */
  runNumber: number | null;
  /** The note this one corrects; null for a first entry. */
  corrects: number | null;
  /** The note that corrects this one; null while it stands. */
  correctedBy: number | null;
}

/** The longest shift note (characters). */
export const NOTE_MAX_LENGTH = 10_000;

export interface LogEntry {
  id: number;
  experimentId: number | null;
  time: string;
  level: LogLevel;
  source: string;
  subject: string;
  message: string;
  /** Of the last occurrence, when it repeated. */
  details: string;
  /** How many times it happened (1, or more when identical failures repeated). */
  count: number;
  /** When it last happened (its `time` when count is 1). */
  lastAt: string;
}

export interface AuditEntry {
  id: number;
  time: string;
  osUser: string;
  origin: string;
  action: string;
  target: string;
  result: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `beforeId` to read the next (older) page; null at the end. */
  nextBeforeId: number | null;
}

export interface AppInfo {
  version: string;
  schemaVersion: number;
  readOnly: boolean;
  dataDir: string;
}
