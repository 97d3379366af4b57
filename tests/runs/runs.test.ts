// Start all and Stop all against simulated ECC servers: the checks before anything is sent, the
// MuTAnT/CoBo order from the servers' request logs, the run record written when every server is
// Running, the after-stop jobs, and run numbers that survive restarts of the application.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import type { EccSimulator } from '../../src/main/ecc/simulator';
import { nowIso } from '../../src/main/time';
import type { EccStep } from '../../src/shared/domain';
import { tempDir } from '../support/store';
import { call, closeApp, errorLog, openApp, overrideChecklist, refusal, rig, stepRequests, waitForReport, waitForStatus } from './support';

const STEP_MS = 100;

function received(sim: EccSimulator, step: EccStep): number {
  const request = stepRequests(sim).filter((r) => r.operation === step).at(-1);
  if (!request) throw new Error(`${step} was not received`);
  return request.time;
}

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

describe('Start all and Stop all', () => {
  it('start the CoBos after re-configuring the MuTAnT and the MuTAnT last; stop the MuTAnT first; record the run and queue the jobs', async () => {
    const r = await rig({ cobos: 2, mutant: true, sim: { stepMs: STEP_MS } });
    expect((await refusal(r.app, 'runs.startAll', {})).message).toMatch(/refused by its checklist: ECC0 is Idle, not Ready; ECC1 is Idle, not Ready; ECC_mutant is Idle, not Ready/);
    expect((await refusal(r.app, 'runs.stopAll', {})).message).toMatch(/no run is going/);
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);

    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true, message: 'Run 0 started (config experiment); 15 checklist items overridden (kept with the run)' });
    const mutant = r.mutant!.sim;
    const cobos = r.cobos.map((b) => b.sim);
    // Breakup, then Configure the MuTAnT; the CoBos start after; the MuTAnT starts once they run.
    expect(stepRequests(mutant).map((x) => x.operation).slice(-3)).toEqual(['Breakup', 'Configure', 'Start']);
    expect(received(mutant, 'Configure')).toBeGreaterThanOrEqual(received(mutant, 'Breakup') + STEP_MS);
    for (const sim of cobos) {
      expect(received(sim, 'Start')).toBeGreaterThanOrEqual(received(mutant, 'Configure') + STEP_MS);
      expect(received(mutant, 'Start')).toBeGreaterThanOrEqual(received(sim, 'Start') + STEP_MS);
    }
    const sheet = (await call(r.app, 'runSheet.get', {}))!;
    expect(sheet.runs).toMatchObject([{ number: 0, stopTime: null, configName: 'experiment' }]);
    // The run is recorded only once every server is Running: not before the MuTAnT's Start was answered.
    expect(Date.parse(sheet.runs[0]!.startTime)).toBeGreaterThanOrEqual(received(mutant, 'Start') + STEP_MS);
    expect((await refusal(r.app, 'runs.startAll', {})).message).toMatch(/run 0 is going/);

    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true, message: 'Run 0 stopped; 6 after-stop jobs queued' });
    for (const sim of cobos) expect(received(sim, 'Stop')).toBeGreaterThanOrEqual(received(mutant, 'Stop') + STEP_MS);
    expect((await call(r.app, 'runSheet.get', {}))!.runs[0]!.stopTime).not.toBeNull();
    const jobs = await call(r.app, 'jobs.list', {});
    expect(jobs.map((j) => `${j.kind} ${j.targetName} ${j.status}`).sort()).toEqual([
      'backup_configs ECC0 pending',
      'backup_configs ECC1 pending',
      'backup_configs ECC_mutant pending',
      'organize_files DataRouter0 pending',
      'organize_files DataRouter1 pending',
      'organize_files DataRouter_mutant pending',
    ]);
    expect(jobs.find((j) => j.targetName === 'ECC0')?.details).toMatchObject({
      backupFolder: '/backups/e20009/run_0000',
      files: ['describe-cobo0.xcfg', 'prepare-experiment.xcfg', 'configure-experiment.xcfg'],
    });
    expect((await call(r.app, 'runs.status', {})).pendingJobs).toBe(6);
    expect(errorLog(r.app)).toEqual([]);
  });

  it('refuse Start while a data router is known not clean, and while one is not known unless an operator overrides it', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    // Not checked is not clean: refused, naming what is not known.
    expect((await refusal(r.app, 'runs.startAll', {})).message).toMatch(
      /not known \(override with a reason, or check again\): ECC0's config files: not read yet; ECC1's config files: not read yet; DataRouter0's process: not checked yet; Whether the staging folder of DataRouter0 is clean: not checked/,
    );
    r.app.runs.routers.set(r.cobos[1]!.dataRouterId, { clean: false, grawFiles: 3 });
    await overrideChecklist(r.app);
    const before = r.all.map((b) => stepRequests(b.sim).length);
    const error = await refusal(r.app, 'runs.startAll', {});
    expect(error.message).toMatch(/^Start all refused by its checklist: The staging folder of DataRouter1 is not clean \(3 \.graw files\)/);
    // A router known not clean cannot be overridden.
    expect((await refusal(r.app, 'runs.overrideChecklistItem', { key: `clean:${r.cobos[1]!.dataRouterId}`, reason: 'go anyway' })).message).toMatch(/cannot be overridden/);
    expect(r.all.map((b) => stepRequests(b.sim).length)).toEqual(before);
    expect((await call(r.app, 'runs.status', {})).dataRouters.map((d) => d.clean)).toEqual([null, false]);
    // The worker computers' view says the same, files counted.
    expect((await call(r.app, 'workers.status', {})).dataRouters.map((d) => [d.clean, d.grawFiles])).toEqual([[null, null], [false, 3]]);
    r.app.runs.routers.forget(r.cobos[1]!.dataRouterId);
    expect((await call(r.app, 'workers.status', {})).dataRouters.map((d) => [d.clean, d.grawFiles])).toEqual([[null, null], [null, null]]);
    r.app.runs.routers.set(r.cobos[1]!.dataRouterId, { clean: true, grawFiles: 0 });
    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    // The run keeps its checklist, overrides and who gave them included; the next start is checked afresh.
    const run = (await call(r.app, 'runSheet.get', {}))!.runs[0]!;
    expect(run.startChecklist.find((i) => i.key === `clean:${r.cobos[1]!.dataRouterId}`)).toMatchObject({ status: 'pass', override: null });
    expect(run.startChecklist.find((i) => i.key === `clean:${r.cobos[0]!.dataRouterId}`)).toMatchObject({
      status: 'unknown',
      override: { reason: 'test rig without worker computers', by: expect.any(String) },
    });
    expect((await call(r.app, 'runs.status', {})).checklist.every((i) => i.override === null)).toBe(true);
    const audit = await call(r.app, 'audit.list', { action: 'runs.overrideChecklistItem' });
    expect(audit.items.length).toBeGreaterThanOrEqual(2);
  });

  it('record no run when Start fails part way, and report which server failed', async () => {
    const r = await rig({ cobos: 2, mutant: true, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    r.mutant!.sim.set({ failStep: { step: 'Start', message: 'Trigger module not responding' } });
    await overrideChecklist(r.app);
    const report = await operation(r.app, 'runs.startAll');
    expect(report).toMatchObject({ ok: false, failures: [{ server: 'ECC_mutant', step: 'Start' }] });
    expect(report.message).toMatch(/^Start all failed, no run recorded: ECC_mutant failed at Start: .*Trigger module not responding/);
    expect((await call(r.app, 'runSheet.get', {}))!.runs).toEqual([]);
    expect(errorLog(r.app).some((e) => e.subject === 'ECC_mutant')).toBe(true);
  });

  it('number runs 0, 1, 2 across restarts of the application on the same data directory', async () => {
    const dataDir = tempDir('daq-runs-');
    let app = openApp(dataDir);
    const r = await rig({ cobos: 2, mutant: true, sim: { stepMs: 20 }, app });
    expect(await operation(app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    for (const expected of [0, 1, 2]) {
      if (expected > 0) {
        await closeApp(app);
        app = openApp(dataDir);
        // A new application knows nothing live until its schedule has read the servers.
        await waitForStatus(app, (s) => s.overall === 'Ready');
      }
      await overrideChecklist(app);
      expect(await operation(app, 'runs.startAll')).toMatchObject({ ok: true, message: expect.stringMatching(new RegExp(`^Run ${expected} started \\(config experiment\\)`)) });
      expect(await operation(app, 'runs.stopAll')).toMatchObject({ ok: true });
    }
    expect((await call(app, 'runSheet.get', {}))!.runs.map((run) => run.number)).toEqual([0, 1, 2]);
    expect(r.all.every((b) => b.sim.state === 'Ready')).toBe(true);
  });
});
