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

export function insertLogEntry(store: Store, entry: NewLogEntry): number {
  return insertLogEntries(store, [entry])[0] as number;
}

/** Writes several entries in one transaction, in order; returns their ids. */
export function insertLogEntries(store: Store, entries: readonly NewLogEntry[]): number[] {
  if (entries.length === 0) return [];
  return store.write(['log_entry'], () => {
    const insert = store.db.prepare(
      `INSERT INTO log_entry (experiment_id, time, level, source, subject, message, details)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    return entries.map((entry) =>
      Number(
        insert.run(entry.experimentId, entry.time ?? nowIso(), entry.level, entry.source, entry.subject ?? '', entry.message, entry.details ?? '')
          .lastInsertRowid,
      ),
    );
  });
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
function readPage<Row extends { id: number }, T>(
  store: Store,
  table: 'log_entry' | 'audit_entry',
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
