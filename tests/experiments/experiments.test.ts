import { describe, expect, it } from 'vitest';
import { testApi } from '../support/store';
import { addCobo, auditRows, dumpDatabase, eccServerInput, rejection, setEccState, startRun, stopRun } from '../setup/support';

describe('experiments', () => {
  it('lists no experiments in a new database', async () => {
    const api = testApi();
    expect(await api.call('experiments.list', {})).toEqual([]);
  });

  it('makes the first experiment active even when asked not to', async () => {
    const api = testApi();
    const first = await api.call('experiments.create', { name: 'e20009', activate: false });
    expect(first).toMatchObject({ name: 'e20009', active: true });
    expect(first.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('makes a new experiment the active one by default, leaving exactly one active', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const second = await api.call('experiments.create', { name: 'e21001' });
    expect(second.active).toBe(true);
    const list = await api.call('experiments.list', {});
    expect(list.map((e) => [e.name, e.active])).toEqual([
      ['e20009', false],
      ['e21001', true],
    ]);
  });

  it('leaves the active experiment alone when a new one is created with activate false', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const test = await api.call('experiments.create', { name: 'e20009-test', activate: false });
    expect(test.active).toBe(false);
    const list = await api.call('experiments.list', {});
    expect(list.filter((e) => e.active).map((e) => e.name)).toEqual(['e20009']);
  });

  it('lists experiments by name, ignoring case', async () => {
    const api = testApi();
    for (const name of ['b-exp', 'C-exp', 'a-exp']) await api.call('experiments.create', { name });
    expect((await api.call('experiments.list', {})).map((e) => e.name)).toEqual(['a-exp', 'b-exp', 'C-exp']);
  });

  it('refuses a second experiment with the same name, changing nothing', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('experiments.create', { name: 'e20009' }));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name', message: 'An experiment named "e20009" already exists' });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('refuses a name that cannot be a folder on the worker computers', async () => {
    const api = testApi();
    const error = await rejection(api.call('experiments.create', { name: 'x; rm -rf ~' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
  });

  it('renames an experiment', async () => {
    const api = testApi();
    const experiment = await api.call('experiments.create', { name: 'e20009' });
    const renamed = await api.call('experiments.rename', { id: experiment.id, name: 'e20009-pulser' });
    expect(renamed).toEqual({ ...experiment, name: 'e20009-pulser' });
    expect((await api.call('experiments.list', {})).map((e) => e.name)).toEqual(['e20009-pulser']);
  });

  it('accepts renaming an experiment to its own name', async () => {
    const api = testApi();
    const experiment = await api.call('experiments.create', { name: 'e20009' });
    expect(await api.call('experiments.rename', { id: experiment.id, name: 'e20009' })).toEqual(experiment);
  });

  it('refuses renaming to the name of another experiment, changing nothing', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const other = await api.call('experiments.create', { name: 'e21001' });
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('experiments.rename', { id: other.id, name: 'e20009' }));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('answers NOT_FOUND for renaming or activating an unknown experiment', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    expect(await rejection(api.call('experiments.rename', { id: 99, name: 'x' }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'id',
      message: 'There is no experiment with id 99',
    });
    expect(await rejection(api.call('experiments.activate', { id: 99 }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('switches the active experiment', async () => {
    const api = testApi();
    const first = await api.call('experiments.create', { name: 'e20009' });
    await api.call('experiments.create', { name: 'e21001' });
    const activated = await api.call('experiments.activate', { id: first.id });
    expect(activated).toMatchObject({ id: first.id, active: true });
    const list = await api.call('experiments.list', {});
    expect(list.filter((e) => e.active).map((e) => e.name)).toEqual(['e20009']);
  });

  it('accepts activating the experiment that is already active, even while it is busy', async () => {
    const api = testApi();
    const experiment = await api.call('experiments.create', { name: 'e20009' });
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    setEccState(api.store, server.id, 'Running');
    expect(await api.call('experiments.activate', { id: experiment.id })).toMatchObject({ active: true });
  });

  it('refuses switching while an ECC server of the active experiment is not Idle, changing nothing', async () => {
    const api = testApi();
    const first = await api.call('experiments.create', { name: 'e20009' });
    const second = await api.call('experiments.create', { name: 'e21001', activate: false });
    const { eccServerId } = await addCobo(api, 0);
    await addCobo(api, 1);
    // SQL, as the ECC layer would write it: 4 is Ready.
    api.store.db.prepare('UPDATE ecc_server SET state = 4 WHERE id = ?').run(eccServerId);
    const before = dumpDatabase(api.store);

    const error = await rejection(api.call('experiments.activate', { id: second.id }));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toBe(
      'Cannot switch to experiment "e21001" while ECC servers of experiment "e20009" are not Idle (ECC0 is Ready): bring them back to Idle first',
    );
    expect(dumpDatabase(api.store)).toEqual(before);
    expect((await api.call('experiments.list', {})).find((e) => e.active)?.id).toBe(first.id);
  });

  it('counts Off as not Idle, and a server never reached as Idle', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const second = await api.call('experiments.create', { name: 'e21001', activate: false });
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    setEccState(api.store, server.id, 'Off');
    expect((await rejection(api.call('experiments.activate', { id: second.id }))).code).toBe('REFUSED');
    setEccState(api.store, server.id, null);
    expect(await api.call('experiments.activate', { id: second.id })).toMatchObject({ active: true });
  });

  it('refuses creating an active experiment while an ECC server is not Idle, but creates an inactive one', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    setEccState(api.store, server.id, 'Running');
    const before = dumpDatabase(api.store);

    const error = await rejection(api.call('experiments.create', { name: 'e21001' }));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toContain('Cannot switch to the new experiment "e21001"');
    expect(error.message).toContain('ECC0 is Running');
    expect(dumpDatabase(api.store)).toEqual(before);

    expect(await api.call('experiments.create', { name: 'e21001', activate: false })).toMatchObject({ active: false });
  });

  it('refuses switching while a run of the active experiment is going, and allows it once stopped', async () => {
    const api = testApi();
    const first = await api.call('experiments.create', { name: 'e20009' });
    const second = await api.call('experiments.create', { name: 'e21001', activate: false });
    const runId = startRun(api.store, first.id, 7);
    const before = dumpDatabase(api.store);

    const error = await rejection(api.call('experiments.activate', { id: second.id }));
    expect(error).toMatchObject({
      code: 'REFUSED',
      message: 'Cannot switch to experiment "e21001" while run 7 of experiment "e20009" is going: stop it first',
    });
    expect((await rejection(api.call('experiments.create', { name: 'e22002' }))).code).toBe('REFUSED');
    expect(dumpDatabase(api.store)).toEqual(before);

    stopRun(api.store, runId);
    expect(await api.call('experiments.activate', { id: second.id })).toMatchObject({ active: true });
  });

  it('is not held back by a busy ECC server of an experiment that is not active', async () => {
    const api = testApi();
    const first = await api.call('experiments.create', { name: 'e20009' });
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    setEccState(api.store, server.id, 'Running');
    await api.call('experiments.create', { name: 'e21001', activate: false });
    const third = await api.call('experiments.create', { name: 'e22002', activate: false });
    // Make e21001 active by hand, as if e20009's server were left behind.
    api.store.db.prepare('UPDATE experiment SET is_active = 0').run();
    api.store.db.prepare('UPDATE experiment SET is_active = 1 WHERE name = ?').run('e21001');
    expect(await api.call('experiments.activate', { id: third.id })).toMatchObject({ active: true });
    expect((await api.call('experiments.list', {})).find((e) => e.id === first.id)?.active).toBe(false);
  });

  it('writes a successful and a refused mutation to the audit trail', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    await rejection(api.call('experiments.create', { name: 'e20009' }));
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    await api.call('experiments.activate', { id: other.id });
    await api.call('experiments.rename', { id: other.id, name: 'e21001-b' });

    const rows = auditRows(api.store);
    expect(rows.map((r) => [r.action, r.target, r.result.split(':')[0]])).toEqual([
      ['experiments.create', 'experiment "e20009"', 'ok'],
      ['experiments.create', expect.stringContaining('e20009'), 'CONFLICT'],
      ['experiments.create', 'experiment "e21001"', 'ok'],
      ['experiments.activate', `experiment "e21001" (#${other.id})`, 'ok'],
      ['experiments.rename', `experiment "e21001" (#${other.id}) to "e21001-b"`, 'ok'],
    ]);
    expect(rows[1]?.result).toBe('CONFLICT: An experiment named "e20009" already exists');
    expect(rows[0]).toMatchObject({ os_user: 'tester', origin: 'test' });
  });
});
