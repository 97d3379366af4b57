// What ECC control writes as answers come in, and what it keeps: a round's state changes in one
// transaction, announced as the state column only (no SSH check round, no rebuilt targets);
// a step's state and log entry stored by the time the step shows as ended; the targets it keeps
// in memory follow every change of the setup.
import { describe, expect, it } from 'vitest';
import type { Table } from '../../src/main/db/store';
import { call, openApp, rig, simulator, stepRequests, waitForIdleServer } from '../runs/support';

function recordChanges(app: ReturnType<typeof openApp>): Table[][] {
  const changes: Table[][] = [];
  app.store.onChange((tables) => changes.push(tables));
  return changes;
}

const storedStates = async (app: ReturnType<typeof openApp>) => (await call(app, 'setup.get', {}))!.eccServers.map((s) => s.state);

describe('what ECC control records', () => {
  it('stores the state changes of a refresh round in one transaction, announced as ecc_server_state only', async () => {
    const app = openApp(undefined, { ecc: { schedule: false } });
    const r = await rig({ cobos: 6, app });
    expect(await storedStates(app)).toEqual(Array(6).fill('Idle'));
    for (const board of r.cobos.slice(0, 4)) board.sim.setState('Prepared');
    const changes = recordChanges(app);
    await app.ecc.refreshActive();
    expect(changes).toEqual([['ecc_server_state']]);
    expect(await storedStates(app)).toEqual(['Prepared', 'Prepared', 'Prepared', 'Prepared', 'Idle', 'Idle']);
    // Nothing changed: nothing written.
    await app.ecc.refreshActive();
    expect(changes).toHaveLength(1);
  });

  it('has stored a step\'s state and its log entry by the time the step shows as ended', async () => {
    const app = openApp(undefined, { ecc: { schedule: false } });
    const r = await rig({ cobos: 1, app });
    const board = r.cobos[0]!;
    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    expect((await waitForIdleServer(app, board.eccServerId)).state).toBe('Described');
    // No turn of the event loop between the live status and these reads.
    expect((await storedStates(app))[0]).toBe('Described');
    const log = (await call(app, 'log.list', { source: 'ecc' })).items.map((e) => e.message);
    expect(log).toContain('Describe on ECC0 done: Described');
  });

  it('sends a step to the address the setup has now, and with the config set selected now', async () => {
    const app = openApp(undefined, { ecc: { schedule: false } });
    const r = await rig({ cobos: 1, app });
    const board = r.cobos[0]!;
    // Read once through a step, so that the target is kept.
    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    await waitForIdleServer(app, board.eccServerId);
    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Undo' });
    await waitForIdleServer(app, board.eccServerId);

    const moved = await simulator();
    await call(app, 'eccServers.update', { id: board.eccServerId, port: moved.port });
    await call(app, 'ecc.refresh', { eccServerId: board.eccServerId });
    await app.ecc.idle();
    const other = (await call(app, 'setup.get', {}))!.eccServers[0]!.configSets.find((s) => !s.selected);
    expect(other).toBeDefined();
    await call(app, 'configSets.select', { id: other!.id });

    await call(app, 'ecc.step', { eccServerId: board.eccServerId, step: 'Describe' });
    expect((await waitForIdleServer(app, board.eccServerId)).state).toBe('Described');
    const sent = stepRequests(moved);
    expect(sent.map((x) => x.operation)).toEqual(['Describe']);
    expect(sent[0]!.configID).toContain(`>${other!.describe}<`);
    expect(sent[0]!.configID).toContain(`>${other!.configure}<`);
    expect(stepRequests(board.sim).map((x) => x.operation)).toEqual(['Describe', 'Undo']);
  });

  it('starts an SSH check round when the setup changes, not when an ECC server\'s state does', async () => {
    const app = openApp(undefined, { ecc: { schedule: false }, ssh: { schedule: { checkIntervalMs: 3_600_000, jobIntervalMs: 3_600_000 } } });
    const r = await rig({ cobos: 3, app });
    const asked = () => app.sshScheduler.checkStats.started + app.sshScheduler.checkStats.skipped;
    const before = asked();
    for (const board of r.cobos) board.sim.setState('Described');
    await app.ecc.refreshActive();
    expect(await storedStates(app)).toEqual(['Described', 'Described', 'Described']);
    expect(asked()).toBe(before);
    await call(app, 'eccServers.update', { id: r.cobos[0]!.eccServerId, address: '127.0.0.2' });
    expect(asked()).toBe(before + 1);
    await call(app, 'sshHosts.set', { host: '127.0.0.1', user: 'daq', port: 22 });
    expect(asked()).toBe(before + 2);
  });
});
