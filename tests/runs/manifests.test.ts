// The manifest of each run folder (issue 13), over a real OpenSSH server on 127.0.0.1 with a real
// `dataRouter` process and the real `sha256sum` of the worker computer: after the files are
// organized, the checksum job writes MANIFEST.sha256, which `sha256sum -c` run in the run folder
// accepts, and keeps the list with the run; runs.verify finds a file altered, removed or added;
// checksums off gives MANIFEST.sizes; a checksum job still hashing does not keep the next run
// from starting and being organized. The slow disk of that case is a `sha256sum` on the server's
// PATH that waits while a hold file exists, then runs the real one.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { nowIso } from '../../src/main/time';
import type { RunManifests } from '../../src/shared/api/contract';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { call, errorLog, openApp, refusal, rig, waitFor, waitForReport, type AppOptions } from './support';

const WAIT_MS = 60_000;
const SETTLE_MS = 500;

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function sha256sumCheck(folder: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: folder, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!sshdAvailable())(`run folder manifests over SSH ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;
  let bin: string;
  let hold: string;

  beforeAll(async () => {
    // Not tempDir(): that one goes after each test, and the server keeps this PATH for all of them.
    bin = realpathSync(mkdtempSync(join(tmpdir(), 'daq-slow-disk-')));
    hold = join(bin, 'hold');
    const script = join(bin, 'sha256sum');
    writeFileSync(script, `#!/bin/sh\nwhile [ -e '${hold}' ]; do sleep 0.05; done\nexec /usr/bin/sha256sum "$@"\n`);
    chmodSync(script, 0o755);
    sshd = await startSshd({ extraConfig: [`SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`] });
    programs = fakePrograms();
  });
  afterEach(() => rmSync(hold, { force: true }));
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
    rmSync(bin, { recursive: true, force: true });
  });

  function sshOptions(): AppOptions {
    return {
      ssh: {
        connect: { sshConfig: { home: sshHomeFor(sshd), env: {} } },
        gateway: {
          checkLimits: { softMs: 5_000, hardMs: 15_000 },
          fileLimits: { softMs: 5_000, hardMs: 15_000 },
          // The held sha256sum of the slow-disk case waits for the test, well within this.
          checksumLimits: { softMs: 50_000, hardMs: 55_000 },
        },
        // Two files per sha256sum call: a folder of three is hashed in two batches.
        jobs: { maxAttempts: 3, backoffMs: () => 200, settleMs: SETTLE_MS, settlePollMs: 100, checksumBatch: { files: 2 } },
        schedule: { checkIntervalMs: 300, jobIntervalMs: 200 },
      },
    };
  }

  async function world() {
    const r = await rig({ cobos: 1, app: openApp(dataDirTrusting(sshd, 'daq-manifest-'), sshOptions()) });
    const routerId = r.cobos[0]!.dataRouterId;
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    await call(r.app, 'dataRouters.update', { id: routerId, port });
    // Config files where the backup job finds them: a next run waits for that job (not for a checksum job).
    const configs = realpathSync(tempDir('daq-configs-'));
    const server = (await call(r.app, 'setup.get', {}))!.eccServers[0]!;
    const set = server.configSets.find((c) => c.selected)!;
    for (const name of [`describe-${set.describe}.xcfg`, `prepare-${set.prepare}.xcfg`, `configure-${set.configure}.xcfg`]) writeFileSync(join(configs, name), `<${name}/>`);
    await call(r.app, 'eccServers.update', { id: server.id, configRoot: configs, configBackupRoot: join(configs, 'backups') });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    return { ...r, routerId, staging };
  }

  /** Waits until Start all's checklist passes (the checks saw the router clean and the next run folder absent), then starts. */
  async function startRun(app: Application) {
    await waitFor(app, 'runs.status', {}, (s) => s.currentRun === null && s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    expect(await operation(app, 'runs.startAll')).toMatchObject({ ok: true });
  }

  function manifestsOf(app: Application, runNumber: number, predicate: (m: RunManifests) => boolean) {
    return waitFor(app, 'runs.manifests', { runNumber }, predicate, WAIT_MS);
  }

  async function verify(app: Application, runNumber: number) {
    const since = nowIso();
    expect(await call(app, 'runs.verify', { runNumber })).toMatchObject({ started: expect.any(String) });
    const done = await manifestsOf(app, runNumber, (m) => m.manifests.every((x) => !x.verifying && (x.verification?.at ?? '') >= since));
    return done.manifests[0]!.verification!;
  }

  it('writes MANIFEST.sha256 that sha256sum -c accepts, keeps the list with the run, and verify finds files changed, missing and added', async () => {
    const w = await world();
    await startRun(w.app);
    const contents: Record<string, string> = {
      'CoBo0_AsAd0_2026-01-01T10:00:00.000_0000.graw': 'first file of run 0\n',
      'CoBo0_AsAd0_2026-01-01T10:00:00.000_0001.graw': 'second file\n',
      'CoBo0_AsAd1_2026-01-01T10:00:00.000_0000.graw': '',
    };
    for (const [name, text] of Object.entries(contents)) writeFileSync(join(w.staging, name), text);
    expect(await operation(w.app, 'runs.stopAll')).toMatchObject({ ok: true });

    const made = await manifestsOf(w.app, 0, (m) => m.manifests.length === 1);
    const run = join(w.staging, 'e20009', 'run_0000');
    const names = Object.keys(contents).sort();
    expect(made.manifests[0]).toMatchObject({
      dataRouterName: 'DataRouter0',
      folder: run,
      manifestFile: 'MANIFEST.sha256',
      checksums: true,
      files: names.map((name) => ({ name, size: Buffer.byteLength(contents[name]!), sha256: sha256(contents[name]!) })),
      verification: null,
      verifying: false,
    });
    expect(made.unfinished).toEqual([]);
    // Exactly sha256sum's own format, no temporary file left beside it.
    expect(readFileSync(join(run, 'MANIFEST.sha256'), 'utf8')).toBe(names.map((n) => `${sha256(contents[n]!)}  ${n}\n`).join(''));
    expect(readdirSync(run).sort()).toEqual(['MANIFEST.sha256', ...names].sort());
    const checked = sha256sumCheck(run);
    expect(checked).toEqual({ status: 0, stdout: names.map((n) => `${n}: OK\n`).join(''), stderr: '' });
    const jobs = await call(w.app, 'jobs.list', {});
    const job = jobs.find((j) => j.kind === 'checksum_files')!;
    expect(job).toMatchObject({ status: 'done', runNumber: 0, targetName: 'DataRouter0', details: { folder: run, checksums: true } });
    const logged = w.app.store.db.prepare("SELECT message FROM log_entry WHERE message LIKE 'Making the manifest%'").all();
    expect(logged).toEqual([{ message: `Making the manifest of run 0 on DataRouter0: SHA-256 of 3 file(s), 32 bytes, in ${run}/MANIFEST.sha256` }]);

    expect(await verify(w.app, 0)).toMatchObject({ ok: true, added: [], missing: [], changed: [], problem: null });

    // Altered, removed and added afterwards, behind the application's back.
    appendFileSync(join(run, names[1]!), 'one more line\n');
    unlinkSync(join(run, names[0]!));
    writeFileSync(join(run, 'CoBo0_AsAd9_stray.graw'), 'not of this run');
    expect(sha256sumCheck(run).status).not.toBe(0);
    const report = await verify(w.app, 0);
    expect(report).toMatchObject({
      ok: false,
      problem: null,
      missing: [names[0]],
      added: [{ name: 'CoBo0_AsAd9_stray.graw', size: 15, sha256: sha256('not of this run') }],
      changed: [
        {
          name: names[1],
          expected: { size: 12, sha256: sha256(contents[names[1]!]!) },
          found: { size: 26, sha256: sha256(`${contents[names[1]!]!}one more line\n`) },
        },
      ],
    });
    const mismatch = errorLog(w.app).filter((e) => /^Run 0 .* differs from its manifest/.test(e.message));
    expect(mismatch.map((e) => e.message)).toEqual([
      `Run 0 on DataRouter0 differs from its manifest: 1 changed (${names[1]}); 1 missing (${names[0]}); 1 added (CoBo0_AsAd9_stray.graw)`,
    ]);
    expect(w.app.store.db.prepare("SELECT target, result FROM audit_entry WHERE action = 'runs.verify'").all()).toEqual([
      { target: 'the files of run 0', result: 'ok' },
      { target: 'the files of run 0', result: 'ok' },
    ]);
    // The mismatch is an alarm while the folder's last verification found it.
    const text = mismatch[0]!.message;
    const alarm = await waitFor(w.app, 'alarms.list', {}, (list) => list.active.some((a) => a.rule === 'manifestMismatch'), WAIT_MS);
    expect(alarm.active.filter((a) => a.rule === 'manifestMismatch')).toEqual([expect.objectContaining({ subject: 'DataRouter0', message: text })]);
    // The run record still holds the list as made.
    expect((await call(w.app, 'runs.manifests', { runNumber: 0 })).manifests[0]!.files.map((f) => f.name)).toEqual(names);
    // Put back as they were (from a copy, say), a verification finds them as listed: the alarm clears.
    writeFileSync(join(run, names[0]!), contents[names[0]!]!);
    writeFileSync(join(run, names[1]!), contents[names[1]!]!);
    unlinkSync(join(run, 'CoBo0_AsAd9_stray.graw'));
    expect(await verify(w.app, 0)).toMatchObject({ ok: true });
    const cleared = await waitFor(w.app, 'alarms.list', {}, (list) => !list.active.some((a) => a.rule === 'manifestMismatch'), WAIT_MS);
    expect(cleared.history.filter((a) => a.rule === 'manifestMismatch')).toEqual([expect.objectContaining({ message: text, clearedAt: expect.any(String) })]);
    expect((await refusal(w.app, 'runs.verify', { runNumber: 7 })).message).toBe('Experiment "e20009" has no run 7');
  }, 180_000);

  it('writes MANIFEST.sizes, saying so, when the experiment turned checksums off; verify then compares sizes', async () => {
    const w = await world();
    expect(await call(w.app, 'experiments.update', { id: w.experimentId, checksums: false })).toMatchObject({ checksums: false });
    await startRun(w.app);
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_0000.graw'), 'twelve bytes');
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_0001.graw'), 'four');
    expect(await operation(w.app, 'runs.stopAll')).toMatchObject({ ok: true });

    const made = await manifestsOf(w.app, 0, (m) => m.manifests.length === 1);
    const run = join(w.staging, 'e20009', 'run_0000');
    expect(made.manifests[0]).toMatchObject({
      manifestFile: 'MANIFEST.sizes',
      checksums: false,
      files: [
        { name: 'CoBo0_AsAd0_0000.graw', size: 12, sha256: null },
        { name: 'CoBo0_AsAd0_0001.graw', size: 4, sha256: null },
      ],
    });
    expect(existsSync(join(run, 'MANIFEST.sha256'))).toBe(false);
    expect(readFileSync(join(run, 'MANIFEST.sizes'), 'utf8')).toBe(
      '# sizes only: checksums are turned off for experiment e20009; run 0 on DataRouter0, bytes then name\n12  CoBo0_AsAd0_0000.graw\n4  CoBo0_AsAd0_0001.graw\n',
    );
    // Same size, other bytes: not seen without checksums (what turning them off gives up).
    writeFileSync(join(run, 'CoBo0_AsAd0_0001.graw'), 'FOUR');
    expect(await verify(w.app, 0)).toMatchObject({ ok: true });
    writeFileSync(join(run, 'CoBo0_AsAd0_0001.graw'), 'five!');
    expect(await verify(w.app, 0)).toMatchObject({ ok: false, changed: [{ name: 'CoBo0_AsAd0_0001.graw', expected: { size: 4, sha256: null }, found: { size: 5, sha256: null } }] });
  }, 180_000);

  it('lets the next run start and be organized while the previous run is still being hashed', async () => {
    const w = await world();
    writeFileSync(hold, '');
    await startRun(w.app);
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_run0.graw'), 'run 0');
    expect(await operation(w.app, 'runs.stopAll')).toMatchObject({ ok: true });
    const hashing = await waitFor(w.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.kind === 'checksum_files' && j.phase === 'hashing file 1 of 1'), WAIT_MS);
    const first = hashing.find((j) => j.kind === 'checksum_files')!;

    // The jobs item passes: a checksum job is not waited for; nor is it counted as pending.
    const status = await call(w.app, 'runs.status', {});
    expect(status.checklist.find((i) => i.key === 'jobs')).toMatchObject({ status: 'pass', reason: 'Every after-stop job of run 0 is done' });
    expect(status.pendingJobs).toBe(0);
    await startRun(w.app);
    writeFileSync(join(w.staging, 'CoBo0_AsAd0_run1.graw'), 'run 1');
    expect(await operation(w.app, 'runs.stopAll')).toMatchObject({ ok: true });
    // Run 1's files are organized while run 0's are still being hashed.
    const organized = await waitFor(w.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.kind === 'organize_files' && j.runNumber === 1 && j.status === 'done'), WAIT_MS);
    expect(organized.find((j) => j.id === first.id)).toMatchObject({ status: 'running', phase: 'hashing file 1 of 1' });
    expect(readdirSync(join(w.staging, 'e20009', 'run_0001'))).toContain('CoBo0_AsAd0_run1.graw');
    expect((await call(w.app, 'runs.manifests', { runNumber: 0 })).unfinished).toEqual([{ dataRouterName: 'DataRouter0', status: 'running', lastError: '' }]);
    expect((await refusal(w.app, 'runs.verify', { runNumber: 0 })).message).toBe('Verifying the files of run 0 refused: its manifests are not made yet (DataRouter0: running)');

    rmSync(hold);
    for (const n of [0, 1]) {
      const made = await manifestsOf(w.app, n, (m) => m.manifests.length === 1);
      expect(made.manifests[0]!.files).toEqual([{ name: `CoBo0_AsAd0_run${n}.graw`, size: 5, sha256: sha256(`run ${n}`) }]);
      expect(sha256sumCheck(join(w.staging, 'e20009', `run_000${n}`))).toMatchObject({ status: 0 });
    }
  }, 180_000);
});
