// The alarm rules: each reads one snapshot of what the application knows now (AlarmInputs) and
// says which conditions hold. A rule keeps no state; what must be remembered between rounds (how
// long a condition has held, a server seen Running) is the engine's. A reading that is history
// (its check failed since) decides nothing: the condition is `undecided` and keeps its state.
import type { AlarmRuleId, AlarmRuleSettings } from '../../shared/alarms';
import type { EccStatus, Job, WorkersStatus } from '../../shared/api/contract';
import type { EccState } from '../../shared/domain';
import type { ManifestMismatch } from '../runs/manifests';

/**
 * One data router's data flow, as the reader of its staging folder measured it at `readAt`
 * (issue 12, item 1: bytes between two reads over the measured time between them).
 */
export interface DataFlowReading {
  routerId: number;
  name: string;
  /** Bytes per second between the last two reads; null before a second read. */
  ratePerSecond: number | null;
  /** When the last read ended (ISO time). */
  readAt: string;
  /** False once a later read failed: the rate is then history and decides nothing. */
  current: boolean;
}

/** One data router's staging file system with the data flow's rate (issue 12, item 2). */
export interface DiskForecast {
  routerId: number;
  name: string;
  /** Free bytes, as the last df read them. */
  bytesFree: number;
  /** At the current rate; null when nothing is written (no time to full). */
  secondsToFull: number | null;
  /** False when the df or the rate behind it is history. */
  current: boolean;
}

/** Whether one of the main process's schedules is alive: when its last round ended. */
export interface CheckHeartbeat {
  key: 'ecc-state-checks' | 'ssh-checks';
  /** e.g. `ECC state checks`. */
  name: string;
  /** Whether the schedule is meant to run (false: nothing to judge, e.g. tests that drive rounds). */
  running: boolean;
  intervalMs: number;
  /** The longest a round may take by its own time limits (a hung server or computer). */
  roundLimitMs: number;
  /** When its last round ended (ms), or null when none did yet. */
  lastEndedAt: number | null;
  /** When the schedule started (ms): the age of a schedule that never ended a round. */
  startedAt: number | null;
}

/** An ECC server seen leaving Running by itself during the run (the engine follows them). */
export interface LeftRunning {
  id: number;
  name: string;
  state: EccState | null;
  /** Whether the server answers now (its state is current). */
  current: boolean;
}

export interface AlarmInputs {
  now: number;
  /** The active experiment; null when there is none. */
  experimentId: number | null;
  /** A run of the active experiment is current. */
  runGoing: boolean;
  settings: AlarmRuleSettings;
  ecc: EccStatus;
  workers: WorkersStatus;
  /** The active experiment's after-stop jobs that failed after their last try. */
  jobsFailedForGood: Job[];
  /** The active experiment's run plans that failed and are not dismissed yet. */
  failedPlans: { id: number; endReason: string; endedAt: string }[];
  /** The active experiment's run folders whose last verification found them different from their manifests. */
  manifestMismatches: ManifestMismatch[];
  checks: CheckHeartbeat[];
  leftRunning: LeftRunning[];
  /** Null until the data flow is wired in: its rules then judge nothing. */
  dataFlow: DataFlowReading[] | null;
  diskForecasts: DiskForecast[] | null;
}

export interface AlarmFinding {
  rule: AlarmRuleId;
  /** One condition, e.g. `processGone:dataRouter:3`: at most one active alarm per key. */
  key: string;
  experimentId: number | null;
  subject: string;
  message: string;
  /** How long the condition must hold before it is an alarm (ms); 0: at once. */
  holdMs: number;
}

export interface RuleVerdict {
  findings: AlarmFinding[];
  /** Conditions whose state is not known now (their reading is history): kept as they are. */
  undecided: string[];
}

const KB_PER_GB = 1e9 / 1024;

const gb = (kb: number) => `${(kb / KB_PER_GB).toFixed(1)} GB`;

function duration(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toFixed(1))} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

type Rule = (inputs: AlarmInputs) => RuleVerdict;

const none: RuleVerdict = { findings: [], undecided: [] };

function verdict(): RuleVerdict {
  return { findings: [], undecided: [] };
}

export const RULES: Record<AlarmRuleId, Rule> = {
  dataRouterZeroRate: (inputs) => {
    const { seconds } = inputs.settings.dataRouterZeroRate;
    if (!inputs.runGoing || inputs.dataFlow === null) return none;
    const out = verdict();
    for (const reading of inputs.dataFlow) {
      const key = `dataRouterZeroRate:dataRouter:${reading.routerId}`;
      if (!reading.current) out.undecided.push(key);
      else if (reading.ratePerSecond === 0) {
        out.findings.push({
          rule: 'dataRouterZeroRate',
          key,
          experimentId: inputs.experimentId,
          subject: reading.name,
          message: `${reading.name} writes nothing: its rate has been 0 for ${seconds} s or more during the run`,
          holdMs: seconds * 1000,
        });
      }
    }
    return out;
  },

  processGone: (inputs) => {
    const out = verdict();
    const programs = [
      ...inputs.workers.dataRouters.map((r) => ({ kind: 'dataRouter', program: 'dataRouter', ...r })),
      ...inputs.workers.eccServers.map((s) => ({ kind: 'eccServer', program: 'getEccSoapServer', ...s })),
    ];
    for (const p of programs) {
      const key = `processGone:${p.kind}:${p.id}`;
      // Never answered: nothing known yet. A failed check since: what it last found is history.
      if (p.process === null || p.answeredAt === null) continue;
      if (p.error !== null) {
        out.undecided.push(key);
        continue;
      }
      if (p.process.kind === 'running') continue;
      const why =
        p.process.kind === 'not-running'
          ? `nothing listens on port ${p.process.port}`
          : `port ${p.process.port} is taken by ${p.process.program} (pid ${p.process.pid})`;
      out.findings.push({
        rule: 'processGone',
        key,
        experimentId: inputs.experimentId,
        subject: p.name,
        message: `${p.name}: its ${p.program} process is gone from ${p.address} (${why})`,
        holdMs: 0,
      });
    }
    return out;
  },

  eccNotAnswering: (inputs) => {
    const { seconds } = inputs.settings.eccNotAnswering;
    return {
      undecided: [],
      findings: inputs.ecc.servers
        .filter((s) => s.reachable === false)
        .map((s) => ({
          rule: 'eccNotAnswering' as const,
          key: `eccNotAnswering:eccServer:${s.id}`,
          experimentId: inputs.experimentId,
          subject: s.name,
          message: `${s.name} does not answer (${s.address}:${s.port})${s.lastError ? `: ${s.lastError.message}` : ''}`,
          holdMs: seconds * 1000,
        })),
    };
  },

  serverLeftRunning: (inputs) => {
    if (!inputs.runGoing) return none;
    const out = verdict();
    for (const server of inputs.leftRunning) {
      const key = `serverLeftRunning:eccServer:${server.id}`;
      if (!server.current) out.undecided.push(key);
      else if (server.state !== 'Running') {
        out.findings.push({
          rule: 'serverLeftRunning',
          key,
          experimentId: inputs.experimentId,
          subject: server.name,
          message: `${server.name} left Running by itself during the run: it is ${server.state ?? 'in an unknown state'} now`,
          holdMs: 0,
        });
      }
    }
    return out;
  },

  diskFree: (inputs) => {
    const { minFreeGb } = inputs.settings.diskFree;
    const out = verdict();
    for (const router of inputs.workers.dataRouters) {
      const key = `diskFree:dataRouter:${router.id}`;
      // Not read (no staging directory found, df failed) or history (the check failed since).
      if (router.disk === null || router.error !== null) {
        out.undecided.push(key);
        continue;
      }
      if (router.disk.availableKb / KB_PER_GB >= minFreeGb) continue;
      out.findings.push({
        rule: 'diskFree',
        key,
        experimentId: inputs.experimentId,
        subject: router.name,
        message: `${router.name}: only ${gb(router.disk.availableKb)} free on ${router.disk.mountPoint} (${router.disk.usedPercent}% used), below ${minFreeGb} GB`,
        holdMs: 0,
      });
    }
    return out;
  },

  timeToFull: (inputs) => {
    const { minutes } = inputs.settings.timeToFull;
    if (inputs.diskForecasts === null) return none;
    const out = verdict();
    for (const forecast of inputs.diskForecasts) {
      const key = `timeToFull:dataRouter:${forecast.routerId}`;
      if (!forecast.current) out.undecided.push(key);
      else if (forecast.secondsToFull !== null && forecast.secondsToFull < minutes * 60) {
        out.findings.push({
          rule: 'timeToFull',
          key,
          experimentId: inputs.experimentId,
          subject: forecast.name,
          message: `${forecast.name}: its staging disk is full in about ${duration(forecast.secondsToFull)} at the current rate (${gb(forecast.bytesFree / 1024)} free), less than ${minutes} min`,
          holdMs: 0,
        });
      }
    }
    return out;
  },

  runPlanFailed: (inputs) => ({
    undecided: [],
    findings: inputs.failedPlans.map((plan) => ({
      rule: 'runPlanFailed' as const,
      key: `runPlanFailed:plan:${plan.id}`,
      experimentId: inputs.experimentId,
      subject: 'Run plan',
      message: `Run plan #${plan.id} ended: ${plan.endReason.replace(/^Failed: /, '')}`,
      holdMs: 0,
    })),
  }),

  manifestMismatch: (inputs) => ({
    undecided: [],
    findings: inputs.manifestMismatches.map((m) => ({
      rule: 'manifestMismatch' as const,
      key: `manifestMismatch:run:${m.runId}:router:${m.dataRouterId}`,
      experimentId: inputs.experimentId,
      subject: m.dataRouterName,
      message: `Run ${m.runNumber} on ${m.dataRouterName} differs from its manifest: ${m.summary}`,
      holdMs: 0,
    })),
  }),

  jobFailed: (inputs) => ({
    undecided: [],
    findings: inputs.jobsFailedForGood.map((job) => ({
      rule: 'jobFailed' as const,
      key: `jobFailed:job:${job.id}`,
      experimentId: job.experimentId,
      subject: job.targetName,
      message: `${job.kind === 'organize_files' ? 'Organizing the files' : 'Backing up the configs'} of run ${job.runNumber} on ${job.targetName} failed for good after ${job.attempts} tries: ${job.lastError}`,
      holdMs: 0,
    })),
  }),

  checksNotRunning: (inputs) => {
    const { periods } = inputs.settings.checksNotRunning;
    const out = verdict();
    for (const check of inputs.checks) {
      const since = check.lastEndedAt ?? check.startedAt;
      if (!check.running || since === null) continue;
      const boundMs = periods * check.intervalMs + check.roundLimitMs;
      if (inputs.now - since <= boundMs) continue;
      out.findings.push({
        rule: 'checksNotRunning',
        key: `checksNotRunning:${check.key}`,
        experimentId: null,
        subject: check.name,
        // Worded without the age, which grows every round: the banner's text stays as raised.
        message: `The ${check.name} are not running: no round has ended for more than ${duration(boundMs / 1000)} (they run every ${duration(check.intervalMs / 1000)}); what the application shows is getting old`,
        holdMs: 0,
      });
    }
    return out;
  },
};

/** Every enabled rule over one snapshot. */
export function evaluateRules(inputs: AlarmInputs): RuleVerdict {
  const out = verdict();
  for (const rule of Object.keys(RULES) as AlarmRuleId[]) {
    if (!inputs.settings[rule].enabled) continue;
    const found = RULES[rule](inputs);
    out.findings.push(...found.findings);
    out.undecided.push(...found.undecided);
  }
  return out;
}
