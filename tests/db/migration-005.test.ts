// Migration 005 (log entries that count their repeats, and the run journal): it applies on a
// database of schema 4 with its data, and the new columns and table refuse rows that break their rules.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { tempDir } from '../support/store';

describe('migration 005: log repeats and run_journal', () => {
  it('upgrades a schema-4 database, keeping its data, and enforces the new rules', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: 4 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db
      .prepare("INSERT INTO log_entry (experiment_id, time, level, source, message) VALUES (1, '2025-01-01T00:00:01.000Z', 'error', 'ecc', 'old')")
      .run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, config_name) VALUES (1, 0, '2025-01-01T00:00:02Z', 'experiment')").run();
    old.close();

    const store = new Store(file, { migrateTo: 5 });
    try {
      expect(store.schemaVersion).toBe(5);
      // An entry of earlier versions happened once, at its time.
      expect(store.db.prepare('SELECT message, count, last_at FROM log_entry').all()).toEqual([
        { message: 'old', count: 1, last_at: '2025-01-01T00:00:01.000Z' },
      ]);
      expect(() => store.db.prepare('UPDATE log_entry SET count = 0').run()).toThrow(/CHECK/);

      const journal = (operation: string, runNumber: number, state = 'open', notes = '{}', experimentId = 1) =>
        store.db
          .prepare("INSERT INTO run_journal (operation, experiment_id, run_number, started_at, state, notes) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', ?, ?)")
          .run(operation, experimentId, runNumber, state, notes);
      journal('start_all', 1);
      journal('stop_all', 0, 'done');
      expect(() => journal('pause_all', 1)).toThrow(/CHECK/);
      expect(() => journal('start_all', -1)).toThrow(/CHECK/);
      expect(() => journal('start_all', 1, 'lost')).toThrow(/CHECK/);
      expect(() => journal('start_all', 1, 'open', 'not json')).toThrow(/CHECK/);
      expect(() => journal('start_all', 1, 'open', '{}', 99)).toThrow(/FOREIGN KEY/);
      // A journal row outlives its run (which it names by number), and goes with its experiment.
      store.db.prepare('UPDATE run_journal SET run_id = 1').run();
      store.db.prepare('DELETE FROM run').run();
      expect(store.db.prepare('SELECT run_id, run_number FROM run_journal ORDER BY id').all()).toEqual([
        { run_id: null, run_number: 1 },
        { run_id: null, run_number: 0 },
      ]);
      store.db.prepare('DELETE FROM experiment WHERE id = 1').run();
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM run_journal').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});
