// Mending after Stop, without a worker computer: jobs.retry and dataRouters.moveLeftovers refuse
// what they must with the reason (nothing sent over SSH), and the organize job, driven by a
// scripted gateway, never moves a file that still grows, says it waits, and gives up on a router
// that never stops writing, naming the files.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { JobRunner } from '../../src/main/runs/job-runner';
import { queueAfterStopJobs } from '../../src/main/runs/jobs';
import { DataRouterCleanliness } from '../../src/main/runs/routers';
import { createRun, stopRun } from '../../src/main/runsheet/queries';
import type { GrawFileStat } from '../../src/main/worker-node/files';
import type { SshGateway } from '../../src/main/worker-node/ssh-pool';
import { call, openApp, refusal } from './support';

/** An experiment with one data router and one ECC server, run 0 stopped and its jobs queued. */
async function stoppedRun(app: Application) {
  const experiment = await call(app, 'experiments.create', { name: 'e20009' });
  const router = await call(app, 'dataRouters.add', { name: 'DataRouter0', address: '127.0.0.1', port: 46005, logPath: '/log/router.log' });
  await call(app, 'eccServers.add', { name: 'ECC0', address: '127.0.0.1', port: 8083, logPath: '/log/ecc.log', configRoot: '/configs', configBackupRoot: '/backups' });
  const run = createRun(app.store, { experimentId: experiment.id, configName: 'c' });
  app.store.write(['run', 'job'], () => {
    stopRun(app.store, run.id);
    queueAfterStopJobs(app.store, experiment.id, run);
  });
  const jobs = await call(app, 'jobs.list', {});
  return { experiment, router, run, organize: jobs.find((j) => j.kind === 'organize_files')!, backup: jobs.find((j) => j.kind === 'backup_configs')! };
}

const setStatus = (app: Application, id: number, status: string, attempts: number) =>
  app.store.write(['job'], () => app.store.db.prepare("UPDATE job SET status = ?, attempts = ?, last_error = 'boom', finished_at = ? WHERE id = ?").run(status, attempts, new Date().toISOString(), id));

describe('jobs.retry', () => {
  it('refuses a job that is not failed, with the reason, and an unknown one', async () => {
    const app = openApp();
    const { organize, backup } = await stoppedRun(app);
    expect(await refusal(app, 'jobs.retry', { id: organize.id })).toMatchObject({ code: 'REFUSED', field: 'id', message: `Job #${organize.id} is waiting for its turn: only a failed job can be tried again` });
    setStatus(app, organize.id, 'running', 1);
    expect((await refusal(app, 'jobs.retry', { id: organize.id })).message).toBe(`Job #${organize.id} is being carried out now: only a failed job can be tried again`);
    setStatus(app, backup.id, 'done', 1);
    expect((await refusal(app, 'jobs.retry', { id: backup.id })).message).toBe(`Job #${backup.id} is done: only a failed job can be tried again`);
    expect(await refusal(app, 'jobs.retry', { id: 9999 })).toMatchObject({ code: 'NOT_FOUND', message: 'No after-stop job #9999' });
    expect((await refusal(app, 'jobs.retry', { id: 0 })).code).toBe('INVALID_INPUT');
    // Refusals change nothing, and are in the audit trail like every mutation.
    expect((await call(app, 'jobs.list', {})).map((j) => j.status).sort()).toEqual(['done', 'running']);
    expect(app.store.db.prepare("SELECT result FROM audit_entry WHERE action = 'jobs.retry'").all()).toHaveLength(5);
  });

  it('puts a failed job back to pending with its attempts from zero, keeping its failure in the log', async () => {
    const app = openApp();
    const { organize } = await stoppedRun(app);
    setStatus(app, organize.id, 'failed', 5);
    const retried = await call(app, 'jobs.retry', { id: organize.id });
    expect(retried).toMatchObject({ id: organize.id, status: 'pending', attempts: 0, lastError: '', startedAt: null, finishedAt: null, phase: null });
    const entry = app.store.db.prepare("SELECT level, source, subject, message, details FROM log_entry WHERE message LIKE '%tried again%'").get();
    expect(entry).toEqual({
      level: 'info',
      source: 'ssh',
      subject: 'DataRouter0',
      message: 'Organizing the files of run 0 on DataRouter0: tried again (asked by tester)',
      details: `job #${organize.id} had failed after 5 attempt(s): boom`,
    });
  });
});

describe('dataRouters.moveLeftovers', () => {
  it('refuses an unknown router, a router whose files are being organized, and any while a run goes', async () => {
    const app = openApp();
    const { experiment, router, organize } = await stoppedRun(app);
    expect(await refusal(app, 'dataRouters.moveLeftovers', { id: 9999 })).toMatchObject({ code: 'NOT_FOUND', message: 'No data router #9999' });
    expect(await refusal(app, 'dataRouters.moveLeftovers', { id: router.id })).toMatchObject({
      code: 'REFUSED',
      message: `Moving the leftover files of DataRouter0 aside refused: the after-stop job #${organize.id} of run 0 is pending (it moves these files into their run folder); wait for it`,
    });
    setStatus(app, organize.id, 'done', 1);
    createRun(app.store, { experimentId: experiment.id, configName: 'c' });
    expect(await refusal(app, 'dataRouters.moveLeftovers', { id: router.id })).toMatchObject({
      code: 'REFUSED',
      message: 'Moving the leftover files of DataRouter0 aside refused: run 1 is going (its files are being written); stop it first',
    });
    expect(app.store.db.prepare("SELECT target FROM audit_entry WHERE action = 'dataRouters.moveLeftovers' AND result != 'ok'").all()).toHaveLength(3);
  });
});

/** A gateway whose staging folder lists what `listing()` says; it records what it was asked to move. */
function scriptedGateway(listing: () => GrawFileStat[]) {
  const moves: GrawFileStat[][] = [];
  let left: GrawFileStat[] | null = null;
  const gateway = {
    locateStaging: async () => ({ kind: 'found', pid: 1, directory: '/data/cobo0' }),
    snapshotStaging: async () => left ?? listing(),
    organizeFiles: async (_host: unknown, job: { files: GrawFileStat[] }) => {
      moves.push(job.files);
      left = [];
      return { staging: { kind: 'found', pid: 1, directory: '/data/cobo0' }, result: { destination: '/data/cobo0/e20009/run_0000', moved: job.files.length, changed: [], skippedExisting: [], errors: [], interrupted: false } };
    },
    checkDataRouter: async () => ({ processRunning: true, staging: { kind: 'found', pid: 1, directory: '/data/cobo0' }, clean: { clean: true, grawFiles: 0, totalBytes: 0 } }),
    backupConfigs: async () => ({ backupFolder: '/backups', files: [] }),
  } as unknown as SshGateway;
  return { gateway, moves };
}

describe('the organize job of a router still writing', () => {
  it('moves nothing while a file grows, shows that it waits, and moves the files once they stood still', async () => {
    const app = openApp();
    const { organize } = await stoppedRun(app);
    let size = 0;
    let growing = true;
    const { gateway, moves } = scriptedGateway(() => [{ name: 'a.graw', size: growing ? (size += 100) : size, mtime: 1 }]);
    const phases: (string | null)[] = [];
    const runner: JobRunner = new JobRunner(app.store, gateway, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}), { settleMs: 200, settlePollMs: 20 }, () =>
      phases.push(runner.phaseOf(organize.id)),
    );
    const round = runner.runDue();
    while (size < 1000) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(moves).toEqual([]);
    expect(phases).toContain('waiting for DataRouter0 to finish writing');
    growing = false;
    await round;
    expect(moves).toEqual([[{ name: 'a.graw', size, mtime: 1 }]]);
    expect((await call(app, 'jobs.list', {})).find((j) => j.id === organize.id)).toMatchObject({ status: 'done', phase: null });
    expect(phases.at(-1)).toBeNull();
  });

  it('gives up on a router that never stops writing, naming the files, and moves none of them', async () => {
    const app = openApp();
    const { organize } = await stoppedRun(app);
    let size = 0;
    const { gateway, moves } = scriptedGateway(() => [{ name: 'a.graw', size: 5, mtime: 1 }, { name: 'b.graw', size: (size += 1), mtime: 1 }]);
    const runner = new JobRunner(app.store, gateway, (address) => ({ alias: address }), new DataRouterCleanliness(() => {}), {
      settleMs: 100,
      settlePollMs: 10,
      settleTimeoutMs: 300,
      maxAttempts: 1,
    });
    await runner.runDue();
    expect(moves).toEqual([]);
    const job = (await call(app, 'jobs.list', {})).find((j) => j.id === organize.id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job?.lastError).toBe('0 file(s) moved; DataRouter0 did not finish writing: its .graw files were still changing after 300 ms (last changed: b.graw), left in place');
  });
});
