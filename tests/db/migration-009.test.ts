// Migration 009 (run manifests): it applies on a database of the schema before it with its jobs
// and experiments, the job table takes the checksum_files kind with its rows kept, experiments
// hash their files unless turned off, and the manifest tables refuse rows that break their rules.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/main/db/migrations/index';
import { Store } from '../../src/main/db/store';
import { tempDir } from '../support/store';

/** The schema version this migration makes (its place in the list: the lead may renumber it). */
const VERSION = migrations.findIndex((m) => m.name === '009-run-manifests') + 1;

describe('migration 009: run manifests', () => {
  it('upgrades a database of the schema before, keeping its jobs, and enforces the new rules', () => {
    expect(VERSION).toBeGreaterThan(5);
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: VERSION - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, stop_time) VALUES (1, 0, '2025-01-01T00:00:02Z', '2025-01-01T00:10:00Z')").run();
    old.db
      .prepare(
        `INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, details, status, attempts, last_error, created_at)
         VALUES ('organize_files', 1, 1, 0, 3, 'DataRouter0', '{"port":46005}', 'failed', 5, 'Permission denied', '2025-01-01T00:10:01Z')`,
      )
      .run();
    expect(() => old.db.prepare("INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, created_at) VALUES ('checksum_files', 1, 1, 0, 3, 'x', 'now')").run()).toThrow(/CHECK/);
    old.close();

    const store = new Store(file, { migrateTo: VERSION });
    try {
      expect(store.schemaVersion).toBe(VERSION);
      expect(store.db.prepare('SELECT id, kind, status, attempts, last_error, details FROM job').all()).toEqual([
        { id: 1, kind: 'organize_files', status: 'failed', attempts: 5, last_error: 'Permission denied', details: '{"port":46005}' },
      ]);
      const job = (kind: string, target = 3) =>
        store.db
          .prepare("INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, created_at) VALUES (?, 1, 1, 0, ?, 'DataRouter0', 'now')")
          .run(kind, target);
      job('checksum_files');
      expect(() => job('checksum_files')).toThrow(/UNIQUE/);
      expect(() => job('verify_files', 4)).toThrow(/CHECK/);
      // The indexes of the job table are there again.
      expect(store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job' AND sql IS NOT NULL ORDER BY name").all()).toEqual([
        { name: 'job_experiment' },
        { name: 'job_status' },
      ]);

      expect(store.db.prepare('SELECT checksum_files FROM experiment').get()).toEqual({ checksum_files: 1 });
      expect(() => store.db.prepare('UPDATE experiment SET checksum_files = 2').run()).toThrow(/CHECK/);

      const manifest = (folder: string, file: string, router = 3) =>
        store.db
          .prepare("INSERT INTO run_manifest (run_id, data_router_id, data_router_name, address, folder, manifest_file, checksums, made_at) VALUES (1, ?, 'DataRouter0', 'daq-w1', ?, ?, 1, 'now')")
          .run(router, folder, file);
      manifest('/data/e1/run_0000', 'MANIFEST.sha256');
      expect(() => manifest('/data/e1/run_0000', 'MANIFEST.sha256')).toThrow(/UNIQUE/);
      expect(() => manifest('data/e1/run_0000', 'MANIFEST.sha256', 4)).toThrow(/CHECK/);
      expect(() => manifest('/data/e1/run_0000', 'manifest.txt', 4)).toThrow(/CHECK/);
      expect(() => store.db.prepare("UPDATE run_manifest SET verify_report = 'not json'").run()).toThrow(/CHECK/);

      const fileRow = (name: string, size: number, sha256: string | null, manifestId = 1) =>
        store.db.prepare('INSERT INTO run_manifest_file (manifest_id, name, size, sha256) VALUES (?, ?, ?, ?)').run(manifestId, name, size, sha256);
      fileRow('a.graw', 10, 'a'.repeat(64));
      fileRow('b.graw', 0, null);
      expect(() => fileRow('a.graw', 10, null)).toThrow(/UNIQUE|PRIMARY KEY/);
      expect(() => fileRow('c.graw', -1, null)).toThrow(/CHECK/);
      expect(() => fileRow('d.graw', 1, 'A'.repeat(64))).toThrow(/CHECK/);
      expect(() => fileRow('e.graw', 1, 'a'.repeat(63))).toThrow(/CHECK/);
      expect(() => fileRow('sub/f.graw', 1, null)).toThrow(/CHECK/);
      expect(() => fileRow('g.graw', 1, null, 99)).toThrow(/FOREIGN KEY/);
      // A manifest goes with its run, its files with it.
      store.db.prepare('DELETE FROM job').run();
      store.db.prepare('DELETE FROM run').run();
      expect(store.db.prepare('SELECT (SELECT count(*) FROM run_manifest) AS manifests, (SELECT count(*) FROM run_manifest_file) AS files').get()).toEqual({ manifests: 0, files: 0 });
    } finally {
      store.close();
    }
  });
});
