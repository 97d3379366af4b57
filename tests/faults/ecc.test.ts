// The fault matrix, ECC servers: each cell a real server (the project's simulator on 127.0.0.1)
// that hangs, answers garbage, refuses connections, dies mid-step or while Running, comes back
// Idle during a run, or reports Off. For each: the clear error in the API, what ecc.status says
// (a state that is no longer current is shown as history with its age, never counted), nothing
// lost (run records, numbers, jobs), and the recovery.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { nowIso } from '../../src/main/time';
import type { EccStatus } from '../../src/shared/api/contract';
import { call, errorLog, overrideChecklist, refusal, rig, waitFor, waitForReport, waitForStatus, type Rig } from '../runs/support';

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

const server = (status: EccStatus, name: string) => status.servers.find((s) => s.name === name)!;

/** Every server Ready; then `silence` makes ECC1 stop answering; returns the status that shows it. */
async function readyThenSilent(r: Rig, silence: () => Promise<void> | void): Promise<EccStatus> {
  expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
  await silence();
  return waitForStatus(r.app, (s) => server(s, 'ECC1').reachable === false);
}

/** What every all-server operation answers while ECC1 does not answer. */
async function expectRefusedWhileSilent(r: Rig): Promise<void> {
  const silent = /ECC1 \(Ready \d+ s ago, not answering\) does not answer/;
  expect((await refusal(r.app, 'ecc.stepAll', { step: 'Breakup' })).message).toMatch(silent);
  expect((await refusal(r.app, 'ecc.resetAll', {})).message).toMatch(silent);
  const ecc1 = r.cobos[1]!.eccServerId;
  expect((await refusal(r.app, 'ecc.step', { eccServerId: ecc1, step: 'Breakup' })).message).toMatch(/ECC1 does not answer \(Ready \d+ s ago, not answering\)/);
  await overrideChecklist(r.app);
  const start = await refusal(r.app, 'runs.startAll', {});
  expect(start.message).toMatch(/^Start all refused by its checklist: not known .*ECC1 does not answer \(Ready \d+ s ago, not answering\)/);
  // The checklist shows it, and it cannot be overridden: a start cannot succeed without it.
  const item = (await call(r.app, 'runs.status', {})).checklist.find((i) => i.key === `ecc:${ecc1}`);
  expect(item).toMatchObject({ status: 'unknown', overridable: false });
  expect((await refusal(r.app, 'runs.overrideChecklistItem', { key: `ecc:${ecc1}`, reason: 'try anyway' })).message).toMatch(/cannot be overridden/);
  expect((await call(r.app, 'runSheet.get', {}))!.runs).toEqual([]);
}

function expectHistory(status: EccStatus): void {
  // The last state is kept, marked as history with the time it was read; the overall state names the silent server.
  expect(server(status, 'ECC1')).toMatchObject({ state: 'Ready', stateCurrent: false, reachable: false });
  expect(server(status, 'ECC1').stateReadAt).not.toBeNull();
  expect(server(status, 'ECC0')).toMatchObject({ state: 'Ready', stateCurrent: true });
  expect(status.overall).toBe('Not answering');
  expect(status.notAnswering).toEqual(['ECC1']);
}

describe('the fault matrix: ECC servers', () => {
  it('a hung server: its last state is history, the overall state names it, every all-server operation is refused; it recovers once it answers', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    const status = await readyThenSilent(r, () => r.cobos[1]!.sim.set({ hang: true }));
    expectHistory(status);
    expect(server(status, 'ECC1').lastError).toMatchObject({ kind: 'refresh', message: expect.stringMatching(/ECC1|within|time/i) });
    await expectRefusedWhileSilent(r);
    // Logged once, not every round.
    const entries = errorLog(r.app).filter((e) => e.subject === 'ECC1' && /Cannot read the state/.test(e.message));
    expect(entries).toHaveLength(1);
    r.cobos[1]!.sim.set({ hang: false });
    expect((await waitForStatus(r.app, (s) => s.overall === 'Ready')).notAnswering).toEqual([]);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
  });

  it('a server answering garbage is not answering, and recovers', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    const status = await readyThenSilent(r, () => r.cobos[1]!.sim.set({ garbage: ['GetState'] }));
    expectHistory(status);
    await expectRefusedWhileSilent(r);
    r.cobos[1]!.sim.set({ garbage: false });
    await waitForStatus(r.app, (s) => s.overall === 'Ready' && server(s, 'ECC1').stateCurrent);
  });

  it('a server that refuses connections (killed) is not answering; restarted, it shows Idle, as it really is', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    const status = await readyThenSilent(r, () => r.cobos[1]!.sim.kill());
    expectHistory(status);
    expect(server(status, 'ECC1').lastError?.message).toMatch(/ECONNREFUSED|refused/i);
    await expectRefusedWhileSilent(r);
    await r.cobos[1]!.sim.restart();
    const back = await waitForStatus(r.app, (s) => server(s, 'ECC1').state === 'Idle' && server(s, 'ECC1').stateCurrent);
    expect(back).toMatchObject({ overall: 'Mixed', notAnswering: [] });
    // The documented recovery: Bring all to Ready takes it from Idle again.
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
  });

  it('a server killed mid-step fails the operation with its name; restarted, the operation can be done again', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 100 } });
    r.cobos[1]!.sim.set({ dieMidStep: true });
    const report = await operation(r.app, 'ecc.bringAllToReady');
    expect(report).toMatchObject({ ok: false, failures: [{ server: 'ECC1', step: 'Describe' }] });
    const status = await waitForStatus(r.app, (s) => server(s, 'ECC1').reachable === false);
    expect(status.overall).toBe('Not answering');
    expect((await refusal(r.app, 'ecc.bringAllToReady', {})).message).toMatch(/ECC1 \(Idle \d+ s ago, not answering\) does not answer/);
    await r.cobos[1]!.sim.restart();
    await waitForStatus(r.app, (s) => s.notAnswering.length === 0);
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
  });

  it('a CoBo server killed while Running: Stop all stops the others, closes the run, queues its jobs and names it; its state is unknown', async () => {
    const r = await rig({ cobos: 2, mutant: true, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    await r.cobos[1]!.sim.kill();
    const running = await waitForStatus(r.app, (s) => server(s, 'ECC1').reachable === false);
    expect(running).toMatchObject({ overall: 'Not answering', notAnswering: ['ECC1'] });
    expect(server(running, 'ECC1')).toMatchObject({ state: 'Running', stateCurrent: false });

    const report = await operation(r.app, 'runs.stopAll');
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/^Run 0 stopped without ECC1, which does not answer \(state unknown: check it\); 6 after-stop jobs queued$/);
    expect(report.failures).toEqual([expect.objectContaining({ server: 'ECC1', step: 'Stop', message: expect.stringMatching(/does not answer/) })]);
    // The others really stopped, MuTAnT first.
    expect(r.cobos[0]!.sim.state).toBe('Ready');
    expect(r.mutant!.sim.state).toBe('Ready');
    const after = await call(r.app, 'ecc.status', {});
    expect(server(after, 'ECC1')).toMatchObject({ state: null, stateCurrent: false });
    const run = (await call(r.app, 'runSheet.get', {}))!.runs[0]!;
    expect(run).toMatchObject({ number: 0, stopUnconfirmed: ['ECC1'] });
    expect(run.stopTime).not.toBeNull();
    expect((await call(r.app, 'jobs.list', {})).length).toBe(6);

    // Restarted, it is Idle; the next run is number 1, never 0 again.
    await r.cobos[1]!.sim.restart();
    await waitForStatus(r.app, (s) => server(s, 'ECC1').state === 'Idle');
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true, message: expect.stringMatching(/^Run 1 started/) });
  });

  it('the MuTAnT server killed while Running: Stop all still stops every CoBo', async () => {
    const r = await rig({ cobos: 2, mutant: true, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    await r.mutant!.sim.kill();
    await waitForStatus(r.app, (s) => s.notAnswering.includes('ECC_mutant'));
    const report = await operation(r.app, 'runs.stopAll');
    expect(report.message).toMatch(/^Run 0 stopped without ECC_mutant/);
    expect(r.cobos.map((b) => b.sim.state)).toEqual(['Ready', 'Ready']);
  });

  it('a server restarted during a run (back Idle) shows Idle at the next round, and Stop all closes the run with the others stopped', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    await r.cobos[0]!.sim.kill();
    await r.cobos[0]!.sim.restart();
    const status = await waitForStatus(r.app, (s) => server(s, 'ECC0').state === 'Idle');
    expect(status).toMatchObject({ overall: 'Mixed', notAnswering: [] });
    expect(server(status, 'ECC0').stateCurrent).toBe(true);
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true, message: 'Run 0 stopped; 4 after-stop jobs queued' });
    expect(r.cobos[1]!.sim.state).toBe('Ready');
    const warning = await waitFor(r.app, 'log.list', { levels: ['warning'] }, (page) => page.items.some((e) => /not stopping servers that are not running \(ECC0 Idle\)/.test(e.message)));
    expect(warning.items.length).toBeGreaterThan(0);
  });

  it('a server that reports Off is shown Off, and Start all is refused naming it', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    r.cobos[1]!.sim.setState('Off');
    const status = await waitForStatus(r.app, (s) => server(s, 'ECC1').state === 'Off');
    expect(status.overall).toBe('Mixed');
    await overrideChecklist(r.app);
    expect((await refusal(r.app, 'runs.startAll', {})).message).toMatch(/^Start all refused by its checklist: ECC1 is Off, not Ready/);
    expect((await refusal(r.app, 'ecc.stepAll', { step: 'Breakup' })).message).toMatch(/not in one state \(ECC0 Ready, ECC1 Off\)/);
  });
});
