// When the after-stop jobs are tried again: a failed job waits its pause (growing with each try)
// and is not tried again once it has had its tries; a pending one is due at once; a job left
// `running` by an application that ended mid-way is pending again at the next start.
import { describe, expect, it } from 'vitest';
import { insertExperiment } from '../../src/main/experiments/queries';
import { JobRunner } from '../../src/main/runs/job-runner';
import { DataRouterCleanliness } from '../../src/main/runs/routers';
import { createRun } from '../../src/main/runsheet/queries';
import type { SshGateway } from '../../src/main/worker-node/ssh-pool';
import type { Store } from '../../src/main/db/store';
import { tempStore } from '../support/store';

// dueJobs() reads the table only; nothing here may reach a worker computer.
const noGateway = new Proxy({} as SshGateway, {
  get: () => {
    throw new Error('No SSH call is expected in this test');
  },
});

function jobs(store: Store): { id: number; at: (status: string, attempts: number, finishedAt: string | null) => void }[] {
  const experimentId = store.write(['experiment'], () => insertExperiment(store, 'e20009'));
  const run = createRun(store, { experimentId, configName: 'c', startTime: '2026-11-24T10:00:00.000Z' });
  return [1, 2, 3, 4].map((targetId) => {
    const id = store.write(['job'], () =>
      Number(
        store.db
          .prepare(
            `INSERT INTO job (kind, experiment_id, run_id, run_number, target_id, target_name, created_at)
             VALUES ('organize_files', ?, ?, 0, ?, ?, '2026-11-24T10:00:00.000Z')`,
          )
          .run(experimentId, run.id, targetId, `DataRouter${targetId}`).lastInsertRowid,
      ),
    );
    return {
      id,
      at: (status, attempts, finishedAt) =>
        store.write(['job'], () => store.db.prepare('UPDATE job SET status = ?, attempts = ?, finished_at = ? WHERE id = ?').run(status, attempts, finishedAt, id)),
    };
  });
}

describe('the after-stop jobs due for a try', () => {
  it('waits the pause of each failed job, growing with its tries, and stops after the last try', () => {
    const store = tempStore();
    const [pending, once, twice, spent] = jobs(store);
    const t0 = Date.parse('2026-11-24T11:00:00.000Z');
    once!.at('failed', 1, new Date(t0).toISOString());
    twice!.at('failed', 2, new Date(t0).toISOString());
    spent!.at('failed', 3, new Date(t0).toISOString());
    const runner = new JobRunner(store, noGateway, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}), {
      maxAttempts: 3,
      backoffMs: (attempts) => attempts * 1_000,
    });
    const due = (ms: number) => runner.dueJobs(t0 + ms).map((j) => j.id);
    expect(due(0)).toEqual([pending!.id]);
    expect(due(999)).toEqual([pending!.id]);
    expect(due(1_000)).toEqual([pending!.id, once!.id]);
    expect(due(2_000)).toEqual([pending!.id, once!.id, twice!.id]);
    // Three tries of three: never again, however long one waits.
    expect(due(10_000_000)).not.toContain(spent!.id);
  });

  it('by default pauses 5 s after the first failure, doubling, at most 5 min', () => {
    const store = tempStore();
    const [job] = jobs(store);
    const t0 = Date.parse('2026-11-24T11:00:00.000Z');
    const runner = new JobRunner(store, noGateway, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}), { maxAttempts: 20 });
    const firstDue = (attempts: number) => {
      job!.at('failed', attempts, new Date(t0).toISOString());
      expect(runner.dueJobs(t0).map((j) => j.id)).not.toContain(job!.id);
      // The smallest whole second at which it is due.
      let s = 1;
      while (!runner.dueJobs(t0 + s * 1_000).some((j) => j.id === job!.id)) s++;
      return s;
    };
    expect([1, 2, 3, 4].map(firstDue)).toEqual([5, 10, 20, 40]);
    expect(firstDue(12)).toBe(300);
  });

  it('carries out a job once when two rounds find it due at the same time', async () => {
    const store = tempStore();
    const all = jobs(store);
    for (const job of all) {
      store.write(['job'], () => store.db.prepare("UPDATE job SET details = ? WHERE id = ?").run(JSON.stringify({ address: '127.0.0.1', port: 46005, folder: 'e20009/run_0000' }), job.id));
    }
    // Counts the calls only: what is under test is who claims a job, not SSH (tested elsewhere).
    const calls: number[] = [];
    const counting = {
      // An organize job's first SSH call: where the router's staging directory is.
      locateStaging: async (_host: unknown, port: number) => {
        calls.push(port);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('not reachable in this test');
      },
    } as unknown as SshGateway;
    // One job at a time per runner: each round works through the list it read at its start.
    const options = { maxAttempts: 3, concurrency: 1, backoffMs: () => 0 };
    const runner = new JobRunner(store, counting, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}), options);
    const other = new JobRunner(store, counting, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}), options);
    await Promise.all([runner.runDue(), other.runDue(), runner.runDue()]);
    expect(calls).toHaveLength(all.length);
    expect(store.db.prepare('SELECT DISTINCT status, attempts FROM job').all()).toEqual([{ status: 'failed', attempts: 1 }]);
  });

  it('puts a job left running by an application that ended mid-way back to pending', () => {
    const store = tempStore();
    const [job] = jobs(store);
    job!.at('running', 1, null);
    new JobRunner(store, noGateway, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}));
    expect(store.db.prepare('SELECT status FROM job WHERE id = ?').get(job!.id)).toEqual({ status: 'pending' });
  });
});
