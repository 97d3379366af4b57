// Closing the application: the schedules stop, new requests are refused, the work under way
// ends and what it found is written before the database closes; work that outlives the close
// bound (a hung peer) writes nothing when it ends, and nothing complains of a closed database.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_FILE } from '../../src/main/app/application';
import { queueAfterStopJobs } from '../../src/main/runs/jobs';
import { createRun, stopRun } from '../../src/main/runsheet/queries';
import { stateCode } from '../../src/main/ecc/simulator';
import { silentPeer } from '../ecc/peers';
import { call, openApp, rig, waitFor } from '../runs/support';
import { tempDir } from '../support/store';

/** Everything printed through console.error and console.warn during the test. */
function printed(): { lines: () => string[] } {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  vi.spyOn(console, 'error').mockImplementation(keep);
  vi.spyOn(console, 'warn').mockImplementation(keep);
  return { lines: () => lines };
}
afterEach(() => vi.restoreAllMocks());

function readDatabase<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('closing the application', () => {
  it('waits for a step under way and writes what it found, refusing new requests meanwhile', async () => {
    const output = printed();
    const dataDir = tempDir('daq-close-');
    // While a step runs the server answers nothing else: the refresh rounds wait on it too.
    const r = await rig({ cobos: 1, app: openApp(dataDir), sim: { stepDurations: { Describe: 1_000 }, stress: true } });
    const board = r.cobos[0]!;
    await call(r.app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    await board.sim.waitForRequest((request) => request.operation === 'Describe');

    const closing = r.app.close();
    const refused = await r.app.service.call('ecc.refresh', {}, { origin: 'test', osUser: 'tester', readOnly: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'REFUSED', message: 'The application is closing' } });
    await closing;
    expect(r.app.store.db.open).toBe(false);

    // The step ended before the database closed, and its result is recorded.
    const { state, done, integrity } = readDatabase(dataDir, (db) => ({
      state: db.prepare('SELECT state FROM ecc_server WHERE id = ?').pluck().get(board.eccServerId),
      done: db.prepare("SELECT count(*) FROM log_entry WHERE message = 'Describe on ECC0 done: Described'").pluck().get(),
      integrity: db.pragma('integrity_check', { simple: true }),
    }));
    expect(state).toBe(stateCode('Described'));
    expect(done).toBe(1);
    expect(integrity).toBe('ok');
    await r.app.closed;
    expect(output.lines().filter((line) => /not open|closed/i.test(line))).toEqual([]);
  });

  it('ends within its bound while a refresh round, an SSH check and a job hang, and they write nothing afterwards', async () => {
    const output = printed();
    const sshPeer = await silentPeer();
    const home = tempDir('daq-home-');
    mkdirSync(join(home, '.ssh'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
    // Every worker computer (127.0.0.1) is a peer that accepts and never says a word.
    writeFileSync(join(home, '.ssh', 'config'), `Host 127.0.0.1\n  Port ${sshPeer.endpoint.port}\n  User nobody\n`);
    const dataDir = tempDir('daq-close-');
    const limits = { softMs: 20_000, hardMs: 30_000 };
    const app = openApp(dataDir, {
      closeTimeoutMs: 300,
      ssh: {
        connect: { sshConfig: { home, env: {} } },
        gateway: { checkLimits: limits, fileLimits: limits },
        schedule: { checkIntervalMs: 60_000, jobIntervalMs: 60_000 },
      },
    });
    const r = await rig({ cobos: 1, app });
    const board = r.cobos[0]!;

    // A stopped run's after-stop jobs, which start at once and hang on the silent computer.
    app.store.write(['run', 'job'], () => {
      const run = createRun(app.store, { experimentId: r.experimentId, configName: 'experiment' });
      stopRun(app.store, run.id);
      queueAfterStopJobs(app.store, r.experimentId, run);
    });
    await waitFor(app, 'jobs.list', {}, (jobs) => jobs.some((job) => job.status === 'running'));
    // The ECC server stops answering: the next refresh round hangs too.
    board.sim.set({ hang: ['GetState'] });
    const since = Date.now();
    await board.sim.waitForRequest((request) => request.operation === 'GetState' && request.time >= since);
    expect(app.workers.status().dataRouters[0]?.checkedAt).toBeNull();

    await app.close();
    await app.closed;

    expect(output.lines().filter((line) => /not open|database/i.test(line))).toEqual([]);
    expect(output.lines()).toEqual([expect.stringContaining('Closing: work under way after 300 ms is abandoned')]);
    const { jobs, integrity } = readDatabase(dataDir, (db) => ({
      jobs: db.prepare('SELECT status, last_error FROM job ORDER BY id').all(),
      integrity: db.pragma('integrity_check', { simple: true }),
    }));
    // Nothing was recorded of the jobs' outcome: the next start tries them again.
    expect(jobs).toEqual([
      { status: 'running', last_error: '' },
      { status: 'running', last_error: '' },
    ]);
    expect(integrity).toBe('ok');
  });
});
