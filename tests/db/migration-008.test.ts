// Migration 008 (run provenance): it applies on a database of the schema before it with its runs, which read
// with no config hash, and the new tables refuse hashes that are not SHA-256 and a file without a
// hash that does not say why.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations, SCHEMA_VERSION } from '../../src/main/db/migrations';
import { Store } from '../../src/main/db/store';
import { findRun } from '../../src/main/runsheet/queries';
import { tempDir } from '../support/store';

/** The schema version this migration makes (found by its name: its number is its position). */
const VERSION = migrations.findIndex((migration) => migration.name === '008-run-provenance') + 1;

describe('migration 008: run provenance', () => {
  it('upgrades a database of the schema before it, keeping its runs, and enforces the new rules', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: VERSION - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db
      .prepare(
        "INSERT INTO ecc_server (experiment_id, name, address, port, log_path, config_root, config_backup_root, soap_namespace) VALUES (1, 'ECC0', 'h', 8083, '/l', '/c', '/b', 'urn:ecc')",
      )
      .run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, config_name) VALUES (1, 0, '2025-01-01T00:00:02Z', 'cobo')").run();
    old.close();

    // To the newest schema: reading a run reads what later migrations add too.
    const store = new Store(file);
    try {
      expect(VERSION).toBeGreaterThan(0);
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      // A run from before provenance: nothing recorded, nothing known.
      expect(findRun(store, 1)).toMatchObject({ number: 0, configName: 'cobo', config: { hash: null, changed: null, warnings: [] } });

      const config = (server: string, eccServerId: number | null = 1) =>
        store.db
          .prepare(
            "INSERT INTO run_config (run_id, ecc_server_id, ecc_server_name, address, config_root, describe, prepare, configure, config_id, data_link_table) VALUES (1, ?, ?, 'h', '/c', 'd', 'p', 'c', '<ConfigId/>', '<DataLinkSet/>')",
          )
          .run(eccServerId, server);
      config('ECC0');
      expect(() => config('ECC0')).toThrow(/UNIQUE/);
      expect(() => config('')).toThrow(/CHECK/);
      expect(() => config('ECC9', 99)).toThrow(/FOREIGN KEY/);
      const hash = 'a'.repeat(64);
      const fileRow = (name: string, sha: string | null, problem: string) =>
        store.db.prepare('INSERT INTO run_config_file (run_config_id, name, start_sha256, start_bytes, start_problem) VALUES (1, ?, ?, 3, ?)').run(name, sha, problem);
      fileRow('describe-d.xcfg', hash, '');
      fileRow('prepare-p.xcfg', null, '/c/prepare-p.xcfg does not exist');
      expect(() => fileRow('configure-c.xcfg', null, '')).toThrow(/CHECK/);
      expect(() => fileRow('configure-c.xcfg', hash, 'and a problem')).toThrow(/CHECK/);
      expect(() => fileRow('configure-c.xcfg', 'A'.repeat(64), '')).toThrow(/CHECK/);
      expect(() => fileRow('configure-c.xcfg', 'a'.repeat(63), '')).toThrow(/CHECK/);
      expect(() => store.db.prepare("UPDATE run_config_file SET backup_sha256 = ? WHERE name = 'describe-d.xcfg'").run(hash)).toThrow(/CHECK/);
      store.db.prepare("UPDATE run_config_file SET backup_sha256 = ?, backup_at = '2025-01-01T01:00:00Z' WHERE name = 'describe-d.xcfg'").run('b'.repeat(64));
      // A file not read at the start leaves the hash unknown; the change during the run shows.
      expect(findRun(store, 1)?.config).toEqual({ hash: null, changed: null, warnings: ['describe-d.xcfg of ECC0 changed during run 0'] });

      // The server's removal keeps its name in the record; the run's removal takes the record with it.
      store.db.prepare('DELETE FROM ecc_server').run();
      expect(store.db.prepare('SELECT ecc_server_id, ecc_server_name FROM run_config').all()).toEqual([{ ecc_server_id: null, ecc_server_name: 'ECC0' }]);
      store.db.prepare('DELETE FROM run').run();
      expect(store.db.prepare('SELECT (SELECT count(*) FROM run_config) AS servers, (SELECT count(*) FROM run_config_file) AS files').get()).toEqual({ servers: 0, files: 0 });
    } finally {
      store.close();
    }
  });
});
