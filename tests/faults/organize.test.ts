// The fault matrix, after Stop on a worker computer: the whole application over a real OpenSSH
// server on 127.0.0.1 and a real `dataRouter` process. A router still writing after Stop (a real
// writer process): nothing is moved while a file grows, everything ends up in run_NNNN once it
// stops, and the job says it is waiting meanwhile. A run folder the SSH user cannot write: the
// job fails with the reason after its tries, nothing is lost, and once the folder is mended
// jobs.retry finishes it. Leftover files moved aside by an operator, the router clean afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { nowIso } from '../../src/main/time';
import { startGrawWriter, type GrawWriter } from '../support/graw-writer';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { call, errorLog, giveConfigFiles, openApp, refusal, rig, waitFor, waitForReport, type AppOptions } from '../runs/support';

// Waits for states the application reports; each SSH command costs up to ~1 s on a loaded machine.
const WAIT_MS = 60_000;
// Short for a test, and longer than the writer's pause between two writes (200 ms) many times over.
const SETTLE_MS = 2_000;

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

function graw(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter((n) => n.endsWith('.graw')).sort() : [];
}

/**
 * A folder nobody can create files in, not even root (the tests may run as root, whom modes do
 * not stop): the immutable attribute as root, read-only mode otherwise. Returns how to mend it.
 */
function unwritable(folder: string): () => void {
  if (process.getuid?.() === 0) {
    const set = spawnSync('chattr', ['+i', folder], { encoding: 'utf8' });
    if (set.status !== 0) throw new Error(`chattr +i ${folder} failed: ${set.stderr || set.error?.message}`);
    return () => void spawnSync('chattr', ['-i', folder]);
  }
  chmodSync(folder, 0o555);
  return () => chmodSync(folder, 0o755);
}

describe.skipIf(!sshdAvailable())(`after Stop, on a worker computer over SSH ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;
  const mends: (() => void)[] = [];
  const writers: GrawWriter[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterEach(() => {
    for (const writer of writers.splice(0)) if (writer.running()) writer.child.kill('SIGKILL');
    for (const mend of mends.splice(0)) mend();
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  function sshOptions(jobs: NonNullable<AppOptions['ssh']>['jobs'] = {}): AppOptions {
    const home = sshHomeFor(sshd);
    return {
      ssh: {
        connect: { sshConfig: { home, env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 } },
        jobs: { maxAttempts: 3, backoffMs: () => 200, settleMs: SETTLE_MS, settlePollMs: 200, ...jobs },
        schedule: { checkIntervalMs: 500, jobIntervalMs: 200 },
      },
    };
  }

  /** The application with one CoBo whose data router (a real process) works in a fresh staging folder. */
  async function world(jobs?: NonNullable<AppOptions['ssh']>['jobs']) {
    const dataDir = dataDirTrusting(sshd, 'daq-faults-');
    const r = await rig({ cobos: 1, app: openApp(dataDir, sshOptions(jobs)) });
    const routerId = r.cobos[0]!.dataRouterId;
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    await call(r.app, 'dataRouters.update', { id: routerId, port });
    await giveConfigFiles(r.app, r.cobos[0]!.eccServerId);
    const cleanIs = (value: boolean) =>
      waitFor(r.app, 'runs.status', {}, (s) => s.dataRouters.find((d) => d.id === routerId)?.clean === value, WAIT_MS).catch(async (error: unknown) => {
        // Why the checks did not say so: their last failure, if any.
        const workers = JSON.stringify((await call(r.app, 'workers.status', {})).dataRouters);
        throw new Error(`${String(error)}\nworkers.status: ${workers}\nsshd: ${sshd.log().slice(-3000)}`);
      });
    await cleanIs(true);
    return { ...r, routerId, staging, cleanIs };
  }

  it('moves nothing while a router still writes after Stop, says it waits, then moves every file into the run folder', async () => {
    const w = await world();
    expect(await operation(w.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    expect(await operation(w.app, 'runs.startAll')).toMatchObject({ ok: true });
    writeFileSync(join(w.staging, 'a.graw'), 'written during the run\n');
    // 30 writes of 200 ms: six seconds of writing after Stop, three times the settle time.
    const writer = startGrawWriter(w.staging, 30);
    writers.push(writer);
    expect(await operation(w.app, 'runs.stopAll')).toMatchObject({ ok: true });

    const waiting = await waitFor(w.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.kind === 'organize_files' && j.phase !== null), WAIT_MS);
    const job = waiting.find((j) => j.kind === 'organize_files')!;
    expect(job).toMatchObject({ status: 'running', phase: 'waiting for DataRouter0 to finish writing' });
    // The writer is still at it (it checks itself that its files stay where it writes them).
    expect(writer.running()).toBe(true);
    expect(graw(join(w.staging, 'e20009', 'run_0000'))).toEqual([]);

    expect(await writer.exited).toEqual({ code: 0, output: 'done' });
    const done = await waitFor(w.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.id === job.id && j.status === 'done'), WAIT_MS);
    expect(done.find((j) => j.id === job.id)).toMatchObject({ status: 'done', phase: null, lastError: '' });
    const run = join(w.staging, 'e20009', 'run_0000');
    expect(graw(run)).toEqual(['a.graw', 'b.graw', 'c.graw']);
    expect(graw(w.staging)).toEqual([]);
    // Every write landed in the file that was moved: nothing was split off or lost.
    expect(readFileSync(join(run, 'b.graw'), 'utf8').split('\n').filter(Boolean)).toHaveLength(30);
    expect(readFileSync(join(run, 'c.graw'), 'utf8').split('\n').filter(Boolean)).toHaveLength(15);
    await w.cleanIs(true);
    const logged = w.app.store.db.prepare("SELECT message FROM log_entry WHERE source = 'ssh' AND subject = 'DataRouter0' AND level = 'info'").all() as { message: string }[];
    expect(logged.map((e) => e.message)).toContain(`Organizing the files of run 0 on DataRouter0: 3 file(s) moved to ${run}`);
  }, 120_000);

  it('fails with the reason after its tries when the run folder cannot be written, loses nothing, and finishes on jobs.retry once mended', async () => {
    const w = await world();
    const run = join(w.staging, 'e20009', 'run_0000');
    mkdirSync(run, { recursive: true });
    mends.push(unwritable(run));
    expect(await operation(w.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    expect(await operation(w.app, 'runs.startAll')).toMatchObject({ ok: true });
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_0000.graw'), 'run 0, file 0');
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_0001.graw'), 'run 0, file 1');
    expect(await operation(w.app, 'runs.stopAll')).toMatchObject({ ok: true });

    const spent = await waitFor(w.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.kind === 'organize_files' && j.status === 'failed' && j.attempts === 3), WAIT_MS);
    const job = spent.find((j) => j.kind === 'organize_files')!;
    expect(job.lastError).toMatch(/^0 file\(s\) moved; 2 file\(s\) not moved: CoBo0_AsAd0_0000\.graw \(Permission denied\), CoBo0_AsAd0_0001\.graw \(Permission denied\)$/);
    // (The job's own entries: the alarm of a job failed for good has its own, source `alarm`.)
    const failures = errorLog(w.app).filter((e) => e.source !== 'alarm' && e.subject === 'DataRouter0' && /Organizing the files of run 0 on DataRouter0 failed/.test(e.message));
    // The same failure three times is one entry with its count, the details of the last try.
    expect(failures.map((e) => [e.details, e.count])).toEqual([[`job #${job.id}, attempt 3 of 3`, 3]]);
    // Nothing lost: both files where the router wrote them; the router is not clean.
    expect(readFileSync(join(w.staging, 'CoBo0_AsAd0_0000.graw'), 'utf8')).toBe('run 0, file 0');
    expect(graw(w.staging)).toHaveLength(2);
    await w.cleanIs(false);
    // No more tries by itself: the operator's turn.
    expect((await refusal(w.app, 'runs.startAll', {})).message).toMatch(/The staging folder of DataRouter0 is not clean/);

    mends.pop()!();
    const retried = await call(w.app, 'jobs.retry', { id: job.id });
    expect(retried).toMatchObject({ id: job.id, status: 'pending', attempts: 0, lastError: '' });
    const done = await waitFor(w.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.id === job.id && j.status === 'done'), WAIT_MS);
    expect(done.find((j) => j.id === job.id)).toMatchObject({ attempts: 1, lastError: '' });
    expect(graw(run)).toEqual(['CoBo0_AsAd0_0000.graw', 'CoBo0_AsAd0_0001.graw']);
    expect(readFileSync(join(run, 'CoBo0_AsAd0_0001.graw'), 'utf8')).toBe('run 0, file 1');
    await w.cleanIs(true);
    // The failure stays in the log, and the retry says whose it was and why the job had failed.
    const retryEntry = w.app.store.db.prepare("SELECT message, details FROM log_entry WHERE message LIKE '%tried again%'").get() as { message: string; details: string };
    expect(retryEntry.message).toMatch(/^Organizing the files of run 0 on DataRouter0: tried again \(asked by .+\)$/);
    expect(retryEntry.details).toMatch(new RegExp(`^job #${job.id} had failed after 3 attempt\\(s\\): 0 file\\(s\\) moved; 2 file\\(s\\) not moved`));
    expect(errorLog(w.app).filter((e) => e.source !== 'alarm' && e.subject === 'DataRouter0' && /failed/.test(e.message)).map((e) => e.count)).toEqual([3]);
    const audit = w.app.store.db.prepare("SELECT target, result FROM audit_entry WHERE action = 'jobs.retry'").all();
    expect(audit).toEqual([{ target: `job #${job.id} (organize_files of run 0 on DataRouter0)`, result: 'ok' }]);
  }, 120_000);

  it('moves leftover files aside into <experiment>/unsorted/<time>/, logs the count and checks the router clean again; refused while a run goes', async () => {
    const w = await world();
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_crash_0000.graw'), 'left by a crash');
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_crash_0001.graw'), 'left by a crash, too');
    writeFileSync(join(w.staging, 'notes.txt'), 'not data: stays');
    await w.cleanIs(false);

    const before = Date.now();
    expect(await call(w.app, 'dataRouters.moveLeftovers', { id: w.routerId })).toMatchObject({ started: expect.any(String) });
    await w.cleanIs(true);
    const unsorted = join(w.staging, 'e20009', 'unsorted');
    const folders = readdirSync(unsorted);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^\d{8}-\d{6}$/);
    // Named by the local time of the move.
    const [date, time] = folders[0]!.split('-') as [string, string];
    const named = new Date(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +time.slice(0, 2), +time.slice(2, 4), +time.slice(4, 6)).getTime();
    expect(named).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(named).toBeLessThanOrEqual(Date.now());
    const moved = join(unsorted, folders[0]!);
    expect(graw(moved)).toEqual(['CoBo0_AsAd0_crash_0000.graw', 'CoBo0_AsAd0_crash_0001.graw']);
    expect(readFileSync(join(moved, 'CoBo0_AsAd0_crash_0001.graw'), 'utf8')).toBe('left by a crash, too');
    expect(graw(w.staging)).toEqual([]);
    expect(statSync(join(w.staging, 'notes.txt')).isFile()).toBe(true);
    const entry = w.app.store.db.prepare("SELECT level, subject, message FROM log_entry WHERE message LIKE 'Moving the leftover files%'").get();
    expect(entry).toEqual({ level: 'info', subject: 'DataRouter0', message: expect.stringMatching(new RegExp(`^Moving the leftover files of DataRouter0 aside \\(asked by .+\\): 2 file\\(s\\) moved to ${moved}$`)) });
    expect(w.app.store.db.prepare("SELECT target, result FROM audit_entry WHERE action = 'dataRouters.moveLeftovers'").all()).toEqual([{ target: 'DataRouter0', result: 'ok' }]);
    expect((await call(w.app, 'workers.status', {})).dataRouters[0]).toMatchObject({ clean: true, grawFiles: 0 });

    // While a run goes, the files there are the run's: refused, nothing touched.
    expect(await operation(w.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    expect(await operation(w.app, 'runs.startAll')).toMatchObject({ ok: true });
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_run0.graw'), 'run 0');
    const refused = await refusal(w.app, 'dataRouters.moveLeftovers', { id: w.routerId });
    expect(refused).toMatchObject({ code: 'REFUSED', message: 'Moving the leftover files of DataRouter0 aside refused: run 0 is going (its files are being written); stop it first' });
    expect(graw(w.staging)).toEqual(['CoBo0_AsAd0_run0.graw']);
  }, 120_000);
});
