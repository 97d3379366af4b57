// Migration 012 (a run's figures settled by its manifests): it applies on a database of the
// schema before it, keeping the figures read at Stop as they were; a manifest then settles its
// router's files and bytes, and the run's totals and mean rate follow, also for a router the data
// flow never read.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { migrations } from '../../src/main/db/migrations/index';
import { findRun, recordRunDataFlow, settleRunDataFlow } from '../../src/main/runsheet/queries';
import { tempDir } from '../support/store';

const VERSION = migrations.findIndex((m) => m.name === '012-run-data-from-manifests') + 1;

describe('migration 012: run_data_flow.manifest_at', () => {
  it('upgrades the schema before it, and a manifest settles its router and the run totals', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: VERSION - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    for (const [id, name] of [[1, 'DataRouter0'], [2, 'DataRouter1']] as const) {
      old.db
        .prepare("INSERT INTO data_router (id, experiment_id, name, address, port, connection_type, log_path) VALUES (?, 1, ?, '10.0.0.1', 46005, 'TCP', '/log')")
        .run(id, name);
    }
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, stop_time, config_name) VALUES (1, 0, '2025-01-01T00:00:00Z', '2025-01-01T00:00:10Z', 'c')").run();
    old.write(['run', 'run_data_flow'], () =>
      recordRunDataFlow(old, 1, [{ dataRouterId: 1, name: 'DataRouter0', files: 2, bytes: 4_000_000, readAt: '2025-01-01T00:00:09Z', current: false, countedFrom: 'first-reading' }]),
    );
    old.close();

    const store = new Store(file, { migrateTo: VERSION });
    try {
      expect(store.schemaVersion).toBe(VERSION);
      // What was read at Stop stays, and says so.
      expect(findRun(store, 1)?.dataFlow).toMatchObject({ files: 2, bytes: 4_000_000, meanMBps: 0.4, routers: [{ name: 'DataRouter0', manifestAt: null, current: false }] });

      // DataRouter0's manifest lists what it wrote while it drained too; DataRouter1 was never read.
      store.write(['run', 'run_data_flow'], () => {
        settleRunDataFlow(store, 1, { dataRouterId: 1, name: 'DataRouter0' }, { files: 3, bytes: 5_000_000, madeAt: '2025-01-01T00:01:00Z' });
        settleRunDataFlow(store, 1, { dataRouterId: 2, name: 'DataRouter1' }, { files: 1, bytes: 1_000_000, madeAt: '2025-01-01T00:01:05Z' });
      });
      expect(findRun(store, 1)?.dataFlow).toEqual({
        files: 4,
        bytes: 6_000_000,
        durationSeconds: 10,
        meanMBps: 0.6,
        routers: [
          { dataRouterId: 1, name: 'DataRouter0', files: 3, bytes: 5_000_000, readAt: '2025-01-01T00:01:00Z', current: true, countedFrom: 'start', manifestAt: '2025-01-01T00:01:00Z' },
          { dataRouterId: 2, name: 'DataRouter1', files: 1, bytes: 1_000_000, readAt: '2025-01-01T00:01:05Z', current: true, countedFrom: 'start', manifestAt: '2025-01-01T00:01:05Z' },
        ],
      });
      // A run still going is settled at its Stop, not before.
      store.db.prepare("INSERT INTO run (experiment_id, number, start_time, config_name) VALUES (1, 1, '2025-01-01T00:02:00Z', 'c')").run();
      store.write(['run', 'run_data_flow'], () => settleRunDataFlow(store, 2, { dataRouterId: 1, name: 'DataRouter0' }, { files: 1, bytes: 1, madeAt: '2025-01-01T00:03:00Z' }));
      expect(findRun(store, 2)?.dataFlow).toBeNull();
    } finally {
      store.close();
    }
  });
});
