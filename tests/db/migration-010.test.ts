// Migration 010 (what the data flow read of a run, stored at its Stop): it applies on a database
// of the schema before it with its runs, which have no figures, and its new columns and table
// refuse rows that break their rules.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { migrations } from '../../src/main/db/migrations/index';
import { findRun, recordRunDataFlow } from '../../src/main/runsheet/queries';
import { tempDir } from '../support/store';

// Its place in the list (the lead numbers branches' migrations at merge): the schema it makes.
const VERSION = migrations.findIndex((m) => m.name === '010-run-data-flow') + 1;

describe('migration 010: run_data_flow', () => {
  it("upgrades the schema before it, keeping its runs without figures, and enforces the new rules", () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: VERSION - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db
      .prepare("INSERT INTO data_router (experiment_id, name, address, port, connection_type, log_path) VALUES (1, 'DataRouter0', '10.0.0.1', 46005, 'TCP', '/log')")
      .run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, stop_time, config_name) VALUES (1, 0, '2025-01-01T00:00:00Z', '2025-01-01T00:00:10Z', 'c')").run();
    old.close();

    const store = new Store(file, { migrateTo: VERSION });
    try {
      expect(store.schemaVersion).toBe(VERSION);
      // A run stopped before this version: nothing was read of it.
      expect(findRun(store, 1)?.dataFlow).toBeNull();

      store.write(['run', 'run_data_flow'], () =>
        recordRunDataFlow(store, 1, [{ dataRouterId: 1, name: 'DataRouter0', files: 2, bytes: 5_000_000, readAt: '2025-01-01T00:00:09Z', current: true, countedFrom: 'start' }]),
      );
      expect(findRun(store, 1)?.dataFlow).toEqual({
        files: 2,
        bytes: 5_000_000,
        durationSeconds: 10,
        meanMBps: 0.5,
        routers: [{ dataRouterId: 1, name: 'DataRouter0', files: 2, bytes: 5_000_000, readAt: '2025-01-01T00:00:09Z', current: true, countedFrom: 'start' }],
      });

      const row = (files: number, bytes: number, current: number, countedFrom: string, name = 'DataRouter1', runId = 1) =>
        store.db
          .prepare('INSERT INTO run_data_flow (run_id, data_router_id, router_name, files, bytes, read_at, current, counted_from) VALUES (?, NULL, ?, ?, ?, NULL, ?, ?)')
          .run(runId, name, files, bytes, current, countedFrom);
      expect(() => row(-1, 0, 1, 'start')).toThrow(/CHECK/);
      expect(() => row(0, -1, 1, 'start')).toThrow(/CHECK/);
      expect(() => row(0, 0, 2, 'start')).toThrow(/CHECK/);
      expect(() => row(0, 0, 1, 'somewhere')).toThrow(/CHECK/);
      expect(() => row(0, 0, 1, 'start', '')).toThrow(/CHECK/);
      expect(() => row(0, 0, 1, 'start', 'DataRouter0')).toThrow(/UNIQUE|PRIMARY/);
      expect(() => row(0, 0, 1, 'start', 'DataRouter1', 99)).toThrow(/FOREIGN KEY/);
      expect(() => store.db.prepare('UPDATE run SET data_bytes = -1').run()).toThrow(/CHECK/);

      // A removed router's figures stay with the run, by name; they go with the run.
      store.db.prepare('DELETE FROM data_router WHERE id = 1').run();
      expect(findRun(store, 1)?.dataFlow?.routers[0]).toMatchObject({ dataRouterId: null, name: 'DataRouter0' });
      store.db.prepare('DELETE FROM run WHERE id = 1').run();
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM run_data_flow').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });

  it('stores figures only for a run that has stopped', () => {
    const store = new Store(join(tempDir(), 'daq.sqlite'));
    try {
      store.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
      store.db.prepare("INSERT INTO run (experiment_id, number, start_time, config_name) VALUES (1, 0, '2025-01-01T00:00:00Z', 'c')").run();
      expect(() => store.write(['run_data_flow'], () => recordRunDataFlow(store, 1, []))).toThrow(/has not stopped/);
    } finally {
      store.close();
    }
  });
});
