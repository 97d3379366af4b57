// Steps on all ECC servers at once: the MuTAnT/CoBo order of DOMAIN.md checked from what the
// simulated servers received and when, Bring all to Ready and its report of a failure, and the
// config sets as GetConfigIDs lists them.
import { describe, expect, it } from 'vitest';
import type { EccRequestRecord, EccSimulator } from '../../src/main/ecc/simulator';
import { nowIso } from '../../src/main/time';
import type { EccStep } from '../../src/shared/domain';
import { call, errorLog, refusal, rig, stepRequests, waitFor, waitForReport, waitForStatus, type Rig } from '../runs/support';

const STEP_MS = 150;

/** Each simulator's last `step` request: when it arrived and when it was answered. */
function received(sims: EccSimulator[], step: EccStep): EccRequestRecord[] {
  return sims.map((sim) => {
    const request = stepRequests(sim).filter((r) => r.operation === step).at(-1);
    if (!request) throw new Error(`A server did not receive ${step}`);
    return request;
  });
}

async function stepAll(r: Rig, step: 'Describe' | 'Prepare' | 'Configure' | 'Breakup' | 'Undo' | 'Stop') {
  const since = nowIso();
  await call(r.app, 'ecc.stepAll', { step });
  return waitForReport(r.app, since);
}

/** `later` were sent only after each of `earlier` had been answered. */
function expectAfter(later: EccRequestRecord[], earlier: EccRequestRecord[]): void {
  for (const l of later) for (const e of earlier) expect(l.time).toBeGreaterThanOrEqual(e.answeredAt ?? Infinity);
}

/** All sent together: each arrived before any of them was answered (their steps overlapped). */
function expectTogether(requests: EccRequestRecord[]): void {
  const firstAnswer = Math.min(...requests.map((r) => r.answeredAt ?? Infinity));
  for (const r of requests) expect(r.time).toBeLessThan(firstAnswer);
}

describe('steps on all ECC servers', () => {
  it('follow the MuTAnT/CoBo order: Describe together, Prepare MuTAnT first, Configure CoBos first, backward steps together', async () => {
    const r = await rig({ cobos: 3, mutant: true, sim: { stepMs: STEP_MS } });
    const cobos = r.cobos.map((b) => b.sim);
    const mutant = [r.mutant!.sim];

    expect(await stepAll(r, 'Describe')).toMatchObject({ ok: true, name: 'Describe all' });
    expectTogether(received([...cobos, ...mutant], 'Describe'));

    expect(await stepAll(r, 'Prepare')).toMatchObject({ ok: true });
    expectAfter(received(cobos, 'Prepare'), received(mutant, 'Prepare'));

    const since = nowIso();
    await call(r.app, 'ecc.stepAll', { step: 'Configure' });
    // The operator sees the order and where it is.
    const during = await waitForStatus(r.app, (s) => s.operation !== null && /waiting/.test(s.operation.phase));
    expect(during.operation).toMatchObject({ name: 'Configure all', order: 'the CoBos first, then the MuTAnT' });
    expect(during.operation?.phase).toMatch(/^Configure: the CoBos first, then the MuTAnT — Configure the CoBos \(ECC0, ECC1, ECC2\)/);
    expect(await waitForReport(r.app, since)).toMatchObject({ ok: true, message: 'Configure all: done, every ECC server is Ready' });
    expectAfter(received(mutant, 'Configure'), received(cobos, 'Configure'));
    expect((await call(r.app, 'ecc.status', {})).overall).toBe('Ready');

    expect(await stepAll(r, 'Breakup')).toMatchObject({ ok: true });
    expectTogether(received([...cobos, ...mutant], 'Breakup'));
    expect(await stepAll(r, 'Undo')).toMatchObject({ ok: true });
    expectTogether(received([...cobos, ...mutant], 'Undo'));

    // Reset all: one step back from the common state (Described → Idle).
    const reset = nowIso();
    await call(r.app, 'ecc.resetAll', {});
    expect(await waitForReport(r.app, reset)).toMatchObject({ ok: true, name: 'Reset all (Undo)' });
    expect((await call(r.app, 'ecc.status', {})).overall).toBe('Idle');
    expect(errorLog(r.app)).toEqual([]);
  });

  it('need a consistent overall state and a possible step, refused before anything is sent', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    expect((await refusal(r.app, 'ecc.stepAll', { step: 'Configure' })).message).toMatch(/Configure is not possible from Idle/);
    expect((await refusal(r.app, 'ecc.resetAll', {})).message).toMatch(/no step back/);
    await call(r.app, 'ecc.step', { eccServerId: r.cobos[0]!.eccServerId, step: 'Describe' });
    const mixed = await waitForStatus(r.app, (s) => s.overall === 'Mixed' && s.servers.every((x) => x.activity === null));
    expect(mixed.servers.map((s) => s.state)).toEqual(['Described', 'Idle']);
    const error = await refusal(r.app, 'ecc.stepAll', { step: 'Undo' });
    expect(error.message).toMatch(/not in one state \(ECC0 Described, ECC1 Idle\)/);
    expect(stepRequests(r.cobos[1]!.sim)).toEqual([]);
    // Start through stepAll is not an operation: Start all records the run.
    expect((await refusal(r.app, 'ecc.stepAll', { step: 'Start' as 'Describe' })).code).toBe('INVALID_INPUT');
  });

  it('Bring all to Ready steps each server in turn and stops at the first failure with a report', async () => {
    const r = await rig({ cobos: 2, mutant: true, sim: { stepMs: 30 } });
    const failing = r.cobos[1]!;
    failing.sim.set({ failStep: { step: 'Prepare', message: 'AsAd 2 does not answer' } });
    const since = nowIso();
    await call(r.app, 'ecc.bringAllToReady', {});
    const report = await waitForReport(r.app, since);
    expect(report).toMatchObject({
      name: 'Bring all to Ready',
      ok: false,
      failures: [{ eccServerId: failing.eccServerId, server: 'ECC1', step: 'Prepare', message: 'Prepare failed on ECC1: AsAd 2 does not answer' }],
    });
    expect(report.message).toBe('Bring all to Ready stopped at Prepare: ECC1 failed at Prepare: Prepare failed on ECC1: AsAd 2 does not answer');
    // Nothing was sent after the failure: no Configure anywhere.
    for (const board of r.all) expect(stepRequests(board.sim).map((x) => x.operation)).not.toContain('Configure');
    const status = await call(r.app, 'ecc.status', {});
    expect(status.servers.map((s) => s.state)).toEqual(['Prepared', 'Described', 'Prepared']);
    const errors = errorLog(r.app);
    expect(errors.find((e) => e.subject === 'ECC1')?.message).toBe('Prepare failed on ECC1: AsAd 2 does not answer');
    expect(errors.some((e) => e.message === report.message)).toBe(true);

    // Fixed: Bring all to Ready again takes each server from where it is.
    failing.sim.set({ failStep: null });
    const again = nowIso();
    await call(r.app, 'ecc.bringAllToReady', {});
    expect(await waitForReport(r.app, again)).toMatchObject({ ok: true });
    expect((await call(r.app, 'ecc.status', {})).overall).toBe('Ready');
    expect(stepRequests(r.cobos[0]!.sim).map((x) => x.operation)).toEqual(['Describe', 'Prepare', 'Configure']);
  });
});

describe('config sets', () => {
  it('are read from the server: new ones added, vanished ones removed, the selection kept while it exists', async () => {
    const r = await rig({ cobos: 1, sim: { stepMs: 20 } });
    const board = r.cobos[0]!;
    const setup = (await call(r.app, 'setup.get', {}))!;
    expect(setup.eccServers[0]!.configSets.map((s) => `${s.describe}/${s.prepare}/${s.configure}${s.selected ? '*' : ''}`)).toEqual([
      'cobo0/experiment/experiment*',
      'cobo0/pulser/pulser',
      'cobo1/experiment/experiment',
      'cobo1/pulser/pulser',
    ]);
    board.sim.set({ describe: ['cobo0', 'cobo2'], configure: ['experiment'] });
    await call(r.app, 'configSets.refresh', { eccServerId: board.eccServerId });
    const after = await waitFor(r.app, 'setup.get', {}, (s) => s?.eccServers[0]?.configSets.length === 2);
    expect(after!.eccServers[0]!.configSets.map((s) => `${s.describe}/${s.configure}${s.selected ? '*' : ''}`)).toEqual([
      'cobo0/experiment*',
      'cobo2/experiment',
    ]);
    // The selection cannot change once the server has left Idle.
    await call(r.app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    await waitForStatus(r.app, (s) => s.servers[0]?.state === 'Described' && s.servers[0]?.activity === null);
    const other = after!.eccServers[0]!.configSets[1]!;
    expect((await refusal(r.app, 'configSets.select', { id: other.id })).message).toMatch(/only while it is Idle/);
    // A server that cannot be read: logged, nothing changed.
    board.sim.set({ garbage: ['GetConfigIDs'] });
    await call(r.app, 'configSets.refresh', { eccServerId: board.eccServerId });
    await waitForStatus(r.app, (s) => s.servers[0]?.lastError?.kind === 'configSets');
    expect((await call(r.app, 'setup.get', {}))!.eccServers[0]!.configSets).toHaveLength(2);
    expect(errorLog(r.app).at(-1)).toMatchObject({ source: 'ecc', subject: 'ECC0', message: expect.stringMatching(/config sets of ECC0/) });
  });
});
