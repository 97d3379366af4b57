// Timed and repeated runs (issue 12, item 4) in the running application: a plan given to Start
// all stops its run by itself at its first limit, keeps cycling with the previous run's title,
// class and values once the jobs are done and the checklist passes, goes on after a restart of
// the application, and ends with an alarm when a step fails. Against simulated ECC servers on
// 127.0.0.1 and, where the cycle needs them, worker computers behind a real OpenSSH server.
import { realpathSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { nowIso } from '../../src/main/time';
import { ProcessTable, Sandbox, SimulatedDataRouter } from '../../src/main/worker-node/simulator';
import type { RunPlan } from '../../src/shared/api/contract';
import type { AlarmList } from '../../src/shared/alarms';
import type { EccState } from '../../src/shared/domain';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { call, closeApp, giveConfigFiles, openApp, overrideChecklist, refusal, rig, waitFor, waitForReport, type AppOptions, type Rig } from './support';

const WAIT_MS = 45_000;

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

function planWhere(app: Application, predicate: (plan: RunPlan) => boolean, timeoutMs = WAIT_MS): Promise<RunPlan> {
  return waitFor(app, 'runs.plan', {}, (p) => p !== null && predicate(p), timeoutMs) as Promise<RunPlan>;
}

const planAlarm = (list: AlarmList) => list.active.find((a) => a.rule === 'runPlanFailed');

describe('run plans: the plan itself', () => {
  async function ready(): Promise<Rig> {
    const r = await rig({ cobos: 2 });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    // No worker computers here: what they would say is overridden, for the first start only.
    await overrideChecklist(r.app);
    return r;
  }

  it('refuses a plan that cannot be followed, naming the field', async () => {
    const r = await rig({ cobos: 1 });
    const cycle = await refusal(r.app, 'runs.startAll', { cycle: true });
    expect(cycle).toMatchObject({ code: 'INVALID_INPUT', field: 'cycle' });
    expect(cycle.message).toMatch(/Keep cycling needs a stop/);
    expect(await refusal(r.app, 'runs.startAll', { stopAfterSeconds: 60, runs: 3 })).toMatchObject({ code: 'INVALID_INPUT', field: 'runs' });
    expect(await refusal(r.app, 'runs.startAll', { stopAfterSeconds: 0 })).toMatchObject({ code: 'INVALID_INPUT', field: 'stopAfterSeconds' });
    expect(await refusal(r.app, 'runs.startAll', { stopAfterGb: -1 })).toMatchObject({ code: 'INVALID_INPUT', field: 'stopAfterGb' });
    // A Start all refused by its checklist makes no plan.
    expect((await refusal(r.app, 'runs.startAll', { stopAfterSeconds: 60 })).code).toBe('REFUSED');
    expect(await call(r.app, 'runs.plan', {})).toBeNull();
  });

  it('counts down to the stop, refuses another Start all, and a cancel ends the plan while its run goes on', async () => {
    const r = await ready();
    const since = nowIso();
    const started = await call(r.app, 'runs.startAll', { stopAfterSeconds: 3600, cycle: true });
    expect(started.started).toMatch(/run plan #\d+: stop after 1:00; keep cycling until cancelled/);
    expect(await waitForReport(r.app, since)).toMatchObject({ ok: true });
    const plan = await planWhere(r.app, (p) => p.current !== null && p.phase?.kind === 'running');
    expect(plan).toMatchObject({ status: 'active', stopAfterSeconds: 3600, stopAfterBytes: null, cycle: true, maxRuns: null, createdBy: expect.any(String) });
    expect(plan.runs).toEqual([expect.objectContaining({ position: 1, number: 0, stopTime: null, stoppedByPlan: false })]);
    expect(Date.parse(plan.current!.stopAt!) - Date.parse(plan.current!.startTime)).toBe(3_600_000);
    expect(plan.phase!.text).toBe('Run 0 (run 1 of the plan) is going');

    const again = await refusal(r.app, 'runs.startAll', {});
    expect(again.message).toMatch(/a run plan is active \(stop after 1:00; keep cycling until cancelled\)/);

    const cancelled = await call(r.app, 'runs.cancelPlan', {});
    expect(cancelled).toMatchObject({ status: 'cancelled', phase: null, current: null });
    expect(cancelled.endReason).toMatch(/^Cancelled by .+ after 1 run; run 0 goes on until it is stopped$/);
    expect((await call(r.app, 'runs.status', {})).currentRun?.number).toBe(0);
    expect((await refusal(r.app, 'runs.cancelPlan', {})).code).toBe('REFUSED');
    // An ended plan stays shown until dismissed.
    expect((await call(r.app, 'runs.plan', {}))?.status).toBe('cancelled');
    await call(r.app, 'runs.dismissPlan', { id: plan.id });
    expect(await call(r.app, 'runs.plan', {})).toBeNull();
  });

  it('stops its run by itself when the time is up, and ends when its run was not cycling', async () => {
    const r = await ready();
    await call(r.app, 'runs.startAll', { stopAfterSeconds: 1 });
    const done = await planWhere(r.app, (p) => p.status !== 'active');
    expect(done).toMatchObject({ status: 'done', endReason: 'Run 0 stopped by the plan' });
    expect(done.runs).toEqual([expect.objectContaining({ number: 0, stoppedByPlan: true })]);
    const run = (await call(r.app, 'runSheet.get', {}))!.runs.find((x) => x.number === 0)!;
    expect(Date.parse(run.stopTime!) - Date.parse(run.startTime)).toBeGreaterThanOrEqual(1_000);
    expect(planAlarm(await call(r.app, 'alarms.list', { limit: 10 }))).toBeUndefined();
  });

  it('ends when its run is stopped by hand, and says so', async () => {
    const r = await ready();
    await call(r.app, 'runs.startAll', { stopAfterSeconds: 3600, cycle: true, runs: 5 });
    await planWhere(r.app, (p) => p.current !== null);
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    const ended = await planWhere(r.app, (p) => p.status !== 'active');
    expect(ended).toMatchObject({ status: 'cancelled', endReason: 'Run 0 was stopped, not by the plan: the plan ended there, after 1 run' });
    expect((await call(r.app, 'runs.status', {})).currentRun).toBeNull();
  });

  it('ends with an alarm when its Stop all fails, and the alarm ends when the plan is dismissed', async () => {
    const r = await ready();
    await call(r.app, 'runs.startAll', { stopAfterSeconds: 2, cycle: true });
    await planWhere(r.app, (p) => p.current !== null);
    // ECC1 goes away during the run: the plan's Stop all cannot stop it.
    await r.cobos[1]!.sim.close();
    const failed = await planWhere(r.app, (p) => p.status !== 'active');
    expect(failed.status).toBe('failed');
    expect(failed.endReason).toMatch(/^Failed: Stop all of run 0 failed \(the run was closed\): Run 0 stopped without ECC1/);
    const alarms = await waitFor(r.app, 'alarms.list', { limit: 10 }, (l) => planAlarm(l) !== undefined);
    expect(planAlarm(alarms)!.message).toMatch(new RegExp(`^Run plan #${failed.id} ended: Stop all of run 0 failed`));
    // Nothing was tried again: no second run.
    expect((await call(r.app, 'runSheet.get', {}))!.runs.map((x) => x.number)).toEqual([0]);
    expect(await call(r.app, 'runs.dismissPlan', { id: failed.id })).toMatchObject({ status: 'failed' });
    await waitFor(r.app, 'alarms.list', { limit: 10 }, (l) => planAlarm(l) === undefined);
  });

  it('waits for the next start as long as the setting says, then ends with an alarm, never starting it later', async () => {
    // The setting, as an operator sets it, is what the plan says it waits.
    const set = await rig({ cobos: 1 });
    expect(await operation(set.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(set.app);
    await call(set.app, 'settings.update', { runPlanStartWaitMinutes: 2 });
    await call(set.app, 'runs.startAll', { stopAfterSeconds: 1, cycle: true });
    const waiting = await planWhere(set.app, (p) => p.phase?.kind === 'waiting' && p.runs.length === 1 && p.runs[0]!.stopTime !== null);
    expect(waiting.phase!.text).toMatch(/^Run 2 of the plan starts when Start all's checklist passes \(for up to 0:02 after run 0's stop\): /);
    await call(set.app, 'runs.cancelPlan', {});

    // Given a short wait, the checklist that does not pass ends the plan.
    const r = await rig({ cobos: 1, app: openApp(tempDir('daq-plan-wait-'), { runPlan: { startWaitMs: 1_000 } }) });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    await call(r.app, 'runs.startAll', { stopAfterSeconds: 1, cycle: true });
    const failed = await planWhere(r.app, (p) => p.status !== 'active');
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.endReason).toMatch(/^Failed: the next run could not start within 0:00:01 of run 0's stop: /);
    const alarms = await waitFor(r.app, 'alarms.list', { limit: 10 }, (l) => planAlarm(l) !== undefined);
    expect(planAlarm(alarms)!.message).toMatch(/could not start within 0:00:01 of run 0's stop/);
    expect((await call(r.app, 'runSheet.get', {}))!.runs.map((x) => x.number)).toEqual([0]);
  });
});

describe.skipIf(!sshdAvailable())(`run plans over SSH: cycling, and across a restart ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;
  const writers: SimulatedDataRouter[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  function sshOptions(): AppOptions {
    return {
      ssh: {
        connect: { sshConfig: { home: sshHomeFor(sshd), env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 }, flowLimits: { softMs: 2_000, hardMs: 6_000 } },
        jobs: { maxAttempts: 3, backoffMs: () => 1_000, settleMs: 300, settlePollMs: 100 },
        schedule: { checkIntervalMs: 500, jobIntervalMs: 200 },
        dataFlow: { intervalMs: 500 },
      },
    };
  }

  /**
   * Two CoBos whose data routers are real dataRouter processes in staging folders on this
   * computer; each writer writes while the ECC servers are Running, as a board sends data.
   */
  async function shift(dataDir: string): Promise<Rig> {
    const follow = (state: EccState, previous: EccState) => {
      if (state === 'Running') for (const w of writers) w.startRun();
      else if (previous === 'Running') for (const w of writers) void w.stopRun();
    };
    const r = await rig({ cobos: 2, sim: { onStateChange: follow }, app: openApp(dataDir, sshOptions()) });
    const sandbox = new Sandbox('/');
    const staging: string[] = [];
    for (const [i, board] of r.cobos.entries()) {
      const folder = realpathSync(tempDir('daq-staging-'));
      const port = await freePort();
      await programs.start('dataRouter', { cwd: folder, port });
      await call(r.app, 'dataRouters.update', { id: board.dataRouterId, port });
      const writer = new SimulatedDataRouter(
        new ProcessTable(),
        sandbox,
        { name: `DataRouter${i}`, port, stagingDirectory: folder, logPath: `${folder}/router.log`, filePrefix: `CoBo${i}_AsAd0`, writeIntervalMs: 50, writesPerFile: 20, bytesPerSecond: 400_000 },
        (error) => console.error(error),
      );
      await writer.startProcess();
      writers.push(writer);
      staging.push(folder);
      await giveConfigFiles(r.app, board.eccServerId);
    }
    await waitFor(r.app, 'workers.status', {}, (s) => s.dataRouters.every((d, i) => d.stagingDirectory === staging[i] && d.clean === true && d.disk !== null), WAIT_MS);
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    return r;
  }

  it("keeps cycling with the previous run's title, class and values, and goes on after a restart until its runs are taken", async () => {
    const dataDir = dataDirTrusting(sshd, 'daq-plan-');
    const r = await shift(dataDir);
    const energy = await call(r.app, 'observables.add', { name: 'Beam energy', valueType: 'float', units: 'MeV/u' });
    await call(r.app, 'runs.startAll', { stopAfterSeconds: 2, cycle: true, runs: 3 });
    const first = await planWhere(r.app, (p) => p.current !== null);
    await call(r.app, 'runs.update', { id: first.current!.runId, title: '10Be on target', runClass: 'Beam', measurements: { [energy.id]: 9.6 } });

    // The first run stops by itself; the second starts once its jobs are done and the checklist passes.
    const second = await planWhere(r.app, (p) => p.runs.length === 2 && p.current?.number === 1);
    expect(second.runs[0]).toMatchObject({ number: 0, stoppedByPlan: true });
    const sheet = (await call(r.app, 'runSheet.get', {}))!;
    const [run0, run1] = [0, 1].map((n) => sheet.runs.find((x) => x.number === n)!);
    expect(run1).toMatchObject({ title: '10Be on target', runClass: 'Beam', measurements: { [energy.id]: 9.6 } });
    // Started only after the first run's jobs were done.
    const jobsOfRun0 = await call(r.app, 'jobs.list', { limit: 100 });
    for (const job of jobsOfRun0.filter((j) => j.runNumber === 0 && j.kind !== 'checksum_files')) {
      expect(job.status).toBe('done');
      expect(job.finishedAt! <= run1!.startTime).toBe(true);
    }
    expect(Date.parse(run0!.stopTime!) - Date.parse(run0!.startTime)).toBeGreaterThanOrEqual(2_000);

    // The application ends during the second run; the next one goes on with the plan.
    await closeApp(r.app);
    const reopened = openApp(dataDir, sshOptions());
    const done = await planWhere(reopened, (p) => p.status !== 'active', 120_000);
    expect(done).toMatchObject({ status: 'done', endReason: 'Run 2 stopped by the plan: 3 runs taken, as planned' });
    expect(done.runs.map((x) => [x.number, x.stoppedByPlan])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
    const after = (await call(reopened, 'runSheet.get', {}))!;
    expect(after.runs.find((x) => x.number === 2)).toMatchObject({ title: '10Be on target', runClass: 'Beam', measurements: { [energy.id]: 9.6 } });
    expect((await call(reopened, 'runs.status', {})).currentRun).toBeNull();
    expect(planAlarm(await call(reopened, 'alarms.list', { limit: 10 }))).toBeUndefined();
  }, 240_000);

  it('stops a run by itself once its routers have written the volume given', async () => {
    const r = await shift(dataDirTrusting(sshd, 'daq-plan-gb-'));
    // 2 MB: both routers together write 0.8 MB/s.
    await call(r.app, 'runs.startAll', { stopAfterGb: 0.002 });
    const going = await planWhere(r.app, (p) => p.current?.written !== null && p.current?.written !== undefined);
    expect(going.current).toMatchObject({ stopAt: null, written: { routers: 2 } });
    const done = await planWhere(r.app, (p) => p.status !== 'active');
    expect(done).toMatchObject({ status: 'done', stopAfterBytes: 2_000_000 });
    const run = (await call(r.app, 'runSheet.get', {}))!.runs.find((x) => x.number === 0)!;
    // The run keeps at least the volume the plan stopped on (its manifests add what was written while the routers drained).
    expect(run.dataFlow!.bytes).toBeGreaterThanOrEqual(2_000_000);
  }, 120_000);
});
