import { describe, expect, it } from 'vitest';
import type { Setup } from '../../src/shared/domain';
import { testApi } from '../support/store';
import {
  addCobo,
  addConfigSet,
  auditRows,
  dataRouterInput,
  dumpDatabase,
  eccServerInput,
  rejection,
  setEccState,
  watch,
} from './support';

async function withExperiment(name = 'e20009') {
  const api = testApi();
  const experiment = await api.call('experiments.create', { name });
  return { api, experiment };
}

describe('setup.get', () => {
  it('answers null when there is no experiment', async () => {
    const api = testApi();
    expect(await api.call('setup.get', {})).toBeNull();
  });

  it("answers the active experiment's empty setup, or another experiment's when named", async () => {
    const { api, experiment } = await withExperiment();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    await api.call('eccServers.add', { experimentId: other.id, ...eccServerInput('ECC0') });
    expect(await api.call('setup.get', {})).toEqual({ experiment, eccServers: [], dataRouters: [], dataSources: [] });
    const named = await api.call('setup.get', { experimentId: other.id });
    expect(named?.experiment.name).toBe('e21001');
    expect(named?.eccServers.map((s) => s.name)).toEqual(['ECC0']);
  });

  it('answers NOT_FOUND for an unknown experiment', async () => {
    const { api } = await withExperiment();
    expect(await rejection(api.call('setup.get', { experimentId: 42 }))).toMatchObject({ code: 'NOT_FOUND', field: 'experimentId' });
  });

  it('shows each ECC server with its state by name and its config sets in order, the selected one marked', async () => {
    const { api } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    addConfigSet(api.store, server.id, 'pulser');
    addConfigSet(api.store, server.id, 'beam', true);
    setEccState(api.store, server.id, 'Ready');
    const setup = await api.call('setup.get', {});
    expect(setup?.eccServers[0]?.state).toBe('Ready');
    expect(setup?.eccServers[0]?.configSets).toEqual([
      { id: expect.any(Number), describe: 'beam', prepare: 'beam', configure: 'beam', selected: true },
      { id: expect.any(Number), describe: 'pulser', prepare: 'pulser', configure: 'pulser', selected: false },
    ]);
  });

  it('pushes the new setup to a subscriber after an ECC server is added', async () => {
    const { api } = await withExperiment();
    const subscription = watch(api.service, 'setup.get', {});
    const first = await subscription.next();
    expect(first.ok && (first.value as Setup).eccServers).toEqual([]);

    await api.call('eccServers.add', eccServerInput('ECC0'));
    const second = await subscription.next();
    expect(second.ok && (second.value as Setup).eccServers.map((s) => s.name)).toEqual(['ECC0']);
    subscription.stop();
  });
});

describe('ECC servers', () => {
  it('adds an ECC server with the default port and SOAP namespace, state unknown and no config sets', async () => {
    const { api, experiment } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    expect(server).toEqual({
      id: expect.any(Number),
      experimentId: experiment.id,
      name: 'ECC0',
      address: '192.168.41.10',
      port: 8083,
      logPath: '/Users/attpc/Logs/ecc.log',
      configRoot: '/Users/attpc/configs',
      configBackupRoot: '/Users/attpc/config-backups',
      soapNamespace: 'urn:ecc',
      state: null,
      configSets: [],
    });
    expect((await api.call('setup.get', {}))?.eccServers).toEqual([server]);
  });

  it('answers NOT_FOUND when adding to an unknown experiment, or when there is none', async () => {
    const api = testApi();
    expect(await rejection(api.call('eccServers.add', eccServerInput('ECC0')))).toMatchObject({ code: 'NOT_FOUND' });
    await api.call('experiments.create', { name: 'e20009' });
    expect(await rejection(api.call('eccServers.add', { experimentId: 9, ...eccServerInput('ECC0') }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'experimentId',
    });
  });

  it('refuses a second ECC server of the same name in an experiment, changing nothing', async () => {
    const { api } = await withExperiment();
    await api.call('eccServers.add', eccServerInput('ECC0'));
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('eccServers.add', eccServerInput('ECC0', '10.0.0.1')));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
      message: 'An ECC server named "ECC0" already exists in this experiment',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('allows the same ECC server name in another experiment', async () => {
    const { api } = await withExperiment();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    await api.call('eccServers.add', eccServerInput('ECC0'));
    expect(await api.call('eccServers.add', { experimentId: other.id, ...eccServerInput('ECC0') })).toMatchObject({
      experimentId: other.id,
    });
  });

  it('refuses an address that is neither an IP address nor a host name', async () => {
    const { api } = await withExperiment();
    const error = await rejection(api.call('eccServers.add', eccServerInput('ECC0', '192.168.1.300')));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'address' });
  });

  it('refuses a SOAP namespace that cannot be written into an XML attribute as it is', async () => {
    const { api } = await withExperiment();
    for (const soapNamespace of ['urn:a&b', 'urn:<ecc>', 'urn:"ecc"']) {
      const error = await rejection(api.call('eccServers.add', { ...eccServerInput('ECC0'), soapNamespace }));
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'soapNamespace', message: expect.stringContaining('Must not contain & < > or "') });
    }
    expect(await api.call('eccServers.add', { ...eccServerInput('ECC0'), soapNamespace: "urn:ecc:it's-fine" })).toMatchObject({ soapNamespace: "urn:ecc:it's-fine" });
  });

  it('changes only the fields an update gives', async () => {
    const { api } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    addConfigSet(api.store, server.id, 'beam', true);
    const updated = await api.call('eccServers.update', { id: server.id, port: 8084 });
    expect(updated).toEqual({ ...server, port: 8084, configSets: [expect.objectContaining({ describe: 'beam' })] });
    const renamed = await api.call('eccServers.update', { id: server.id, name: 'ECC_main', address: 'mac-01.local' });
    expect(renamed).toMatchObject({ name: 'ECC_main', address: 'mac-01.local', port: 8084, logPath: server.logPath });
  });

  it('refuses renaming an ECC server to the name of another, changing nothing', async () => {
    const { api } = await withExperiment();
    await api.call('eccServers.add', eccServerInput('ECC0'));
    const second = await api.call('eccServers.add', eccServerInput('ECC1'));
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('eccServers.update', { id: second.id, name: 'ECC0' }));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name', message: 'An ECC server named "ECC0" already exists in this experiment' });
    expect(dumpDatabase(api.store)).toEqual(before);
    expect(await api.call('eccServers.update', { id: second.id, name: 'ECC1' })).toMatchObject({ name: 'ECC1' });
  });

  it('answers NOT_FOUND for updating or removing an unknown ECC server', async () => {
    const { api } = await withExperiment();
    expect(await rejection(api.call('eccServers.update', { id: 5, port: 1 }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'id',
      message: 'There is no ECC server with id 5',
    });
    expect(await rejection(api.call('eccServers.remove', { id: 5 }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('removes an ECC server with its config sets', async () => {
    const { api } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    addConfigSet(api.store, server.id, 'beam', true);
    setEccState(api.store, server.id, 'Idle');
    expect(await api.call('eccServers.remove', { id: server.id })).toEqual({ id: server.id });
    expect((await api.call('setup.get', {}))?.eccServers).toEqual([]);
    expect(api.store.db.prepare('SELECT count(*) AS n FROM config_set').get()).toEqual({ n: 0 });
  });

  it('refuses removing an ECC server that data sources use, naming them, and changes nothing', async () => {
    const { api } = await withExperiment();
    const { eccServerId } = await addCobo(api, 0);
    await addCobo(api, 1, undefined, eccServerId);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('eccServers.remove', { id: eccServerId }));
    expect(error).toMatchObject({
      code: 'REFUSED',
      field: 'id',
      message: 'ECC server "ECC0" is used by data sources CoBo[0], CoBo[1]: remove them or link them to another ECC server first',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('refuses removing an ECC server that is not Idle, and changes nothing', async () => {
    const { api } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    api.store.db.prepare('UPDATE ecc_server SET state = 4 WHERE id = ?').run(server.id);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('eccServers.remove', { id: server.id }));
    expect(error).toMatchObject({
      code: 'REFUSED',
      message: 'ECC server "ECC0" is Ready: bring it back to Idle before removing it',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
  });
});

describe('data routers', () => {
  it('adds a data router with the default port and connection type', async () => {
    const { api, experiment } = await withExperiment();
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    expect(router).toEqual({
      id: expect.any(Number),
      experimentId: experiment.id,
      name: 'DataRouter0',
      address: '192.168.41.60',
      port: 46005,
      connectionType: 'TCP',
      logPath: '/Users/attpc/Logs/dataRouter.log',
    });
    expect((await api.call('setup.get', {}))?.dataRouters).toEqual([router]);
  });

  it('refuses a second data router of the same name, changing nothing', async () => {
    const { api } = await withExperiment();
    await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('dataRouters.add', dataRouterInput('DataRouter0')));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
      message: 'A data router named "DataRouter0" already exists in this experiment',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('changes only the fields an update gives, and refuses a name in use', async () => {
    const { api } = await withExperiment();
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    await api.call('dataRouters.add', dataRouterInput('DataRouter1'));
    expect(await api.call('dataRouters.update', { id: router.id, connectionType: 'FDT', port: 46006 })).toEqual({
      ...router,
      connectionType: 'FDT',
      port: 46006,
    });
    const before = dumpDatabase(api.store);
    expect(await rejection(api.call('dataRouters.update', { id: router.id, name: 'DataRouter1' }))).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
    expect(await rejection(api.call('dataRouters.update', { id: 99, port: 1 }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('refuses removing a data router that a data source uses, and changes nothing', async () => {
    const { api } = await withExperiment();
    const { dataRouterId } = await addCobo(api, 0);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('dataRouters.remove', { id: dataRouterId }));
    expect(error).toMatchObject({ code: 'REFUSED', field: 'id' });
    expect(error.message).toBe('Data router "DataRouter0" is used by data source CoBo[0]: remove it or link it to another data router first');
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('removes a data router no data source uses', async () => {
    const { api } = await withExperiment();
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    expect(await api.call('dataRouters.remove', { id: router.id })).toEqual({ id: router.id });
    expect((await api.call('setup.get', {}))?.dataRouters).toEqual([]);
    expect(await rejection(api.call('dataRouters.remove', { id: router.id }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('data sources', () => {
  it('adds a data source linking an ECC server and a data router', async () => {
    const { api, experiment } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    const source = await api.call('dataSources.add', { name: 'CoBo[0]', eccServerId: server.id, dataRouterId: router.id });
    expect(source).toEqual({
      id: expect.any(Number),
      experimentId: experiment.id,
      name: 'CoBo[0]',
      eccServerId: server.id,
      dataRouterId: router.id,
    });
    expect((await api.call('setup.get', {}))?.dataSources).toEqual([source]);
  });

  it('refuses a name that the config files cannot have', async () => {
    const { api } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    const error = await rejection(api.call('dataSources.add', { name: 'CoBo 0', eccServerId: server.id, dataRouterId: router.id }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
  });

  it('answers NOT_FOUND for an unknown ECC server or data router, naming the field', async () => {
    const { api } = await withExperiment();
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    expect(await rejection(api.call('dataSources.add', { name: 'CoBo[0]', eccServerId: 77, dataRouterId: router.id }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'eccServerId',
      message: 'There is no ECC server with id 77',
    });
    expect(await rejection(api.call('dataSources.add', { name: 'CoBo[0]', eccServerId: server.id, dataRouterId: 77 }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'dataRouterId',
      message: 'There is no data router with id 77',
    });
  });

  it('refuses an ECC server or data router of another experiment, changing nothing', async () => {
    const { api } = await withExperiment();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter0'));
    const foreignServer = await api.call('eccServers.add', { experimentId: other.id, ...eccServerInput('ECC9') });
    const foreignRouter = await api.call('dataRouters.add', { experimentId: other.id, ...dataRouterInput('DataRouter9') });
    const before = dumpDatabase(api.store);

    const wrongServer = await rejection(
      api.call('dataSources.add', { name: 'CoBo[0]', eccServerId: foreignServer.id, dataRouterId: router.id }),
    );
    expect(wrongServer).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'eccServerId',
      message: 'ECC server "ECC9" belongs to experiment "e21001", not to "e20009"',
    });
    const wrongRouter = await rejection(
      api.call('dataSources.add', { name: 'CoBo[0]', eccServerId: server.id, dataRouterId: foreignRouter.id }),
    );
    expect(wrongRouter).toMatchObject({ code: 'INVALID_INPUT', field: 'dataRouterId' });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('refuses a data router that already serves another data source, naming that source', async () => {
    const { api } = await withExperiment();
    const { eccServerId, dataRouterId } = await addCobo(api, 0);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('dataSources.add', { name: 'CoBo[1]', eccServerId, dataRouterId }));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: 'dataRouterId',
      message: 'Data router "DataRouter0" already belongs to data source "CoBo[0]": a data router serves only one data source',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('refuses a second data source of the same name', async () => {
    const { api } = await withExperiment();
    const { eccServerId } = await addCobo(api, 0);
    const router = await api.call('dataRouters.add', dataRouterInput('DataRouter1'));
    const error = await rejection(api.call('dataSources.add', { name: 'CoBo[0]', eccServerId, dataRouterId: router.id }));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
      message: 'A data source named "CoBo[0]" already exists in this experiment',
    });
  });

  it('changes only the fields an update gives, keeping its own data router', async () => {
    const { api } = await withExperiment();
    const cobo = await addCobo(api, 0);
    const other = await api.call('eccServers.add', eccServerInput('ECC1'));
    const renamed = await api.call('dataSources.update', { id: cobo.dataSourceId, name: 'CoBo[1]' });
    expect(renamed).toMatchObject({ name: 'CoBo[1]', eccServerId: cobo.eccServerId, dataRouterId: cobo.dataRouterId });
    const relinked = await api.call('dataSources.update', { id: cobo.dataSourceId, eccServerId: other.id, dataRouterId: cobo.dataRouterId });
    expect(relinked).toMatchObject({ name: 'CoBo[1]', eccServerId: other.id, dataRouterId: cobo.dataRouterId });
  });

  it("refuses moving a data source to another source's data router or name, changing nothing", async () => {
    const { api } = await withExperiment();
    const first = await addCobo(api, 0);
    const second = await addCobo(api, 1);
    const before = dumpDatabase(api.store);
    expect(await rejection(api.call('dataSources.update', { id: second.dataSourceId, dataRouterId: first.dataRouterId }))).toMatchObject({
      code: 'CONFLICT',
      field: 'dataRouterId',
      message: 'Data router "DataRouter0" already belongs to data source "CoBo[0]": a data router serves only one data source',
    });
    expect(await rejection(api.call('dataSources.update', { id: second.dataSourceId, name: 'CoBo[0]' }))).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    expect(await rejection(api.call('dataSources.update', { id: 99, name: 'CoBo[3]' }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('removes a data source, after which its ECC server and data router can be removed', async () => {
    const { api } = await withExperiment();
    const cobo = await addCobo(api, 0);
    expect(await api.call('dataSources.remove', { id: cobo.dataSourceId })).toEqual({ id: cobo.dataSourceId });
    await api.call('dataRouters.remove', { id: cobo.dataRouterId });
    await api.call('eccServers.remove', { id: cobo.eccServerId });
    expect(await api.call('setup.get', {})).toMatchObject({ eccServers: [], dataRouters: [], dataSources: [] });
    expect(await rejection(api.call('dataSources.remove', { id: cobo.dataSourceId }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('the audit trail of setup changes', () => {
  it('names what was added, changed and removed, and records a refused removal with its reason', async () => {
    const { api } = await withExperiment();
    const cobo = await addCobo(api, 0);
    await api.call('eccServers.update', { id: cobo.eccServerId, port: 8084 });
    await rejection(api.call('eccServers.remove', { id: cobo.eccServerId }));
    await api.call('dataSources.remove', { id: cobo.dataSourceId });

    const rows = auditRows(api.store).filter((row) => row.action !== 'experiments.create');
    expect(rows.map((row) => [row.action, row.target, row.result])).toEqual([
      ['eccServers.add', `ECC server "ECC0" (#${cobo.eccServerId}) in experiment "e20009"`, 'ok'],
      ['dataRouters.add', `data router "DataRouter0" (#${cobo.dataRouterId}) in experiment "e20009"`, 'ok'],
      ['dataSources.add', `data source "CoBo[0]" (#${cobo.dataSourceId}) in experiment "e20009"`, 'ok'],
      ['eccServers.update', `ECC server "ECC0" (#${cobo.eccServerId})`, 'ok'],
      [
        'eccServers.remove',
        `ECC server #${cobo.eccServerId}`,
        'REFUSED: ECC server "ECC0" is used by data source CoBo[0]: remove it or link it to another ECC server first',
      ],
      ['dataSources.remove', `data source "CoBo[0]" (#${cobo.dataSourceId})`, 'ok'],
    ]);
  });
});
