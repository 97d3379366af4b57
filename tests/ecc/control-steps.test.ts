// One ECC server driven step by step through the application: every forward and backward step
// confirmed by the state read back; wrong requests refused before anything is sent; ignored
// steps, error codes, slow steps, silent, dead and garbage-speaking servers.
import { describe, expect, it } from 'vitest';
import type { EccStep } from '../../src/shared/domain';
import { LIMITS, call, errorLog, refusal, rig, stepRequests, waitForIdleServer, waitForStatus } from '../runs/support';

async function step(app: Awaited<ReturnType<typeof rig>>['app'], id: number, name: EccStep) {
  await call(app, 'ecc.step', { eccServerId: id, step: name });
  return waitForIdleServer(app, id);
}

describe('one step on one ECC server', () => {
  it('takes every forward and backward step, each confirmed by the state it reports', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    const path: [EccStep, string][] = [
      ['Describe', 'Described'],
      ['Prepare', 'Prepared'],
      ['Configure', 'Ready'],
      ['Start', 'Running'],
      ['Pause', 'Paused'],
      ['Resume', 'Running'],
      ['Stop', 'Ready'],
      ['Breakup', 'Prepared'],
      ['Undo', 'Described'],
      ['Undo', 'Idle'],
    ];
    for (const [name, state] of path) {
      const server = await step(app, board.eccServerId, name);
      expect(server.state, name).toBe(state);
      expect(board.sim.state).toBe(state);
      expect(server.lastError).toBeNull();
    }
    expect(stepRequests(board.sim).map((r) => r.operation)).toEqual(path.map(([name]) => name));
    // The last known state is stored (the rule "switch experiment only while all Idle" reads it).
    await step(app, board.eccServerId, 'Describe');
    expect((await call(app, 'setup.get', {}))?.eccServers[0]?.state).toBe('Described');
    expect(errorLog(app)).toEqual([]);
  });

  it('refuses a step that is not possible from the known state before sending anything', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    const error = await refusal(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Configure' });
    expect(error.code).toBe('REFUSED');
    expect(error.message).toMatch(/Configure is not possible on ECC0, which is Idle/);
    expect((await refusal(app, 'ecc.reset', { eccServerId: board.eccServerId })).message).toMatch(/no step back/);
    expect(stepRequests(board.sim)).toEqual([]);
  });

  it('refuses to leave Idle without a selected config set, and a second step while one runs', async () => {
    const { app, cobos } = await rig({ cobos: 1, sim: { stepMs: 400 } });
    const board = cobos[0]!;
    // Through the store's one way to write, which tells the application what changed.
    app.store.write(['config_set'], () => app.store.db.prepare('UPDATE config_set SET is_selected = 0').run());
    expect((await refusal(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' })).message).toMatch(/no selected config set/);
    expect(stepRequests(board.sim)).toEqual([]);
    const set = (await call(app, 'setup.get', {}))!.eccServers[0]!.configSets[0]!;
    await call(app, 'configSets.select', { id: set.id });
    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    expect((await refusal(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Prepare' })).message).toMatch(/busy/);
    expect((await waitForIdleServer(app, board.eccServerId)).state).toBe('Described');
    expect(stepRequests(board.sim).map((r) => r.operation)).toEqual(['Describe']);
  });

  it('detects a step the server ignored (answered 0, state unchanged) and reports it', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    // Behind the application's back: it still believes Idle, so Describe is sent and ignored.
    board.sim.setState('Prepared');
    const server = await step(app, board.eccServerId, 'Describe');
    expect(server.lastError?.message).toMatch(/Describe was ignored by ECC0: it answered 0 but is Prepared, not Described/);
    expect(server.state).toBe('Prepared');
    expect(errorLog(app)).toMatchObject([{ source: 'ecc', subject: 'ECC0', message: expect.stringMatching(/ignored/) }]);
  });

  it('reports an error code with the server message, and changes nothing else', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    board.sim.set({ failStep: { step: 'Describe', message: "Exception: Configuration 'cobo0' does not exist." } });
    const server = await step(app, board.eccServerId, 'Describe');
    expect(server.state).toBe('Idle');
    expect(server.lastError?.message).toBe("Describe failed on ECC0: Exception: Configuration 'cobo0' does not exist.");
    const [entry] = errorLog(app);
    expect(entry).toMatchObject({ level: 'error', source: 'ecc', subject: 'ECC0' });
    expect(entry?.details).toMatch(/ErrorCode 1/);
    expect((await call(app, 'setup.get', {}))?.eccServers[0]?.state).toBe('Idle');
  });

  it('follows a step that outlives its call while the server reports it under way, to completion', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    board.sim.set({ stepDurations: { Describe: LIMITS.step.softMs * 2 } });
    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    // While it runs, the application shows the step under way as the server reports it.
    await waitForStatus(app, (s) => s.servers[0]?.transition === 'Describe');
    const server = await waitForIdleServer(app, board.eccServerId, 10_000);
    expect(server.state).toBe('Described');
    expect(server.lastError).toBeNull();
    expect(errorLog(app)).toEqual([]);
    expect(stepRequests(board.sim).map((r) => r.operation)).toEqual(['Describe']);
  });

  it('gives up on a server that never answers within its limits, and the next step works', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    board.sim.set({ hang: true });
    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    // Given up by the limits (the server never answers, so nothing else ends the step).
    const server = await waitForIdleServer(app, board.eccServerId, 20_000);
    expect(server.lastError?.message).toMatch(/Describe on ECC0/);
    expect(server.reachable).toBe(false);
    board.sim.set({ hang: false });
    await call(app, 'ecc.refresh', { eccServerId: board.eccServerId });
    await waitForStatus(app, (s) => s.servers[0]?.reachable === true && s.servers[0]?.state === 'Idle');
    expect((await step(app, board.eccServerId, 'Describe')).state).toBe('Described');
  });

  it('reports garbage, a refused connection and a server stopped mid-step as failures', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    board.sim.set({ garbage: ['Describe'] });
    let server = await step(app, board.eccServerId, 'Describe');
    expect(server.lastError?.message).toMatch(/Describe on ECC0 got no answer \(garbage\)/);
    expect(server.state).toBe('Idle');

    board.sim.set({ garbage: false, dieMidStep: true });
    server = await step(app, board.eccServerId, 'Describe');
    expect(server.lastError?.message).toMatch(/Describe on ECC0 got no answer \((disconnected|unreachable)\)/);
    expect(server.reachable).toBe(false);

    // The server is down: refreshing it finds it unreachable; the failures are in the log.
    await call(app, 'ecc.refresh', { eccServerId: board.eccServerId });
    await waitForStatus(app, (s) => s.servers[0]?.reachable === false);
    const errors = errorLog(app).map((e) => e.message);
    expect(errors.some((m) => /garbage/.test(m))).toBe(true);
    expect(errors.some((m) => /disconnected|unreachable/.test(m))).toBe(true);

    // Back up (Idle, like a restarted server): it answers again and the next step works.
    await board.sim.restart();
    await call(app, 'ecc.refresh', { eccServerId: board.eccServerId });
    await waitForStatus(app, (s) => s.servers[0]?.reachable === true);
    expect((await step(app, board.eccServerId, 'Describe')).state).toBe('Described');
  });

  it('reports a refused connection on a step', async () => {
    const { app, cobos } = await rig({ cobos: 1 });
    const board = cobos[0]!;
    await board.sim.close();
    const server = await step(app, board.eccServerId, 'Describe');
    expect(server.lastError?.message).toMatch(/Describe on ECC0 got no answer \(unreachable\)/);
    expect(errorLog(app).some((e) => e.subject === 'ECC0' && /unreachable/.test(e.message))).toBe(true);
  });
});
