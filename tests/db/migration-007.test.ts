// Migration 007 (alarms and their rule settings): it applies on a database of the schema before
// it, keeping its data, and the new tables refuse rows that break their rules. Found by name, so
// that it tests the same migration whatever its place in the list.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { migrations } from '../../src/main/db/migrations/index';
import { tempDir } from '../support/store';

describe('migration 007: alarm and alarm_rule', () => {
  it('upgrades the schema before it, keeping its data, and enforces the new rules', () => {
    const version = migrations.findIndex((m) => m.name === '007-alarms') + 1;
    expect(version).toBeGreaterThan(0);
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: version - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.close();

    const store = new Store(file, { migrateTo: version });
    try {
      expect(store.schemaVersion).toBe(version);
      expect(store.db.prepare('SELECT name FROM experiment').all()).toEqual([{ name: 'e1' }]);
      const alarm = (key: string, experimentId: number | null = 1, clearedAt: string | null = null) =>
        store.db
          .prepare("INSERT INTO alarm (rule, condition_key, experiment_id, subject, message, raised_at, cleared_at) VALUES ('diskFree', ?, ?, 'DataRouter0', 'low', '2026-01-01T00:00:00Z', ?)")
          .run(key, experimentId, clearedAt);
      alarm('diskFree:dataRouter:1');
      // At most one active alarm per condition; any number in the history.
      expect(() => alarm('diskFree:dataRouter:1')).toThrow(/UNIQUE/);
      alarm('diskFree:dataRouter:1', 1, '2026-01-01T00:01:00Z');
      alarm('diskFree:dataRouter:1', 1, '2026-01-01T00:02:00Z');
      expect(() => alarm('diskFree:dataRouter:2', 1, '2025-12-31T00:00:00Z')).toThrow(/CHECK/);
      expect(() => alarm('checksNotRunning:ssh-checks', 99)).toThrow(/FOREIGN KEY/);
      alarm('checksNotRunning:ssh-checks', null);
      // Who and when go together.
      expect(() => store.db.prepare("UPDATE alarm SET acknowledged_at = '2026-01-01T00:00:05Z' WHERE id = 1").run()).toThrow(/CHECK/);
      store.db.prepare("UPDATE alarm SET acknowledged_at = '2026-01-01T00:00:05Z', acknowledged_by = 'tester' WHERE id = 1").run();

      const rule = (settings: string, experimentId = 1, name = 'diskFree') =>
        store.db.prepare("INSERT INTO alarm_rule (experiment_id, rule, settings, updated_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')").run(experimentId, name, settings);
      rule('{"enabled":true,"minFreeGb":20}');
      expect(() => rule('{"enabled":false}')).toThrow(/UNIQUE|PRIMARY KEY/);
      expect(() => rule('not json', 1, 'timeToFull')).toThrow(/CHECK/);
      expect(() => rule('[1]', 1, 'timeToFull')).toThrow(/CHECK/);
      expect(() => rule('{}', 99, 'timeToFull')).toThrow(/FOREIGN KEY/);
      // An experiment's alarms and rules go with it; the application's own stay.
      store.db.prepare('DELETE FROM experiment WHERE id = 1').run();
      expect(store.db.prepare('SELECT condition_key FROM alarm').all()).toEqual([{ condition_key: 'checksNotRunning:ssh-checks' }]);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM alarm_rule').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});
