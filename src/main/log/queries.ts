// Writing and reading the log (what the application saw happen) and the audit trail (what
// operators did).
import type { AuditEntry, LogEntry, LogLevel, Page } from '../../shared/domain';
import type { Store } from '../db/store';
import { nowIso } from '../time';

export interface NewLogEntry {
  experimentId: number | null;
  level: LogLevel;
  source: string;
  subject?: string;
  message: string;
  details?: string;
  /** When it happened (ISO 8601); default now. */
  time?: string;
}

/**
 * A failure that repeats within this long of its last occurrence is counted on its entry rather
 * than written again: a flood is one entry, yet something that comes back after a quiet spell is
 * news and shows at the top of the log again.
 */
export const LOG_REPEAT_WINDOW_MS = 10 * 60_000;
/** The newest entries kept per experiment (and of no experiment); older ones go as new ones come. */
export const LOG_RETENTION_PER_EXPERIMENT = 50_000;

export interface LogWriteOptions {
  /** Entries kept per experiment (default LOG_RETENTION_PER_EXPERIMENT). */
  retention?: number;
}

/** Writes an entry, or counts it on the entry it repeats; returns that entry's id. */
export function insertLogEntry(store: Store, entry: NewLogEntry, options: LogWriteOptions = {}): number {
  return insertLogEntries(store, [entry], options)[0] as number;
}

/**
 * Writes several entries in one transaction, in order; returns their ids. An entry identical to
 * a recent one (same experiment, level, source, subject and message) is not written again: the
 * recent one's count goes up and its last time (and details) become this one's. The oldest
 * entries beyond the retention limit are removed in the same transaction.
 */
export function insertLogEntries(store: Store, entries: readonly NewLogEntry[], options: LogWriteOptions = {}): number[] {
  if (entries.length === 0) return [];
  const retention = Math.max(1, options.retention ?? LOG_RETENTION_PER_EXPERIMENT);
  return store.write(['log_entry'], () => {
    const insert = store.db.prepare(
      `INSERT INTO log_entry (experiment_id, time, level, source, subject, message, details, count, last_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
    );
    const repeated = store.db.prepare<unknown[], { id: number }>(
      `SELECT id FROM log_entry
       WHERE experiment_id IS ? AND message = ? AND source = ? AND subject = ? AND level = ? AND last_at >= ?
       ORDER BY id DESC LIMIT 1`,
    );
    const count = store.db.prepare('UPDATE log_entry SET count = count + 1, last_at = max(last_at, ?), details = ? WHERE id = ?');
    const touched = new Set<number | null>();
    const ids = entries.map((entry) => {
      const time = entry.time ?? nowIso();
      const since = new Date(Date.parse(time) - LOG_REPEAT_WINDOW_MS).toISOString();
      const subject = entry.subject ?? '';
      const details = entry.details ?? '';
      const previous = repeated.get(entry.experimentId, entry.message, entry.source, subject, entry.level, since);
      if (previous) {
        count.run(time, details, previous.id);
        return previous.id;
      }
      touched.add(entry.experimentId);
      return Number(insert.run(entry.experimentId, time, entry.level, entry.source, subject, entry.message, details, time).lastInsertRowid);
    });
    for (const experimentId of touched) pruneLog(store, experimentId, retention);
    return ids;
  });
}

/** Removes an experiment's entries older than its newest `keep`. */
function pruneLog(store: Store, experimentId: number | null, keep: number): void {
  // Cheap when nothing is to go (the usual case): fewer ids between the oldest and the newest
  // entry than the limit means fewer entries.
  const span = store.db
    .prepare<unknown[], { oldest: number | null; newest: number | null }>('SELECT min(id) AS oldest, max(id) AS newest FROM log_entry WHERE experiment_id IS ?')
    .get(experimentId);
  if (!span || span.oldest === null || span.newest === null || span.newest - span.oldest < keep) return;
  const first = store.db
    .prepare<unknown[], { id: number }>('SELECT id FROM log_entry WHERE experiment_id IS ? ORDER BY id DESC LIMIT 1 OFFSET ?')
    .get(experimentId, keep);
  if (first) store.db.prepare('DELETE FROM log_entry WHERE experiment_id IS ? AND id <= ?').run(experimentId, first.id);
}

export interface NewAuditEntry {
  osUser: string;
  origin: string;
  action: string;
  target: string;
  result: string;
}

export function insertAuditEntry(store: Store, entry: NewAuditEntry): number {
  return store.write(['audit_entry'], () => {
    const info = store.db
      .prepare('INSERT INTO audit_entry (time, os_user, origin, action, target, result) VALUES (?, ?, ?, ?, ?, ?)')
      .run(nowIso(), entry.osUser, entry.origin, entry.action, entry.target, entry.result);
    return Number(info.lastInsertRowid);
  });
}

// --- Reading ----------------------------------------------------------------------------------

interface LogEntryRow {
  id: number;
  experiment_id: number | null;
  time: string;
  level: LogLevel;
  source: string;
  subject: string;
  message: string;
  details: string;
  count: number;
  last_at: string;
}

interface AuditEntryRow {
  id: number;
  time: string;
  os_user: string;
  origin: string;
  action: string;
  target: string;
  result: string;
}

function toLogEntry(row: LogEntryRow): LogEntry {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    time: row.time,
    level: row.level,
    source: row.source,
    subject: row.subject,
    message: row.message,
    details: row.details,
    count: row.count,
    lastAt: row.last_at,
  };
}

function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return {
    id: row.id,
    time: row.time,
    osUser: row.os_user,
    origin: row.origin,
    action: row.action,
    target: row.target,
    result: row.result,
  };
}

export interface PageRequest {
  limit: number;
  /** Only entries older than this one (a smaller id). */
  beforeId?: number | undefined;
}

/**
 * One page of a newest-first listing. `conditions` are fixed SQL fragments whose values are
 * all bound parameters; one row more than the page is read to learn whether more remain.
 */
export function readPage<Row extends { id: number }, T>(
  store: Store,
  table: 'log_entry' | 'audit_entry' | 'shift_note_entry',
  conditions: { sql: string; params: unknown[] }[],
  page: PageRequest,
  toItem: (row: Row) => T,
): Page<T> {
  const all = page.beforeId === undefined ? conditions : [...conditions, { sql: 'id < ?', params: [page.beforeId] }];
  const where = all.length === 0 ? '' : `WHERE ${all.map((condition) => condition.sql).join(' AND ')}`;
  const rows = store.db
    .prepare(`SELECT * FROM ${table} ${where} ORDER BY id DESC LIMIT ?`)
    .all(...all.flatMap((condition) => condition.params), page.limit + 1) as Row[];
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map(toItem);
  return { items, nextBeforeId: more ? (items[items.length - 1] as { id: number }).id : null };
}

export interface LogFilter extends PageRequest {
  experimentId?: number | undefined;
  levels?: readonly LogLevel[] | undefined;
  source?: string | undefined;
}

/** Log entries, newest first. */
export function listLogEntries(store: Store, filter: LogFilter): Page<LogEntry> {
  const conditions: { sql: string; params: unknown[] }[] = [];
  if (filter.experimentId !== undefined) conditions.push({ sql: 'experiment_id = ?', params: [filter.experimentId] });
  if (filter.levels !== undefined) {
    conditions.push({ sql: 'level IN (SELECT value FROM json_each(?))', params: [JSON.stringify(filter.levels)] });
  }
  if (filter.source !== undefined) conditions.push({ sql: 'source = ?', params: [filter.source] });
  return readPage(store, 'log_entry', conditions, filter, toLogEntry);
}

export function listLogSources(store: Store): string[] {
  return store.db.prepare('SELECT DISTINCT source FROM log_entry ORDER BY source').pluck().all() as string[];
}

/** Deletes one experiment's log entries, or all of them; returns how many. */
export function deleteLogEntries(store: Store, experimentId?: number): number {
  return store.write(['log_entry'], () => {
    const info =
      experimentId === undefined
        ? store.db.prepare('DELETE FROM log_entry').run()
        : store.db.prepare('DELETE FROM log_entry WHERE experiment_id = ?').run(experimentId);
    return info.changes;
  });
}

export interface AuditFilter extends PageRequest {
  action?: string | undefined;
}

/** The audit trail, newest first. */
export function listAuditEntries(store: Store, filter: AuditFilter): Page<AuditEntry> {
  const conditions = filter.action === undefined ? [] : [{ sql: 'action = ?', params: [filter.action] }];
  return readPage(store, 'audit_entry', conditions, filter, toAuditEntry);
}
