// The application's SQLite database: opening it (WAL, foreign keys, migrations) and the one way
// to write, which runs in a transaction and then tells subscribers which tables changed.
import { EventEmitter } from 'node:events';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION, migrations, type Migration } from './migrations/index';

export const TABLES = [
  'experiment',
  'ecc_server',
  'config_set',
  'data_router',
  'data_source',
  'run',
  'observable',
  'measurement',
  'log_entry',
  'audit_entry',
  'job',
  'ssh_host',
  'demo',
  'app_setting',
  'run_journal',
  'shift_note',
  'alarm',
  'alarm_rule',
  'run_config',
  'run_manifest',
  'run_data_flow',
  'run_plan',
] as const;
/**
 * Topics that change without a database write (live status kept in memory), announced with
 * ApiService.invalidate so that subscriptions re-run like after a write.
 */
export const TOPICS = ['ecc_status', 'workers_status', 'remote_logs', 'demo_status', 'checklist_overrides', 'job_phase', 'monitor_status', 'run_verify', 'data_flow'] as const;
/**
 * Columns announced apart from their table: the last known state of the ECC servers changes at
 * every step and matters only to what shows it, not to what reads the setup (schedules, caches).
 */
export const COLUMNS = ['ecc_server_state'] as const;
export type Table = (typeof TABLES)[number] | (typeof TOPICS)[number] | (typeof COLUMNS)[number];

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `The database has schema version ${found}, but this program knows only up to ${known}. ` +
        'It was written by a newer version of the application: use that version, or another data directory.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** The database file (or its folder, where SQLite keeps its WAL files) cannot be written. */
export class DatabaseNotWritableError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `The database ${file} cannot be written (${reason}). The application writes it all the time (states, runs, the log): ` +
        'make the file and its folder writable for this user, or use another data directory.',
    );
    this.name = 'DatabaseNotWritableError';
  }
}

/** Why `file` (or its folder) cannot be written by this process, or null when it can. */
function notWritable(file: string): string | null {
  for (const path of existsSync(file) ? [file, dirname(file)] : [dirname(file)]) {
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return `${path === file ? 'the file' : 'its folder'} is ${code === 'EROFS' ? 'on a read-only file system' : 'read-only'}: ${code}`;
    }
  }
  return null;
}

export interface OpenOptions {
  /** Path of better-sqlite3's native addon, when it is not the one in node_modules (Electron's ABI). */
  nativeBinding?: string;
  /** Apply only the first N migrations (tests of upgrades from earlier versions). */
  migrateTo?: number;
  readonly?: boolean;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every pending migration in one transaction; refuses a database newer than the program. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION, list: readonly Migration[] = migrations): void {
  const current = schemaVersion(db);
  if (current > list.length) throw new SchemaTooNewError(current, list.length);
  if (current >= target) return;
  db.transaction(() => {
    for (let version = current; version < target; version++) {
      const migration = list[version];
      if (!migration) throw new Error(`No migration to schema version ${version + 1}`);
      db.exec(migration.sql);
    }
    db.pragma(`user_version = ${Number(target)}`);
  }).immediate();
  const problems = db.pragma('foreign_key_check') as unknown[];
  if (problems.length > 0) throw new Error(`Foreign key check failed after migration: ${JSON.stringify(problems)}`);
}

export class Store {
  readonly db: Database.Database;
  private readonly events = new EventEmitter();
  private pending = new Set<Table>();
  private depth = 0;

  constructor(readonly file: string, options: OpenOptions = {}) {
    // SQLite would open a read-only file for reading without a word, and the first write
    // (a state, a log entry) would fail: said at once instead.
    const refused = options.readonly ? null : notWritable(file);
    if (refused) throw new DatabaseNotWritableError(file, refused);
    this.db = new Database(file, {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.readonly ? { readonly: true, fileMustExist: true } : {}),
    });
    try {
      this.db.pragma('busy_timeout = 5000');
      // Checked before anything is set: switching to WAL would already rewrite a newer file's header.
      const found = schemaVersion(this.db);
      if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found, SCHEMA_VERSION);
      if (!options.readonly) {
        this.db.pragma('journal_mode = WAL');
        // FULL: a committed run number or logbook entry survives a power cut.
        this.db.pragma('synchronous = FULL');
      }
      this.db.pragma('foreign_keys = ON');
      if (!options.readonly) migrate(this.db, options.migrateTo ?? SCHEMA_VERSION);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /**
   * Runs `work` in one transaction (nested calls join the outer one) and, once it has committed,
   * announces the tables it touched. If `work` throws, nothing is written and nothing announced.
   */
  write<T>(tables: readonly Table[], work: () => T): T {
    const outer = this.depth === 0;
    const before = outer ? new Set<Table>() : new Set(this.pending);
    this.depth++;
    try {
      for (const table of tables) this.pending.add(table);
      const result = outer ? this.db.transaction(work).immediate() : this.db.transaction(work)();
      return result;
    } catch (error) {
      this.pending = before;
      throw error;
    } finally {
      this.depth--;
      if (this.depth === 0 && this.pending.size > 0) {
        const changed = [...this.pending];
        this.pending = new Set();
        this.events.emit('change', changed);
      }
    }
  }

  /** Called after every committed write with the tables it touched. Returns the unsubscribe function. */
  onChange(listener: (tables: Table[]) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
