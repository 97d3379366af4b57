import { describe, expect, it } from 'vitest';
import type { Setup } from '../../src/shared/domain';
import { SETUP_FORMAT, setupDocument, type SetupDocument } from '../../src/shared/setup-document';
import { testApi, type TestApi } from '../support/store';
import {
  addCobo,
  addConfigSet,
  addObservable,
  auditRows,
  dumpDatabase,
  rejection,
  setEccState,
  startRun,
  watch,
} from './support';

/** e20009 with two CoBos on ECC0 (config set "beam" selected), a MuTAnT on ECC_mutant, and two observables. */
async function e20009(api: TestApi) {
  const experiment = await api.call('experiments.create', { name: 'e20009' });
  const cobo0 = await addCobo(api, 0);
  await addCobo(api, 1, undefined, cobo0.eccServerId);
  addConfigSet(api.store, cobo0.eccServerId, 'pulser');
  addConfigSet(api.store, cobo0.eccServerId, 'beam', true);
  const mutantServer = await api.call('eccServers.add', {
    name: 'ECC_mutant',
    address: 'mac-mutant.local',
    port: 8084,
    logPath: '/var/log/ecc.log',
    configRoot: '/opt/configs',
    configBackupRoot: '/opt/backups',
    soapNamespace: 'urn:ecc-mutant',
  });
  const mutantRouter = await api.call('dataRouters.add', {
    name: 'DataRouter_mutant',
    address: '192.168.41.70',
    connectionType: 'FDT',
    port: 46007,
    logPath: '/var/log/dataRouter.log',
  });
  await api.call('dataSources.add', { name: 'Mutant[master]', eccServerId: mutantServer.id, dataRouterId: mutantRouter.id });
  // Display order differs from insertion order on purpose.
  addObservable(api.store, experiment.id, 'Target pressure', 1, 'integer', 'torr');
  addObservable(api.store, experiment.id, 'Beam energy', 0, 'float', 'MeV/u');
  return experiment;
}

/** A setup without ids, linked by names: what must survive an export and an import. */
function byNames(setup: Setup | null) {
  if (!setup) throw new Error('no setup');
  const serverName = (id: number) => setup.eccServers.find((s) => s.id === id)?.name;
  const routerName = (id: number) => setup.dataRouters.find((r) => r.id === id)?.name;
  return {
    eccServers: setup.eccServers.map(({ id: _id, experimentId: _e, configSets, ...server }) => ({
      ...server,
      configSets: configSets.filter((set) => set.selected).map(({ id: _setId, ...set }) => set),
    })),
    dataRouters: setup.dataRouters.map(({ id: _id, experimentId: _e, ...router }) => router),
    dataSources: setup.dataSources.map((source) => ({
      name: source.name,
      eccServer: serverName(source.eccServerId),
      dataRouter: routerName(source.dataRouterId),
    })),
  };
}

function observables(api: TestApi, experimentId: number) {
  return api.store.db
    .prepare('SELECT name, value_type, units, display_order FROM observable WHERE experiment_id = ? ORDER BY display_order')
    .all(experimentId);
}

describe('setup export', () => {
  it('writes a document that the import schema accepts', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    const parsed = setupDocument.safeParse(JSON.parse(JSON.stringify(document)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(parsed.data).toEqual(document);
  });

  it('names the format and version, the experiment, selected config sets, links by name and observables in display order', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    expect(document).toMatchObject({ format: SETUP_FORMAT, formatVersion: 1, experiment: { name: 'e20009' } });
    expect(Date.parse(document.exportedAt ?? '')).not.toBeNaN();
    expect(document.eccServers).toEqual([
      {
        name: 'ECC0',
        address: '192.168.41.10',
        port: 8083,
        logPath: '/Users/attpc/Logs/ecc.log',
        configRoot: '/Users/attpc/configs',
        configBackupRoot: '/Users/attpc/config-backups',
        soapNamespace: 'urn:ecc',
        selectedConfigSet: { describe: 'beam', prepare: 'beam', configure: 'beam' },
      },
      {
        name: 'ECC_mutant',
        address: 'mac-mutant.local',
        port: 8084,
        logPath: '/var/log/ecc.log',
        configRoot: '/opt/configs',
        configBackupRoot: '/opt/backups',
        soapNamespace: 'urn:ecc-mutant',
        selectedConfigSet: null,
      },
    ]);
    expect(document.dataRouters.map((r) => `${r.name} ${r.connectionType} ${r.port}`)).toEqual([
      'DataRouter0 TCP 46005',
      'DataRouter1 TCP 46005',
      'DataRouter_mutant FDT 46007',
    ]);
    expect(document.dataSources).toEqual([
      { name: 'CoBo[0]', eccServer: 'ECC0', dataRouter: 'DataRouter0' },
      { name: 'CoBo[1]', eccServer: 'ECC0', dataRouter: 'DataRouter1' },
      { name: 'Mutant[master]', eccServer: 'ECC_mutant', dataRouter: 'DataRouter_mutant' },
    ]);
    expect(document.observables).toEqual([
      { name: 'Beam energy', valueType: 'float', units: 'MeV/u', comment: '' },
      { name: 'Target pressure', valueType: 'integer', units: 'torr', comment: '' },
    ]);
  });

  it('answers NOT_FOUND when there is no experiment to export', async () => {
    const api = testApi();
    expect(await rejection(api.call('setup.export', {}))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('setup import', () => {
  it('reproduces an exported setup in another experiment', async () => {
    const api = testApi();
    const source = await e20009(api);
    const document = await api.call('setup.export', {});
    const target = await api.call('experiments.create', { name: 'e21001', activate: false });

    const imported = await api.call('setup.import', { experimentId: target.id, document });
    expect(imported.experiment.id).toBe(target.id);
    expect(byNames(imported)).toEqual(byNames(await api.call('setup.get', { experimentId: source.id })));
    expect(imported.eccServers.every((s) => s.state === null)).toBe(true);
    expect(observables(api, target.id)).toEqual(observables(api, source.id));
    const exportedAgain = await api.call('setup.export', { experimentId: target.id });
    expect({ ...exportedAgain, exportedAt: '', experiment: null }).toEqual({ ...document, exportedAt: '', experiment: null });
  });

  it('makes each selected config set a selected config set of the new ECC server', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    const target = await api.call('experiments.create', { name: 'e21001', activate: false });
    const imported = await api.call('setup.import', { experimentId: target.id, document });
    expect(imported.eccServers.map((s) => s.configSets.map((set) => [set.describe, set.selected]))).toEqual([[['beam', true]], []]);
    const rows = api.store.db
      .prepare(
        `SELECT is_selected FROM config_set JOIN ecc_server ON ecc_server.id = config_set.ecc_server_id
         WHERE ecc_server.experiment_id = ?`,
      )
      .all(target.id);
    expect(rows).toEqual([{ is_selected: 1 }]);
  });

  it('replaces the current setup of the experiment', async () => {
    const api = testApi();
    await e20009(api);
    const document: SetupDocument = {
      format: SETUP_FORMAT,
      formatVersion: 1,
      experiment: { name: 'elsewhere' },
      eccServers: [
        {
          name: 'ECC',
          address: '10.0.0.1',
          port: 8083,
          logPath: '/l',
          configRoot: '/c',
          configBackupRoot: '/b',
          soapNamespace: 'urn:ecc',
          selectedConfigSet: null,
        },
      ],
      dataRouters: [{ name: 'DataRouter0', address: '10.0.0.2', port: 46005, connectionType: 'TCP', logPath: '/l' }],
      dataSources: [{ name: 'CoBo[0]', eccServer: 'ECC', dataRouter: 'DataRouter0' }],
      observables: [],
    };
    const imported = await api.call('setup.import', { document });
    expect(imported.experiment.name).toBe('e20009');
    expect(byNames(imported).dataSources).toEqual([{ name: 'CoBo[0]', eccServer: 'ECC', dataRouter: 'DataRouter0' }]);
    expect(imported.eccServers.map((s) => s.address)).toEqual(['10.0.0.1']);
    expect(imported.dataRouters).toHaveLength(1);
  });

  it('adds the observables the experiment lacks at the end, leaving existing ones untouched', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    const target = await api.call('experiments.create', { name: 'e21001', activate: false });
    addObservable(api.store, target.id, 'Target pressure', 4, 'float', 'mbar');
    addObservable(api.store, target.id, 'Trigger rate', 7, 'integer', 'Hz');
    const gas = { name: 'Gas', valueType: 'string' as const, units: '', comment: 'mixture' };
    await api.call('setup.import', { experimentId: target.id, document: { ...document, observables: [...document.observables, gas] } });
    expect(observables(api, target.id)).toEqual([
      { name: 'Target pressure', value_type: 'float', units: 'mbar', display_order: 4 },
      { name: 'Trigger rate', value_type: 'integer', units: 'Hz', display_order: 7 },
      { name: 'Beam energy', value_type: 'float', units: 'MeV/u', display_order: 8 },
      { name: 'Gas', value_type: 'string', units: '', display_order: 9 },
    ]);
  });

  it('accepts a document as a person may write it, with defaults left out', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const imported = await api.call('setup.import', {
      document: {
        format: SETUP_FORMAT,
        formatVersion: 1,
        experiment: { name: 'e20009' },
        eccServers: [{ name: 'ECC', address: 'mac01', logPath: '/l', configRoot: '/c', configBackupRoot: '/b' }],
        dataRouters: [{ name: 'DataRouter0', address: 'mac01', logPath: '/l' }],
        dataSources: [{ name: 'CoBo[0]', eccServer: 'ECC', dataRouter: 'DataRouter0' }],
      },
    });
    expect(imported.eccServers[0]).toMatchObject({ port: 8083, soapNamespace: 'urn:ecc', configSets: [] });
    expect(imported.dataRouters[0]).toMatchObject({ port: 46005, connectionType: 'TCP' });
  });

  describe('of a bad document', () => {
    async function attempt(change: (document: Record<string, unknown>) => void) {
      const api = testApi();
      await e20009(api);
      const document = JSON.parse(JSON.stringify(await api.call('setup.export', {}))) as Record<string, unknown>;
      change(document);
      const before = dumpDatabase(api.store);
      const error = await rejection(api.call('setup.import', { document } as never));
      expect(dumpDatabase(api.store)).toEqual(before);
      return error;
    }

    it('names the field of a data source whose data router is missing, and changes nothing', async () => {
      const error = await attempt((document) => {
        (document.dataSources as { dataRouter: string }[])[0]!.dataRouter = 'DataRouter9';
      });
      expect(error).toMatchObject({
        code: 'INVALID_INPUT',
        field: 'document.dataSources.0.dataRouter',
        message: 'document.dataSources.0.dataRouter: No data router named "DataRouter9"',
      });
    });

    it('names the field of an ECC server name used twice, and changes nothing', async () => {
      const error = await attempt((document) => {
        (document.eccServers as { name: string }[])[1]!.name = 'ECC0';
      });
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'document.eccServers.1.name' });
      expect(error.message).toContain('ECC server name "ECC0" is used twice');
    });

    it('names the field of a data router given to two data sources, and changes nothing', async () => {
      const error = await attempt((document) => {
        (document.dataSources as { dataRouter: string }[])[1]!.dataRouter = 'DataRouter0';
      });
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'document.dataSources.1.dataRouter' });
    });

    it('refuses a file written by a newer version, and changes nothing', async () => {
      const error = await attempt((document) => {
        document.formatVersion = 2;
      });
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'document.formatVersion' });
      expect(error.message).toContain('newer version');
    });

    it('refuses a file that is not a setup file, and changes nothing', async () => {
      const error = await attempt((document) => {
        document.format = 'something-else';
      });
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'document.format' });
    });

    it('names the field of a bad address, and changes nothing', async () => {
      const error = await attempt((document) => {
        (document.dataRouters as { address: string }[])[2]!.address = 'not an address';
      });
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'document.dataRouters.2.address' });
    });
  });

  it('is refused while an ECC server of the experiment is not Idle, changing nothing', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    const server = (await api.call('setup.get', {}))?.eccServers[0];
    api.store.db.prepare('UPDATE ecc_server SET state = 4 WHERE id = ?').run(server?.id);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('setup.import', { document }));
    expect(error).toMatchObject({ code: 'REFUSED' });
    expect(error.message).toContain('ECC0 is Ready');
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('is refused while a run of the experiment is going, changing nothing', async () => {
    const api = testApi();
    const experiment = await e20009(api);
    const document = await api.call('setup.export', {});
    startRun(api.store, experiment.id, 12);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('setup.import', { document }));
    expect(error).toMatchObject({ code: 'REFUSED' });
    expect(error.message).toContain('while run 12 of experiment "e20009" is going');
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('does not reuse the ids of the ECC servers, data routers and data sources it replaces', async () => {
    const api = testApi();
    await e20009(api);
    const old = await api.call('setup.get', {});
    const imported = await api.call('setup.import', { document: await api.call('setup.export', {}) });
    const ids = (setup: Setup | null) => [
      ...(setup?.eccServers.map((s) => `s${s.id}`) ?? []),
      ...(setup?.dataRouters.map((r) => `r${r.id}`) ?? []),
      ...(setup?.dataSources.map((d) => `d${d.id}`) ?? []),
    ];
    expect(ids(imported).filter((id) => ids(old).includes(id))).toEqual([]);
  });

  it('pushes the new setup to subscribers and records the import in the audit trail', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    const target = await api.call('experiments.create', { name: 'e21001', activate: false });
    const subscription = watch(api.service, 'setup.get', { experimentId: target.id });
    const first = await subscription.next();
    expect(first.ok && (first.value as Setup).dataSources).toEqual([]);

    await api.call('setup.import', { experimentId: target.id, document });
    const second = await subscription.next();
    expect(second.ok && (second.value as Setup).dataSources.map((s) => s.name)).toEqual(['CoBo[0]', 'CoBo[1]', 'Mutant[master]']);
    subscription.stop();

    expect(auditRows(api.store).find((r) => r.action === 'setup.import')).toMatchObject({
      target: 'setup of experiment "e21001" from a file of "e20009" (2 ECC servers, 3 data routers, 3 data sources)',
      result: 'ok',
    });
  });

  it('records a refused import in the audit trail', async () => {
    const api = testApi();
    await e20009(api);
    const document = await api.call('setup.export', {});
    const server = (await api.call('setup.get', {}))?.eccServers[0];
    setEccState(api.store, server?.id ?? 0, 'Running');
    await rejection(api.call('setup.import', { document }));
    const row = auditRows(api.store).find((r) => r.action === 'setup.import');
    expect(row?.result).toMatch(/^REFUSED: Cannot replace the setup of experiment "e20009"/);
  });
});
