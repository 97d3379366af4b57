// Migration 002 (the job table): it applies on a database of schema 1 holding runs, and the
// table refuses rows that break its rules.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { tempDir } from '../support/store';

describe('migration 002: the job table', () => {
  it('upgrades a schema-1 database with runs and enforces kinds, statuses and one job per target and run', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, stop_time) VALUES (1, 0, '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z')").run();
    old.close();

    const store = new Store(file, { migrateTo: 2 });
    try {
      expect(store.schemaVersion).toBe(2);
      const insert = (kind: string, status = 'pending', targetId = 1) =>
        store.db
          .prepare(
            `INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, status, created_at)
             VALUES (?, 1, 1, 0, ?, 'DataRouter0', ?, '2025-01-01T01:00:00Z')`,
          )
          .run(kind, targetId, status);
      insert('organize_files');
      expect(store.db.prepare('SELECT status, attempts, last_error, details FROM job').get()).toEqual({
        status: 'pending',
        attempts: 0,
        last_error: '',
        details: '{}',
      });
      expect(() => insert('organize_files')).toThrow(/UNIQUE/);
      expect(() => insert('delete_everything', 'pending', 2)).toThrow(/CHECK/);
      expect(() => insert('backup_configs', 'lost', 3)).toThrow(/CHECK/);
    } finally {
      store.close();
    }
  });
});
