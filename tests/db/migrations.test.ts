// The schema migrations: every path from an earlier version ends at the same schema, a newer
// database is refused untouched, and a failing migration leaves nothing behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, migrations } from '../../src/main/db/migrations/index';
import { SchemaTooNewError, Store, migrate, schemaVersion } from '../../src/main/db/store';
import { tempDir } from '../support/store';

/** The schema as SQLite records it, whitespace normalized, in a stable order. */
function schemaOf(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
    .all() as { type: string; name: string; sql: string }[];
  return rows.map((row) => `${row.type} ${row.name}: ${row.sql.replace(/\s+/g, ' ').trim()}`);
}

function freshSchema(): string[] {
  const store = new Store(join(tempDir(), 'fresh.sqlite'));
  try {
    return schemaOf(store.db);
  } finally {
    store.close();
  }
}

describe('migrations', () => {
  it('bring a new empty file to the current schema version, in WAL mode with foreign keys on', () => {
    const store = new Store(join(tempDir(), 'daq.sqlite'));
    try {
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(schemaOf(store.db).length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });

  it('take a database of every earlier version to the same schema as a fresh one', () => {
    const expected = freshSchema();
    for (let version = 0; version < SCHEMA_VERSION; version++) {
      const file = join(tempDir(), `from-${version}.sqlite`);
      const old = new Store(file, { migrateTo: version });
      expect(old.schemaVersion).toBe(version);
      old.close();

      const store = new Store(file);
      try {
        expect(store.schemaVersion).toBe(SCHEMA_VERSION);
        expect(schemaOf(store.db)).toEqual(expected);
      } finally {
        store.close();
      }
    }
  });

  it('refuse a database written by a newer version and leave it unmodified', () => {
    const file = join(tempDir(), 'newer.sqlite');
    const raw = new Database(file);
    raw.exec("CREATE TABLE future_thing (id INTEGER PRIMARY KEY, what TEXT); INSERT INTO future_thing (what) VALUES ('kept')");
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(file);

    expect(() => new Store(file)).toThrow(SchemaTooNewError);
    expect(() => new Store(file, { readonly: true })).toThrow(SchemaTooNewError);

    expect(readFileSync(file).equals(before)).toBe(true);
    const after = new Database(file, { readonly: true });
    try {
      expect(schemaVersion(after)).toBe(SCHEMA_VERSION + 1);
      expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(after.prepare('SELECT what FROM future_thing').pluck().all()).toEqual(['kept']);
    } finally {
      after.close();
    }
  });

  it('leave the database at its previous version, with nothing of the earlier steps, when one step fails', () => {
    const file = join(tempDir(), 'failing.sqlite');
    const db = new Database(file);
    try {
      const list = [
        { name: '001-good', sql: 'CREATE TABLE first_step (id INTEGER PRIMARY KEY);' },
        { name: '002-bad', sql: 'CREATE TABLE second_step (id INTEGER PRIMARY KEY); THIS IS NOT SQL;' },
      ];
      expect(() => migrate(db, 2, list)).toThrow();
      expect(schemaVersion(db)).toBe(0);
      expect(schemaOf(db)).toEqual([]);

      // The good step alone still applies.
      migrate(db, 1, list);
      expect(schemaVersion(db)).toBe(1);
      expect(schemaOf(db)).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('are numbered by position, one per file, each with SQL', () => {
    expect(SCHEMA_VERSION).toBe(migrations.length);
    migrations.forEach((migration, index) => {
      expect(migration.name).toMatch(new RegExp(`^${String(index + 1).padStart(3, '0')}-`));
      expect(migration.sql.trim()).not.toBe('');
    });
  });
});
