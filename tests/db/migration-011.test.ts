// Migration 011 (run plans): it applies on a database of the schema before it, and its tables
// refuse plans that break their rules: no limit, two active plans of one experiment, a run in
// two plans.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/main/db/store';
import { migrations } from '../../src/main/db/migrations/index';
import { tempDir } from '../support/store';

const VERSION = migrations.findIndex((m) => m.name === '011-run-plans') + 1;

describe('migration 011: run_plan and run_plan_run', () => {
  it('upgrades the schema before it and enforces the new rules', () => {
    const file = join(tempDir(), 'daq.sqlite');
    const old = new Store(file, { migrateTo: VERSION - 1 });
    old.db.prepare("INSERT INTO experiment (name, is_active, created_at) VALUES ('e1', 1, '2025-01-01T00:00:00Z')").run();
    old.db.prepare("INSERT INTO run (experiment_id, number, start_time, config_name) VALUES (1, 0, '2025-01-01T00:00:00Z', 'c')").run();
    old.close();

    const store = new Store(file, { migrateTo: VERSION });
    try {
      expect(store.schemaVersion).toBe(VERSION);
      const plan = (seconds: number | null, bytes: number | null, status = 'active', endedAt: string | null = null) =>
        store.db
          .prepare("INSERT INTO run_plan (experiment_id, stop_after_seconds, stop_after_bytes, cycle, created_at, created_by, status, ended_at) VALUES (1, ?, ?, 1, '2025-01-01T00:00:00Z', 'op', ?, ?)")
          .run(seconds, bytes, status, endedAt);
      expect(() => plan(null, null)).toThrow(/CHECK/);
      expect(() => plan(0, null)).toThrow(/CHECK/);
      expect(() => plan(60, null, 'done', null)).toThrow(/CHECK/);
      expect(() => plan(60, null, 'paused', '2025-01-01T00:01:00Z')).toThrow(/CHECK/);
      plan(60, null);
      expect(() => plan(null, 1_000)).toThrow(/UNIQUE/);
      plan(null, 1_000, 'failed', '2025-01-01T00:01:00Z');
      const link = (planId: number, runId: number, position: number) => store.db.prepare('INSERT INTO run_plan_run (plan_id, run_id, position) VALUES (?, ?, ?)').run(planId, runId, position);
      link(1, 1, 1);
      expect(() => link(2, 1, 1)).toThrow(/UNIQUE/);
      expect(() => link(1, 99, 2)).toThrow(/FOREIGN KEY/);
      expect(() => store.db.prepare('UPDATE run_plan_run SET stopped_by_plan = 2').run()).toThrow(/CHECK/);
      // A plan goes with its experiment; its runs' links with their runs.
      store.db.prepare('DELETE FROM run WHERE id = 1').run();
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM run_plan_run').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});
