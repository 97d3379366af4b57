// The fault matrix's alarms on the worker computers (issue 12): against a REAL OpenSSH server on
// 127.0.0.1, real processes named like the GET programs on their ports, and `df` run for real on a
// real folder. A data router or ECC server process killed raises its alarm, which clears when the
// program is started again; a free-disk threshold above the folder's real free space raises one;
// an after-stop job that failed for good raises one, cleared when it is tried again. Each waits
// for what alarms.list pushes.
import { realpathSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import type { Alarm, AlarmList } from '../../src/shared/alarms';
import { nowIso } from '../../src/main/time';
import { call, giveConfigFiles, openApp, overrideChecklist, rig, waitFor, waitForReport, type AppOptions } from '../runs/support';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';

// Each SSH command costs up to ~1 s on a loaded machine.
const WAIT_MS = 45_000;

const activeOf = (list: AlarmList, rule: Alarm['rule'], subject?: string) => list.active.find((a) => a.rule === rule && (subject === undefined || a.subject === subject));
const historyOf = (list: AlarmList, rule: Alarm['rule']) => list.history.filter((a) => a.rule === rule);

function waitForAlarms(app: Application, predicate: (list: AlarmList) => boolean) {
  return waitFor(app, 'alarms.list', {}, predicate, WAIT_MS);
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe.skipIf(!sshdAvailable())(`alarms from the worker computers over a real OpenSSH server ${sshdUnavailableReason() ?? ''}`, () => {
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

  function sshOptions(jobs: NonNullable<AppOptions['ssh']>['jobs'] = {}): AppOptions {
    return {
      ssh: {
        connect: { sshConfig: { home: sshHomeFor(sshd), env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 } },
        jobs,
        schedule: { checkIntervalMs: 200, jobIntervalMs: 200 },
      },
    };
  }

  it('a data router or ECC server process killed raises its alarm; started again on its port, the alarm clears', async () => {
    const app = openApp(dataDirTrusting(sshd, 'daq-alarms-'), sshOptions());
    const staging = realpathSync(tempDir('daq-staging-'));
    const [routerPort, eccPort] = [await freePort(), await freePort()];
    const router = await programs.start('dataRouter', { cwd: staging, port: routerPort });
    const ecc = await programs.start('getEccSoapServer', { cwd: programs.dir, port: eccPort });
    await call(app, 'experiments.create', { name: 'e20009' });
    await call(app, 'dataRouters.add', { name: 'DataRouter0', address: '127.0.0.1', port: routerPort, connectionType: 'TCP', logPath: '/log/router.log' });
    await call(app, 'eccServers.add', { name: 'ECC0', address: '127.0.0.1', port: eccPort, logPath: '/log/ecc.log', configRoot: '/configs', configBackupRoot: '/backups' });
    // Its SOAP port answers no SOAP: that alarm is not the one looked at here.
    await call(app, 'alarms.rules.update', { rules: { eccNotAnswering: { enabled: false } } });
    await waitFor(app, 'workers.status', {}, (s) => s.dataRouters[0]?.processRunning === true && s.eccServers[0]?.processRunning === true, WAIT_MS);
    expect((await call(app, 'alarms.list', {})).active).toEqual([]);

    await killed(router);
    const routerGone = await waitForAlarms(app, (l) => activeOf(l, 'processGone', 'DataRouter0') !== undefined);
    expect(activeOf(routerGone, 'processGone', 'DataRouter0')!.message).toBe(`DataRouter0: its dataRouter process is gone from 127.0.0.1 (nothing listens on port ${routerPort})`);
    await killed(ecc);
    const eccGone = await waitForAlarms(app, (l) => activeOf(l, 'processGone', 'ECC0') !== undefined);
    expect(activeOf(eccGone, 'processGone', 'ECC0')!.message).toBe(`ECC0: its getEccSoapServer process is gone from 127.0.0.1 (nothing listens on port ${eccPort})`);

    await programs.start('dataRouter', { cwd: staging, port: routerPort });
    await programs.start('getEccSoapServer', { cwd: programs.dir, port: eccPort });
    const back = await waitForAlarms(app, (l) => activeOf(l, 'processGone') === undefined);
    expect(historyOf(back, 'processGone').map((a) => a.subject).sort()).toEqual(['DataRouter0', 'ECC0']);
    expect(historyOf(back, 'processGone').every((a) => a.clearedAt !== null)).toBe(true);
  }, 120_000);

  it('free disk below the threshold: df of the real staging folder against a threshold above its free space raises the alarm; lowered, it clears', async () => {
    const app = openApp(dataDirTrusting(sshd, 'daq-alarms-'), sshOptions());
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    await call(app, 'experiments.create', { name: 'e20009' });
    await call(app, 'dataRouters.add', { name: 'DataRouter0', address: '127.0.0.1', port, connectionType: 'TCP', logPath: '/log/router.log' });
    const checked = await waitFor(app, 'workers.status', {}, (s) => s.dataRouters[0]?.disk !== null && s.dataRouters[0]?.disk !== undefined, WAIT_MS);
    const disk = checked.dataRouters[0]!.disk!;
    const freeGb = disk.availableKb / (1e9 / 1024);
    // The default (10 GB) may or may not be above this machine's free space: the thresholds decide here.
    await call(app, 'alarms.rules.update', { rules: { diskFree: { minFreeGb: Math.ceil(freeGb) + 1000 } } });
    const low = await waitForAlarms(app, (l) => activeOf(l, 'diskFree') !== undefined);
    expect(activeOf(low, 'diskFree')!.message).toMatch(
      new RegExp(`^DataRouter0: only \\d+\\.\\d GB free on ${disk.mountPoint.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+% used\\), below ${Math.ceil(freeGb) + 1000} GB$`),
    );

    await call(app, 'alarms.rules.update', { rules: { diskFree: { minFreeGb: 0 } } });
    const cleared = await waitForAlarms(app, (l) => activeOf(l, 'diskFree') === undefined);
    expect(historyOf(cleared, 'diskFree')).toHaveLength(1);
  }, 120_000);

  it('an after-stop job that failed for good raises its alarm; tried again, the alarm clears, and failing again is a new alarm', async () => {
    // One try per job: the ECC server's config files are gone once the run started, so its backup fails at once, for good.
    const r = await rig({ cobos: 1, app: openApp(dataDirTrusting(sshd, 'daq-alarms-'), sshOptions({ maxAttempts: 1, settleMs: 100, settlePollMs: 50 })) });
    const { configRoot } = await giveConfigFiles(r.app, r.cobos[0]!.eccServerId);
    await call(r.app, 'alarms.rules.update', { rules: { processGone: { enabled: false } } });
    const operation = async (name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') => {
      const since = nowIso();
      await call(r.app, name, {});
      return waitForReport(r.app, since);
    };
    expect(await operation('ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    expect(await operation('runs.startAll')).toMatchObject({ ok: true });
    rmSync(configRoot, { recursive: true });
    expect(await operation('runs.stopAll')).toMatchObject({ ok: true });
    const failed = await waitForAlarms(r.app, (l) => activeOf(l, 'jobFailed', 'ECC0') !== undefined);
    const alarm = activeOf(failed, 'jobFailed', 'ECC0')!;
    expect(alarm.message).toMatch(/^Backing up the configs of run 0 on ECC0 failed for good after 1 tries: /);
    const job = (await call(r.app, 'jobs.list', { status: 'failed' })).find((j) => j.kind === 'backup_configs')!;

    await call(r.app, 'jobs.retry', { id: job.id });
    const again = await waitForAlarms(r.app, (l) => historyOf(l, 'jobFailed').some((a) => a.id === alarm.id) && activeOf(l, 'jobFailed', 'ECC0') !== undefined);
    expect(activeOf(again, 'jobFailed', 'ECC0')!.id).toBeGreaterThan(alarm.id);
  }, 120_000);
});
