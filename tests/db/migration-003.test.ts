// Migration 003 (the application's SSH settings per host, and the demo): it applies on a database
// of schema 2 with its data, and the new tables refuse rows that break their rules.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { tempDir } from '../support/store';

describe('migration 003: ssh_host and demo', () => {
  it('upgrades a schema-2 database, keeping its data, and enforces the new rules', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: 2 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.close();

    const store = new Store(file, { migrateTo: 3 });
    try {
      expect(store.schemaVersion).toBe(3);
      expect(store.db.prepare('SELECT name FROM experiment').all()).toEqual([{ name: 'e1' }]);

      const host = (h: string, user: string | null, port: number | null, identity: string | null) =>
        store.db.prepare("INSERT INTO ssh_host (host, user, port, identity_file, updated_at) VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z')").run(h, user, port, identity);
      host('192.168.41.12', 'daq', 2222, '~/.ssh/id_ed25519');
      host('192.168.41.13', null, null, null);
      expect(() => host('192.168.41.12', 'other', null, null)).toThrow(/UNIQUE|PRIMARY/);
      expect(() => host('h', null, 70_000, null)).toThrow(/CHECK/);
      expect(() => host('', null, null, null)).toThrow(/CHECK/);

      const demo = (id: number, experimentId: number, ports = '{}') =>
        store.db.prepare("INSERT INTO demo (id, experiment_id, ports, created_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')").run(id, experimentId, ports);
      expect(() => demo(2, 1)).toThrow(/CHECK/);
      expect(() => demo(1, 1, 'not json')).toThrow(/CHECK/);
      expect(() => demo(1, 99)).toThrow(/FOREIGN KEY/);
      demo(1, 1, '{"ecc":[8083],"ssh":2222}');
      expect(() => demo(1, 1)).toThrow(/UNIQUE|PRIMARY/);
      // The demo row goes with its experiment.
      store.db.prepare('DELETE FROM experiment WHERE id = 1').run();
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM demo').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});
