// Writing and reading the log (what the application saw happen) and the audit trail (what
// operators did).
import type { LogLevel } from '../../shared/domain';
import type { Store } from '../db/store';
import { nowIso } from '../time';

export interface NewLogEntry {
  experimentId: number | null;
  level: LogLevel;
  source: string;
  subject?: string;
  message: string;
  details?: string;
}

export function insertLogEntry(store: Store, entry: NewLogEntry): number {
  return store.write(['log_entry'], () => {
    const info = store.db
      .prepare(
        `INSERT INTO log_entry (experiment_id, time, level, source, subject, message, details)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.experimentId, nowIso(), entry.level, entry.source, entry.subject ?? '', entry.message, entry.details ?? '');
    return Number(info.lastInsertRowid);
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
