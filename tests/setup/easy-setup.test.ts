import { describe, expect, it } from 'vitest';
import type { InputOf } from '../../src/shared/api/contract';
import { ApiError } from '../../src/shared/api/errors';
import type { Setup } from '../../src/shared/domain';
import { numberedAddress } from '../../src/main/setup/easy-setup';
import { testApi } from '../support/store';
import { addCobo, addConfigSet, auditRows, dumpDatabase, rejection, setEccState, startRun, stopRun } from './support';

const paths = {
  eccLogPath: '/Users/attpc/Logs/ecc.log',
  dataRouterLogPath: '/Users/attpc/Logs/dataRouter.log',
  configRoot: '/Users/attpc/configs',
  configBackupRoot: '/Users/attpc/config-backups',
};

function easyInput(overrides: Partial<InputOf<'setup.easy'>> = {}): InputOf<'setup.easy'> {
  return { coboCount: 3, eccAddress: '192.168.41.10', dataRouterAddress: '192.168.41.60', ...paths, ...overrides };
}

/** The setup by names, the way an operator reads it. */
function described(setup: Setup) {
  const serverName = (id: number) => setup.eccServers.find((s) => s.id === id)?.name;
  const routerName = (id: number) => setup.dataRouters.find((r) => r.id === id)?.name;
  return {
    eccServers: setup.eccServers.map((s) => `${s.name} ${s.address}:${s.port}`),
    dataRouters: setup.dataRouters.map((r) => `${r.name} ${r.address}:${r.port} ${r.connectionType}`),
    dataSources: setup.dataSources.map((s) => `${s.name} ${serverName(s.eccServerId)} ${routerName(s.dataRouterId)}`),
  };
}

function thrown(work: () => unknown): ApiError {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('Expected an ApiError');
}

describe('numbering addresses', () => {
  it('counts on the last octet of an IPv4 address', () => {
    expect([0, 1, 5].map((i) => numberedAddress('10.0.1.250', i, 'f', 'x'))).toEqual(['10.0.1.250', '10.0.1.251', '10.0.1.255']);
  });

  it('refuses to go beyond 255 in the last octet, naming the field and the component', () => {
    const error = thrown(() => numberedAddress('10.0.1.250', 6, 'dataRouterAddress', 'The data router of CoBo[6]'));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'dataRouterAddress' });
    expect(error.message).toContain('The data router of CoBo[6] would need the address 10.0.1.256');
  });

  it('counts on the number a host name ends in, keeping its zero padding', () => {
    expect([0, 1, 2].map((i) => numberedAddress('mac08', i, 'f', 'x'))).toEqual(['mac08', 'mac09', 'mac10']);
    expect(numberedAddress('daq-worker9', 1, 'f', 'x')).toBe('daq-worker10');
    expect(numberedAddress('node007', 120, 'f', 'x')).toBe('node127');
  });

  it('uses any address as it is for the first CoBo', () => {
    expect(numberedAddress('daq.example.org', 0, 'f', 'x')).toBe('daq.example.org');
  });

  it('cannot number from a host name that does not end in a number', () => {
    const error = thrown(() => numberedAddress('daq.example.org', 1, 'eccAddress', 'x'));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'eccAddress' });
    expect(error.message).toContain('Cannot number addresses from "daq.example.org"');
  });

  it('cannot number from an IPv6 address', () => {
    expect(thrown(() => numberedAddress('fe80::1', 1, 'eccAddress', 'x')).code).toBe('INVALID_INPUT');
  });
});

describe('easy setup', () => {
  it('builds one ECC server, one TCP data router and one data source per CoBo, numbering both addresses', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const setup = await api.call('setup.easy', easyInput({ eccPort: 8090, dataRouterPort: 46010 }));
    expect(described(setup)).toEqual({
      eccServers: ['ECC0 192.168.41.10:8090', 'ECC1 192.168.41.11:8090', 'ECC2 192.168.41.12:8090'],
      dataRouters: [
        'DataRouter0 192.168.41.60:46010 TCP',
        'DataRouter1 192.168.41.61:46010 TCP',
        'DataRouter2 192.168.41.62:46010 TCP',
      ],
      dataSources: ['CoBo[0] ECC0 DataRouter0', 'CoBo[1] ECC1 DataRouter1', 'CoBo[2] ECC2 DataRouter2'],
    });
    expect(setup.eccServers[1]).toMatchObject({
      logPath: paths.eccLogPath,
      configRoot: paths.configRoot,
      configBackupRoot: paths.configBackupRoot,
      soapNamespace: 'urn:ecc',
      state: null,
      configSets: [],
    });
    expect(setup.dataRouters[2]?.logPath).toBe(paths.dataRouterLogPath);
    expect(await api.call('setup.get', {})).toEqual(setup);
  });

  it('shares one ECC server named ECC among all CoBos and the MuTAnT, whose data router is FDT', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const setup = await api.call(
      'setup.easy',
      easyInput({
        coboCount: 2,
        sharedEccServer: true,
        eccAddress: 'daq-ecc.local',
        dataRouterAddress: 'mac01',
        mutant: { dataRouterAddress: 'mac-mutant' },
      }),
    );
    expect(described(setup)).toEqual({
      eccServers: ['ECC daq-ecc.local:8083'],
      dataRouters: ['DataRouter0 mac01:46005 TCP', 'DataRouter1 mac02:46005 TCP', 'DataRouter_mutant mac-mutant:46005 FDT'],
      dataSources: ['CoBo[0] ECC DataRouter0', 'CoBo[1] ECC DataRouter1', 'Mutant[master] ECC DataRouter_mutant'],
    });
  });

  it('gives the MuTAnT its own ECC server when each CoBo has one', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const setup = await api.call(
      'setup.easy',
      easyInput({ coboCount: 1, mutant: { eccAddress: '192.168.41.30', dataRouterAddress: '192.168.41.70' } }),
    );
    expect(described(setup)).toEqual({
      eccServers: ['ECC0 192.168.41.10:8083', 'ECC_mutant 192.168.41.30:8083'],
      dataRouters: ['DataRouter0 192.168.41.60:46005 TCP', 'DataRouter_mutant 192.168.41.70:46005 FDT'],
      dataSources: ['CoBo[0] ECC0 DataRouter0', 'Mutant[master] ECC_mutant DataRouter_mutant'],
    });
  });

  it('requires the MuTAnT ECC address when the ECC server is not shared', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const error = await rejection(api.call('setup.easy', easyInput({ mutant: { dataRouterAddress: '192.168.41.70' } })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'mutant.eccAddress' });
  });

  it('replaces the whole setup of the experiment, config sets included, and leaves other experiments alone', async () => {
    const api = testApi();
    const other = await api.call('experiments.create', { name: 'e19001' });
    await addCobo(api, 0, other.id);
    const experiment = await api.call('experiments.create', { name: 'e20009' });
    const old = await addCobo(api, 7);
    addConfigSet(api.store, old.eccServerId, 'beam', true);
    const otherBefore = await api.call('setup.get', { experimentId: other.id });

    const setup = await api.call('setup.easy', easyInput({ coboCount: 2 }));
    expect(setup.experiment).toEqual(experiment);
    expect(described(setup).dataSources).toEqual(['CoBo[0] ECC0 DataRouter0', 'CoBo[1] ECC1 DataRouter1']);
    expect(api.store.db.prepare('SELECT count(*) AS n FROM config_set').get()).toEqual({ n: 0 });
    expect(await api.call('setup.get', { experimentId: other.id })).toEqual(otherBefore);
    // A screen still showing the old setup gets "not found", not a new server under an old id.
    expect(setup.eccServers.map((s) => s.id)).not.toContain(old.eccServerId);
    expect(await rejection(api.call('eccServers.update', { id: old.eccServerId, port: 1 }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('builds the setup of a named experiment that is not the active one', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    const setup = await api.call('setup.easy', { ...easyInput({ coboCount: 1 }), experimentId: other.id });
    expect(setup.experiment.name).toBe('e21001');
    expect((await api.call('setup.get', {}))?.eccServers).toEqual([]);
  });

  it('changes nothing when an address runs past 255 part way through the CoBos', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    await addCobo(api, 0);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('setup.easy', easyInput({ coboCount: 10, dataRouterAddress: '10.0.0.250' })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'dataRouterAddress' });
    expect(error.message).toContain('CoBo[6]');
    expect(dumpDatabase(api.store)).toEqual(before);
  });

  it('refuses numbering from a host name without a number, but needs no number for a shared ECC server', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('setup.easy', easyInput({ eccAddress: 'daq-ecc.local' })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'eccAddress' });
    expect(error.message).toMatch(/^Cannot number addresses from "daq-ecc.local"/);
    expect(dumpDatabase(api.store)).toEqual(before);
    expect(await api.call('setup.easy', easyInput({ eccAddress: 'daq-ecc.local', sharedEccServer: true }))).toMatchObject({
      eccServers: [{ name: 'ECC', address: 'daq-ecc.local' }],
    });
  });

  it('is refused while an ECC server of the experiment is not Idle, changing nothing', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const cobo = await addCobo(api, 0);
    api.store.db.prepare('UPDATE ecc_server SET state = 4 WHERE id = ?').run(cobo.eccServerId);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('setup.easy', easyInput()));
    expect(error).toMatchObject({
      code: 'REFUSED',
      message:
        'Cannot replace the setup of experiment "e20009" while ECC servers of experiment "e20009" are not Idle (ECC0 is Ready): bring them back to Idle first',
    });
    expect(dumpDatabase(api.store)).toEqual(before);
    setEccState(api.store, cobo.eccServerId, 'Idle');
    expect((await api.call('setup.easy', easyInput())).eccServers).toHaveLength(3);
  });

  it('is refused while a run of the experiment is going, changing nothing', async () => {
    const api = testApi();
    const experiment = await api.call('experiments.create', { name: 'e20009' });
    const runId = startRun(api.store, experiment.id, 3);
    const before = dumpDatabase(api.store);
    const error = await rejection(api.call('setup.easy', easyInput()));
    expect(error).toMatchObject({ code: 'REFUSED' });
    expect(error.message).toContain('while run 3 of experiment "e20009" is going');
    expect(dumpDatabase(api.store)).toEqual(before);
    stopRun(api.store, runId);
    expect((await api.call('setup.easy', easyInput())).dataSources).toHaveLength(3);
  });

  it('is not held back by a busy ECC server of another experiment', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const cobo = await addCobo(api, 0);
    setEccState(api.store, cobo.eccServerId, 'Running');
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    expect((await api.call('setup.easy', { ...easyInput(), experimentId: other.id })).eccServers).toHaveLength(3);
  });

  it('tells subscribers once, and records what it built in the audit trail', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const changes: string[][] = [];
    const stop = api.store.onChange((tables) => changes.push([...tables].sort()));
    await api.call('setup.easy', easyInput({ mutant: { eccAddress: '192.168.41.30', dataRouterAddress: '192.168.41.70' } }));
    stop();
    expect(changes).toEqual([['config_set', 'data_router', 'data_source', 'ecc_server'], ['audit_entry']]);
    const row = auditRows(api.store).find((r) => r.action === 'setup.easy');
    expect(row).toMatchObject({ target: 'setup of experiment "e20009": 3 CoBos and a MuTAnT, one ECC server each', result: 'ok' });
  });
});
