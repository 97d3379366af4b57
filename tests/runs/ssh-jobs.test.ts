// The worker computers in the running application, over a real OpenSSH server on 127.0.0.1 and a
// real `dataRouter` process: the periodic check feeds the routers' clean state (Start all is
// refused while one is not clean), the after-stop organize job moves the run's files and the
// router is checked clean again, a file already in the destination fails the job, and an unknown
// host key shows its fingerprint.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import type { Job } from '../../src/shared/api/contract';
import { nowIso } from '../../src/main/time';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { call, errorLog, giveConfigFiles, openApp, refusal, rig, waitFor, waitForReport, type AppOptions } from './support';

// Waits for states the application reports; each SSH command costs up to ~1 s on a loaded machine.
const WAIT_MS = 45_000;

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

describe.skipIf(!sshdAvailable())(`the worker computers over SSH ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  function sshOptions(): AppOptions {
    // The routers' address, 127.0.0.1, is resolved through ~/.ssh/config like a real alias.
    const home = sshHomeFor(sshd);
    return {
      ssh: {
        connect: { sshConfig: { home, env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 } },
        // A try may time out on a loaded machine (each SSH command costs up to ~1 s here): tried again soon.
        jobs: { maxAttempts: 3, backoffMs: () => 1_000, settleMs: 300, settlePollMs: 100 },
        schedule: { checkIntervalMs: 200, jobIntervalMs: 200 },
      },
    };
  }

  function trustedDataDir(): string {
    const dataDir = dataDirTrusting(sshd, 'daq-ssh-');
    return dataDir;
  }

  it('organizes the files of a stopped run, refuses Start all while a router is not clean, and never overwrites', async () => {
    const r = await rig({ cobos: 1, app: openApp(trustedDataDir(), sshOptions()) });
    const routerId = r.cobos[0]!.dataRouterId;
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    await call(r.app, 'dataRouters.update', { id: routerId, port });
    await giveConfigFiles(r.app, r.cobos[0]!.eccServerId);
    const cleanIs = (value: boolean) =>
      waitFor(r.app, 'runs.status', {}, (s) => s.dataRouters.find((d) => d.id === routerId)?.clean === value, WAIT_MS);

    // The periodic check finds the router and its clean staging directory.
    await cleanIs(true);
    const workers = await waitFor(r.app, 'workers.status', {}, (s) => s.dataRouters[0]?.stagingDirectory === staging);
    expect(workers.dataRouters[0]).toMatchObject({ processRunning: true, clean: true, grawFiles: 0, error: null });

    // Run 0: its files are moved after Stop, and the router is checked clean again.
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    writeFileSync(join(staging, 'CoBo0_AsAd0_run0.graw'), 'run 0');
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    const organized = await waitFor(r.app, 'jobs.list', {}, (jobs) => jobs.some((j) => j.kind === 'organize_files' && j.runNumber === 0 && j.status === 'done'), WAIT_MS);
    expect(organized.find((j) => j.kind === 'organize_files')).toMatchObject({ status: 'done', lastError: '' });
    expect(readFileSync(join(staging, 'e20009', 'run_0000', 'CoBo0_AsAd0_run0.graw'), 'utf8')).toBe('run 0');
    expect(existsSync(join(staging, 'CoBo0_AsAd0_run0.graw'))).toBe(false);
    await cleanIs(true);
    expect((await call(r.app, 'workers.status', {})).dataRouters[0]).toMatchObject({ clean: true, grawFiles: 0 });

    // Run 1 (Stop left the servers Ready): a file of that name is already in the destination: left in place, the job fails.
    await waitFor(r.app, 'jobs.list', {}, (list) => list.filter((j) => j.runNumber === 0 && j.status === 'done').length === 2, WAIT_MS);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    mkdirSync(join(staging, 'e20009', 'run_0001'), { recursive: true });
    writeFileSync(join(staging, 'e20009', 'run_0001', 'CoBo0_AsAd0_run1.graw'), 'older');
    writeFileSync(join(staging, 'CoBo0_AsAd0_run1.graw'), 'run 1');
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    // A try that timed out on a loaded machine fails too, and is tried again: waited for is the refusal.
    const refused = (j: Job) => j.kind === 'organize_files' && j.runNumber === 1 && j.status === 'failed' && /left in place/.test(j.lastError);
    const jobs = await waitFor(r.app, 'jobs.list', {}, (list) => list.some(refused), WAIT_MS);
    const failed = jobs.find((j) => j.kind === 'organize_files' && j.runNumber === 1);
    expect(failed?.lastError).toMatch(/left in place \(never overwritten\): CoBo0_AsAd0_run1\.graw/);
    expect(readFileSync(join(staging, 'e20009', 'run_0001', 'CoBo0_AsAd0_run1.graw'), 'utf8')).toBe('older');
    expect(readFileSync(join(staging, 'CoBo0_AsAd0_run1.graw'), 'utf8')).toBe('run 1');
    expect(errorLog(r.app).some((e) => e.source === 'ssh' && e.subject === 'DataRouter0' && /left in place/.test(e.message))).toBe(true);

    // The check sees the file left behind: Start all is refused.
    await cleanIs(false);
    expect((await refusal(r.app, 'runs.startAll', {})).message).toMatch(/The staging folder of DataRouter0 is not clean/);
  }, 90_000);

  it('shows the fingerprint of an unknown host key in the status and the log, changing nothing else', async () => {
    const r = await rig({ cobos: 1, app: openApp(tempDir('daq-ssh-'), sshOptions()) });
    // The computer's own entry too: its round has ended and its log entry is written (each
    // program's failure shows as soon as it comes, before the round's summary).
    const status = await waitFor(
      r.app,
      'workers.status',
      {},
      (s) => s.dataRouters[0]?.hostKey !== null && s.eccServers[0]?.hostKey !== null && s.hosts[0]?.hostKey?.fingerprint === sshd.hostKeyFingerprint,
      WAIT_MS,
    );
    expect(status.dataRouters[0]).toMatchObject({
      error: { kind: 'unknown-host' },
      hostKey: { host: sshd.host, port: sshd.port, fingerprint: sshd.hostKeyFingerprint },
      clean: null,
      processRunning: null,
    });
    expect((await call(r.app, 'runs.status', {})).dataRouters[0]?.clean).toBeNull();
    const logged = errorLog(r.app).filter((e) => e.source === 'ssh' && e.subject === '127.0.0.1');
    expect(logged.some((e) => e.message.includes(sshd.hostKeyFingerprint))).toBe(true);

    // Trusting it: only the key a check saw, named by its fingerprint; then the checks answer.
    const keyType = sshd.hostPublicKey.split(' ')[0] ?? '';
    const other = `SHA256:${'A'.repeat(43)}`;
    expect((await refusal(r.app, 'hosts.trust', { host: sshd.host, port: sshd.port, keyType, fingerprint: other })).code).toBe('NOT_FOUND');
    const trusted = await call(r.app, 'hosts.trust', { host: sshd.host, port: sshd.port, keyType, fingerprint: sshd.hostKeyFingerprint });
    expect(readFileSync(trusted.file, 'utf8')).toContain(sshd.knownHostsLine);
    const answered = await waitFor(r.app, 'workers.status', {}, (s) => s.dataRouters[0]?.error === null && s.eccServers[0]?.error === null, WAIT_MS);
    expect(answered.eccServers[0]).toMatchObject({ processRunning: false, hostKey: null });
    const audit = r.app.store.db.prepare("SELECT target, result FROM audit_entry WHERE action = 'hosts.trust' ORDER BY id").all();
    expect(audit).toHaveLength(2);
  }, 60_000);
});
