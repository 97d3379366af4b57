// Alarms: the rules the main process watches, their thresholds per experiment (defaults and
// limits, shared by the API's schema and the Setup form), and an alarm as the API shows it.
import { z } from 'zod';

export const ALARM_RULE_IDS = [
  'dataRouterZeroRate',
  'processGone',
  'eccNotAnswering',
  'serverLeftRunning',
  'diskFree',
  'timeToFull',
  'jobFailed',
  'checksNotRunning',
  'runPlanFailed',
  'manifestMismatch',
] as const;
export type AlarmRuleId = (typeof ALARM_RULE_IDS)[number];

const number = (min: number, max: number, unit: string) =>
  z
    .number({ error: 'Must be a number' })
    .refine(Number.isFinite, 'Must be a number')
    .min(min, `At least ${min} ${unit}`)
    .max(max, `At most ${max} ${unit}`);
const enabled = z.boolean({ error: 'Must be true or false' });

export interface AlarmRuleSettings {
  dataRouterZeroRate: { enabled: boolean; seconds: number };
  processGone: { enabled: boolean };
  eccNotAnswering: { enabled: boolean; seconds: number };
  serverLeftRunning: { enabled: boolean };
  diskFree: { enabled: boolean; minFreeGb: number };
  timeToFull: { enabled: boolean; minutes: number };
  jobFailed: { enabled: boolean };
  checksNotRunning: { enabled: boolean; periods: number };
  runPlanFailed: { enabled: boolean };
  manifestMismatch: { enabled: boolean };
}

/** Each rule's fields: whether it is watched, and its thresholds. */
export const alarmRuleFields: { [K in AlarmRuleId]: { [F in keyof AlarmRuleSettings[K]]: z.ZodType<AlarmRuleSettings[K][F]> } } = {
  dataRouterZeroRate: { enabled, seconds: number(2, 3600, 's') },
  processGone: { enabled },
  eccNotAnswering: { enabled, seconds: number(0, 600, 's') },
  serverLeftRunning: { enabled },
  diskFree: { enabled, minFreeGb: number(0, 1_000_000, 'GB') },
  timeToFull: { enabled, minutes: number(1, 100_000, 'min') },
  jobFailed: { enabled },
  checksNotRunning: { enabled, periods: number(2, 100, 'periods') },
  runPlanFailed: { enabled },
  manifestMismatch: { enabled },
};

export const DEFAULT_ALARM_RULES: Readonly<AlarmRuleSettings> = {
  dataRouterZeroRate: { enabled: true, seconds: 30 },
  processGone: { enabled: true },
  eccNotAnswering: { enabled: true, seconds: 10 },
  serverLeftRunning: { enabled: true },
  diskFree: { enabled: true, minFreeGb: 10 },
  timeToFull: { enabled: true, minutes: 30 },
  jobFailed: { enabled: true },
  checksNotRunning: { enabled: true, periods: 3 },
  runPlanFailed: { enabled: true },
  manifestMismatch: { enabled: true },
};

/** What each rule watches, in words (the Setup form and the Alarms view show it). */
export const ALARM_RULE_TITLES: Record<AlarmRuleId, string> = {
  dataRouterZeroRate: 'A data router writes nothing during a run (rate 0 for the seconds given)',
  processGone: "A data router's or ECC server's process is gone from its port",
  eccNotAnswering: 'An ECC server does not answer (for the seconds given)',
  serverLeftRunning: 'An ECC server leaves Running by itself during a run',
  diskFree: 'Free space on a staging file system below the GB given',
  timeToFull: 'A staging file system full within the minutes given, at the current rate',
  jobFailed: 'An after-stop job failed for good (every try used)',
  checksNotRunning: "The ECC state checks or the SSH checks stopped (no round ended for the periods given, beyond the round's own time limit)",
  runPlanFailed: 'A timed or repeated run plan ended because a step failed (until the plan is dismissed)',
  manifestMismatch: "A run's data files differ from its manifest: files added, missing or changed at the last verification (until a verification finds them as listed)",
};

const ruleList = ALARM_RULE_IDS.join(', ');

/** One rule's change: only the fields given; a field it does not have is refused, named. */
function ruleChange<K extends AlarmRuleId>(rule: K) {
  const fields = alarmRuleFields[rule];
  const known = Object.keys(fields).join(', ');
  return z
    .strictObject(fields, { error: (issue) => (issue.code === 'unrecognized_keys' ? `${rule} has no such field (its fields: ${known})` : undefined) })
    .partial()
    .optional();
}

/** `alarms.rules.update`'s input for the rules: only the rules and fields given change. */
export const alarmRulesChange = z.strictObject(
  {
    dataRouterZeroRate: ruleChange('dataRouterZeroRate'),
    processGone: ruleChange('processGone'),
    eccNotAnswering: ruleChange('eccNotAnswering'),
    serverLeftRunning: ruleChange('serverLeftRunning'),
    diskFree: ruleChange('diskFree'),
    timeToFull: ruleChange('timeToFull'),
    jobFailed: ruleChange('jobFailed'),
    checksNotRunning: ruleChange('checksNotRunning'),
    runPlanFailed: ruleChange('runPlanFailed'),
    manifestMismatch: ruleChange('manifestMismatch'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `No such alarm rule (the rules: ${ruleList})` : undefined) },
);
export type AlarmRulesChange = z.output<typeof alarmRulesChange>;

export interface AlarmRule {
  id: AlarmRuleId;
  title: string;
  /** As set for the experiment (the default where nothing was set). */
  settings: AlarmRuleSettings[AlarmRuleId];
  defaults: AlarmRuleSettings[AlarmRuleId];
}

export interface AlarmRules {
  experimentId: number;
  rules: AlarmRule[];
}

/** One alarm: raised when its rule's condition held, cleared by itself when it ended. */
export interface Alarm {
  id: number;
  rule: AlarmRuleId;
  /** The experiment it is about; null for the application's own (its checks not running). */
  experimentId: number | null;
  /** What it is about, e.g. `DataRouter0`, `ECC1`, `ECC state checks`. */
  subject: string;
  /** What the operator reads in the banner, e.g. `DataRouter0: only 4.2 GB free on /data, below 10 GB`. */
  message: string;
  raisedAt: string;
  /** When its condition ended; null while it is active. */
  clearedAt: string | null;
  acknowledgedAt: string | null;
  /** The operating-system user who acknowledged it (as in the audit trail). */
  acknowledgedBy: string | null;
}

export interface AlarmList {
  /** Every active alarm (not cleared), newest first: the banners and the sound follow these. */
  active: Alarm[];
  /** Alarms that have cleared, newest first, a page at a time. */
  history: Alarm[];
  /** Pass as `beforeId` to read older history; null at the end. */
  nextBeforeId: number | null;
}

/** Whether an alarm still calls for attention: active and not acknowledged. */
export function isSounding(alarm: Alarm): boolean {
  return alarm.clearedAt === null && alarm.acknowledgedAt === null;
}
