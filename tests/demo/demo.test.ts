// The demo inside the application, from the sources (its simulators in a worker thread compiled
// by tsx, as `npm run dev` runs it): demo.create, what it refuses, the simulators running only
// while the demo is the active experiment, ports followed when they moved, and a restart.
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api/errors';
import { call, closeApp, openApp, refusal, waitFor } from '../runs/support';
import { tempDir } from '../support/store';

const held: Server[] = [];
afterAll(() => Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve)))));

/** Takes a port on 127.0.0.1 (as another program would, hanging up on whoever calls), until the tests end. */
function occupy(port: number): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  held.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

const running = (app: ReturnType<typeof openApp>, wanted: boolean) => waitFor(app, 'demo.status', {}, (s) => s.running === wanted, 30_000);

describe('the demo', () => {
  it('is made active with its simulators running in a thread, and its servers answer', async () => {
    const app = openApp(tempDir('daq-demo-'), { ecc: { schedule: { refreshIntervalMs: 300 } } });
    expect(await call(app, 'demo.status', {})).toMatchObject({ experimentId: null, running: false });
    const experiment = await call(app, 'demo.create', {});
    expect(experiment).toMatchObject({ name: 'demo', active: true });
    expect(await call(app, 'demo.status', {})).toMatchObject({ experimentId: experiment.id, running: true, problem: null });
    const setup = await waitFor(app, 'setup.get', {}, (s) => s !== null && s.eccServers.length === 5 && s.eccServers.every((e) => e.configSets.length > 0), 30_000);
    expect(setup!.eccServers.map((s) => s.address)).toEqual(Array(5).fill('127.0.0.1'));
    const status = await waitFor(app, 'ecc.status', {}, (s) => s.overall === 'Idle', 30_000);
    expect(status.servers.every((s) => s.reachable)).toBe(true);
    expect((await call(app, 'sshHosts.list', {})).map((h) => h.host)).toEqual(['127.0.0.1']);
    // Asked again: the same experiment, nothing new.
    expect((await call(app, 'demo.create', {})).id).toBe(experiment.id);
    expect((await call(app, 'experiments.list', {})).map((e) => e.name)).toEqual(['demo']);
  });

  it('refuses a name taken by another experiment, and a switch away from an experiment that is not quiet', async () => {
    const app = openApp(tempDir('daq-demo-'), { ecc: { schedule: false } });
    const taken = await call(app, 'experiments.create', { name: 'demo' });
    const conflict = await refusal(app, 'demo.create', {});
    expect(conflict).toBeInstanceOf(ApiError);
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toMatch(/named "demo" exists and is not the demo/);
    await call(app, 'experiments.rename', { id: taken.id, name: 'e21001' });
    const server = await call(app, 'eccServers.add', { name: 'ECC0', address: '127.0.0.1', port: 1, logPath: '/l', configRoot: '/c', configBackupRoot: '/b' });
    app.store.write(['ecc_server_state'], () => app.store.db.prepare('UPDATE ecc_server SET state = 4 WHERE id = ?').run(server.id));
    const busy = await refusal(app, 'demo.create', {});
    expect(busy.code).toBe('REFUSED');
    expect(busy.message).toMatch(/Cannot switch to the demo while ECC servers of experiment "e21001" are not Idle \(ECC0 is Ready\)/);
    expect((await call(app, 'experiments.list', {})).map((e) => [e.name, e.active])).toEqual([['e21001', true]]);
    expect(await call(app, 'demo.status', {})).toMatchObject({ experimentId: null });
  });

  it('stops the simulators while another experiment is active, and starts them again, following a port that was taken meanwhile', async () => {
    const dataDir = tempDir('daq-demo-');
    let app = openApp(dataDir, { ecc: { schedule: { refreshIntervalMs: 300 } } });
    const demo = await call(app, 'demo.create', {});
    const before = (await call(app, 'setup.get', {}))!.eccServers;
    await call(app, 'experiments.create', { name: 'e21001', activate: true });
    await running(app, false);

    // A restart with another experiment active starts no simulators.
    await closeApp(app);
    app = openApp(dataDir, { ecc: { schedule: { refreshIntervalMs: 300 } } });
    // resume() is what the application runs at start; it resolves once any start has ended.
    await app.demo.resume();
    expect(await call(app, 'demo.status', {})).toMatchObject({ experimentId: demo.id, running: false });

    const first = before[0]!;
    await occupy(first.port);
    await call(app, 'experiments.activate', { id: demo.id });
    await running(app, true);
    const after = await waitFor(app, 'setup.get', {}, (s) => s !== null && s.experiment.id === demo.id && s.eccServers[0]!.port !== first.port, 30_000);
    expect(after!.eccServers.map((s) => s.name)).toEqual(before.map((s) => s.name));
    expect(after!.eccServers.slice(1).map((s) => s.port)).toEqual(before.slice(1).map((s) => s.port));
    const status = await waitFor(app, 'ecc.status', {}, (s) => s.experimentId === demo.id && s.servers.every((x) => x.reachable === true), 30_000);
    expect(status.servers).toHaveLength(5);
  });
});
