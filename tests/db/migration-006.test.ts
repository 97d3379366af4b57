// Migration 006 (shift notes): it applies on a database of the schema before it with its data,
// and the new table refuses notes that break its rules, and any change or removal of a note.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/main/db/migrations/index';
import { Store } from '../../src/main/db/store';
import { tempDir } from '../support/store';

/** The schema version this migration makes (its place in the list: renumbered at merges). */
const VERSION = migrations.findIndex((migration) => migration.name === '006-shift-notes') + 1;

describe('migration 006: shift_note', () => {
  it('upgrades the schema before it, keeping its data, and enforces the rules of a note', () => {
    expect(VERSION).toBeGreaterThan(5);
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: VERSION - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e2', 0, '2025-01-01T00:00:00Z')").run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, config_name) VALUES (1, 0, '2025-01-01T00:00:02Z', 'experiment')").run();
    old.close();

    const store = new Store(file, { migrateTo: VERSION });
    try {
      expect(store.schemaVersion).toBe(VERSION);
      expect(store.db.prepare('SELECT number FROM run').all()).toEqual([{ number: 0 }]);
      const note = (text: string, runNumber: number | null = null, corrects: number | null = null, experimentId = 1, author = 'attpc') =>
        Number(
          store.db
            .prepare("INSERT INTO shift_note (experiment_id, time, author, text, run_number, corrects_id) VALUES (?, '2026-01-01T00:00:00Z', ?, ?, ?, ?)")
            .run(experimentId, author, text, runNumber, corrects).lastInsertRowid,
        );
      const first = note('beam on', 0);
      const second = note('beam off', null, first);
      const standing = note('gas flow steady');
      expect(() => note('')).toThrow(/CHECK/);
      expect(() => note('   ')).toThrow(/CHECK/);
      expect(() => note('x'.repeat(10_001))).toThrow(/CHECK/);
      expect(() => note('ok', null, null, 1, '')).toThrow(/CHECK/);
      expect(() => note('ok', -1)).toThrow(/CHECK/);
      // The run must be the experiment's, the corrected note too, and a note is corrected once.
      expect(() => note('ok', 1)).toThrow(/FOREIGN KEY/);
      expect(() => note('ok', 0, null, 2)).toThrow(/FOREIGN KEY/);
      expect(() => note('ok', null, standing, 2)).toThrow(/FOREIGN KEY/);
      expect(() => note('ok', null, 99)).toThrow(/FOREIGN KEY/);
      expect(() => note('again', null, first)).toThrow(/never replaced|UNIQUE/);
      expect(() => note('ok', null, null, 99)).toThrow(/FOREIGN KEY/);

      expect(() => store.db.prepare("UPDATE shift_note SET text = 'x'").run()).toThrow(/never changed/);
      expect(() => store.db.prepare('DELETE FROM shift_note').run()).toThrow(/never deleted/);
      // The experiment cannot go while its logbook holds notes (it would take them with it).
      expect(() => store.db.prepare('DELETE FROM experiment WHERE id = 1').run()).toThrow(/FOREIGN KEY/);
      expect(store.db.prepare('SELECT id, corrected_by_id FROM shift_note_entry ORDER BY id').all()).toEqual([
        { id: first, corrected_by_id: second },
        { id: second, corrected_by_id: null },
        { id: standing, corrected_by_id: null },
      ]);
    } finally {
      store.close();
    }
  });
});
