// Reading and writing alarms (table alarm) and each experiment's rule settings (table
// alarm_rule): a rule absent, or whose stored value no longer fits, reads as its defaults.
import { z } from 'zod';
import {
  ALARM_RULE_IDS,
  ALARM_RULE_TITLES,
  DEFAULT_ALARM_RULES,
  alarmRuleFields,
  type Alarm,
  type AlarmList,
  type AlarmRuleId,
  type AlarmRuleSettings,
  type AlarmRules,
  type AlarmRulesChange,
} from '../../shared/alarms';
import type { Store } from '../db/store';
import { nowIso } from '../time';

interface AlarmRow {
  id: number;
  rule: string;
  condition_key: string;
  experiment_id: number | null;
  subject: string;
  message: string;
  raised_at: string;
  cleared_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

/** An active alarm as the engine keeps it: the alarm and the condition it stands for. */
export interface OpenAlarm extends Alarm {
  key: string;
}

function toAlarm(row: AlarmRow): OpenAlarm {
  return {
    id: row.id,
    key: row.condition_key,
    rule: row.rule as AlarmRuleId,
    experimentId: row.experiment_id,
    subject: row.subject,
    message: row.message,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}

const visible = ({ key: _key, ...alarm }: OpenAlarm): Alarm => alarm;

/** Every active alarm, newest first, with its condition key. */
export function listOpenAlarms(store: Store): OpenAlarm[] {
  return (store.db.prepare('SELECT * FROM alarm WHERE cleared_at IS NULL ORDER BY id DESC').all() as AlarmRow[]).map(toAlarm);
}

export function findAlarm(store: Store, id: number): Alarm | undefined {
  const row = store.db.prepare('SELECT * FROM alarm WHERE id = ?').get(id) as AlarmRow | undefined;
  return row ? visible(toAlarm(row)) : undefined;
}

/** Active alarms (all of them: the banners show every one) and a page of the history, optionally of one experiment. */
export function listAlarms(store: Store, filter: { experimentId?: number | undefined; limit: number; beforeId?: number | undefined }): AlarmList {
  const active = listOpenAlarms(store).map(visible);
  const rows = store.db
    .prepare(
      `SELECT * FROM alarm WHERE cleared_at IS NOT NULL AND (? IS NULL OR experiment_id IS ? OR experiment_id IS NULL) AND (? IS NULL OR id < ?)
       ORDER BY id DESC LIMIT ?`,
    )
    .all(filter.experimentId ?? null, filter.experimentId ?? null, filter.beforeId ?? null, filter.beforeId ?? null, filter.limit + 1) as AlarmRow[];
  const history = rows.slice(0, filter.limit).map((row) => visible(toAlarm(row)));
  return { active, history, nextBeforeId: rows.length > filter.limit ? (history[history.length - 1]?.id ?? null) : null };
}

export interface NewAlarm {
  rule: AlarmRuleId;
  key: string;
  experimentId: number | null;
  subject: string;
  message: string;
}

/** Call inside `store.write(['alarm', …])`. */
export function insertAlarm(store: Store, alarm: NewAlarm, at = nowIso()): number {
  return Number(
    store.db
      .prepare('INSERT INTO alarm (rule, condition_key, experiment_id, subject, message, raised_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(alarm.rule, alarm.key, alarm.experimentId, alarm.subject, alarm.message, at).lastInsertRowid,
  );
}

export function clearAlarm(store: Store, id: number, at = nowIso()): void {
  store.db.prepare('UPDATE alarm SET cleared_at = max(?, raised_at) WHERE id = ? AND cleared_at IS NULL').run(at, id);
}

/** The condition still holds with other figures (e.g. the free space left): the banner says the latest. */
export function updateAlarmMessage(store: Store, id: number, message: string): void {
  store.db.prepare('UPDATE alarm SET message = ? WHERE id = ? AND cleared_at IS NULL').run(message, id);
}

/** Records who acknowledged it; false when it already was. Call inside `store.write(['alarm'], …)`. */
export function acknowledgeAlarm(store: Store, id: number, who: string, at = nowIso()): boolean {
  return store.db.prepare('UPDATE alarm SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL').run(at, who, id).changes === 1;
}

// --- Rule settings --------------------------------------------------------------------------

const ruleSchemas = Object.fromEntries(ALARM_RULE_IDS.map((rule) => [rule, z.object(alarmRuleFields[rule] as Record<string, z.ZodType>)])) as unknown as Record<AlarmRuleId, z.ZodType>;

export function readAlarmRuleSettings(store: Store, experimentId: number | null): AlarmRuleSettings {
  const settings = structuredClone(DEFAULT_ALARM_RULES) as AlarmRuleSettings;
  if (experimentId === null) return settings;
  const rows = store.db.prepare('SELECT rule, settings FROM alarm_rule WHERE experiment_id = ?').all(experimentId) as { rule: string; settings: string }[];
  for (const { rule, settings: stored } of rows) {
    if (!(ALARM_RULE_IDS as readonly string[]).includes(rule)) continue;
    const id = rule as AlarmRuleId;
    // Fields missing from what was stored (a field added since) take their defaults.
    const parsed = ruleSchemas[id].safeParse({ ...DEFAULT_ALARM_RULES[id], ...(JSON.parse(stored) as object) });
    if (parsed.success) (settings as Record<AlarmRuleId, unknown>)[id] = parsed.data;
  }
  return settings;
}

export function describeAlarmRules(store: Store, experimentId: number): AlarmRules {
  const settings = readAlarmRuleSettings(store, experimentId);
  return {
    experimentId,
    rules: ALARM_RULE_IDS.map((id) => ({ id, title: ALARM_RULE_TITLES[id], settings: settings[id], defaults: DEFAULT_ALARM_RULES[id] })),
  };
}

/** Writes the rules' fields given (validated by the caller), each rule whole, in one transaction. */
export function writeAlarmRuleSettings(store: Store, experimentId: number, change: AlarmRulesChange): AlarmRules {
  store.write(['alarm_rule'], () => {
    const current = readAlarmRuleSettings(store, experimentId);
    const put = store.db.prepare(
      `INSERT INTO alarm_rule (experiment_id, rule, settings, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (experiment_id, rule) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
    );
    const at = nowIso();
    for (const rule of ALARM_RULE_IDS) {
      const fields = change[rule];
      if (fields === undefined) continue;
      const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      put.run(experimentId, rule, JSON.stringify({ ...current[rule], ...given }), at);
    }
  });
  return describeAlarmRules(store, experimentId);
}
