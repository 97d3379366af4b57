// Migration 004 (each run's checklist and unconfirmed stops, the settings): it applies on a
// database of schema 3 with its runs, which read with an empty checklist, and the new columns and
// table refuse what is not JSON of the right shape.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { readSettings, writeSettings } from '../../src/main/settings/queries';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { tempDir } from '../support/store';

describe('migration 004: run checklist, unconfirmed stops and settings', () => {
  it('upgrades a schema-3 database, keeping its runs, and enforces the new rules', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: 3 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, stop_time, config_name) VALUES (1, 0, '2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z', 'cobo')").run();
    old.close();

    const store = new Store(file, { migrateTo: 4 });
    try {
      expect(store.schemaVersion).toBe(4);
      // Read as stored: the run sheet's own reads need the latest schema (later migrations' columns).
      const run = () => store.db.prepare('SELECT number, config_name, start_checklist, stop_unconfirmed FROM run WHERE id = 1').get();
      expect(run()).toEqual({ number: 0, config_name: 'cobo', start_checklist: '[]', stop_unconfirmed: '[]' });
      const set = (column: string, value: string) => store.db.prepare(`UPDATE run SET ${column} = ? WHERE id = 1`).run(value);
      expect(() => set('start_checklist', 'not json')).toThrow(/CHECK/);
      expect(() => set('stop_unconfirmed', '{"a":1}')).toThrow(/CHECK/);
      set('stop_unconfirmed', '["ECC1"]');
      expect(run()).toMatchObject({ stop_unconfirmed: '["ECC1"]' });

      expect(readSettings(store)).toEqual(DEFAULT_SETTINGS);
      expect(() => store.db.prepare("INSERT INTO app_setting (key, value, updated_at) VALUES ('x', 'not json', '')").run()).toThrow(/CHECK/);
      expect(writeSettings(store, { stateRefreshSeconds: 2 })).toEqual({ ...DEFAULT_SETTINGS, stateRefreshSeconds: 2 });
      // A stored value that no longer fits its rule reads as the default; unknown keys are ignored.
      store.db.prepare("INSERT INTO app_setting (key, value, updated_at) VALUES ('minFreeDiskGb', '-5', ''), ('gone', '1', '')").run();
      expect(readSettings(store)).toEqual({ ...DEFAULT_SETTINGS, stateRefreshSeconds: 2 });
    } finally {
      store.close();
    }
  });
});
