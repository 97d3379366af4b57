// Operations on an experiment's setup: its ECC servers, data routers and data sources one by one,
// easy setup, and export and import of the whole.
import { ApiError } from '../../shared/api/errors';
import type { DataRouter, DataSource, EccServer, Experiment } from '../../shared/domain';
import { defineHandlers } from '../api/handler';
import type { Store, Table } from '../db/store';
import { assertExperimentQuiet, findExperiment, resolveExperiment, resolveExperimentOrNone } from '../experiments/queries';
import { exportSetup, replaceSetup } from './document';
import { planEasySetup } from './easy-setup';
import {
  deleteDataRouter,
  deleteDataSource,
  deleteEccServer,
  findDataRouter,
  findDataRouterIdByName,
  findDataSource,
  findDataSourceIdByName,
  findDataSourceOfDataRouter,
  findEccServer,
  findEccServerIdByName,
  insertDataRouter,
  insertDataSource,
  insertEccServer,
  listDataSourcesOfEccServer,
  readSetup,
  updateDataRouter,
  updateDataSource,
  updateEccServer,
  type DataRouterFields,
  type DataSourceFields,
  type EccServerFields,
} from './queries';

const SETUP_TABLES = ['experiment', 'ecc_server', 'config_set', 'data_router', 'data_source'] as const satisfies readonly Table[];
const REPLACED_TABLES = ['ecc_server', 'config_set', 'data_router', 'data_source'] as const satisfies readonly Table[];

/** `current` with the fields `changes` gives (undefined means "leave as is"). */
function merged<T extends object>(current: T, changes: Partial<T>): T {
  const result = { ...current };
  for (const key of Object.keys(changes) as (keyof T)[]) {
    const value = changes[key];
    if (value !== undefined) result[key] = value as T[keyof T];
  }
  return result;
}

function experimentOf(store: Store, experimentId: number): Experiment {
  const experiment = findExperiment(store, experimentId);
  if (!experiment) throw new Error(`Experiment #${experimentId} is missing`);
  return experiment;
}

// --- ECC servers ------------------------------------------------------------------------------

function getEccServer(store: Store, id: number, field = 'id'): EccServer {
  const server = findEccServer(store, id);
  if (!server) throw new ApiError('NOT_FOUND', `There is no ECC server with id ${id}`, field);
  return server;
}

function eccServerFields(server: EccServer): EccServerFields {
  const { name, address, port, logPath, configRoot, configBackupRoot, soapNamespace } = server;
  return { name, address, port, logPath, configRoot, configBackupRoot, soapNamespace };
}

function assertEccServerNameFree(store: Store, experimentId: number, name: string, exceptId?: number): void {
  const existing = findEccServerIdByName(store, experimentId, name);
  if (existing !== undefined && existing !== exceptId) {
    throw new ApiError('CONFLICT', `An ECC server named "${name}" already exists in this experiment`, 'name');
  }
}

const eccServerLabel = (server: { id: number; name: string }) => `ECC server "${server.name}" (#${server.id})`;

// --- Data routers -----------------------------------------------------------------------------

function getDataRouter(store: Store, id: number, field = 'id'): DataRouter {
  const router = findDataRouter(store, id);
  if (!router) throw new ApiError('NOT_FOUND', `There is no data router with id ${id}`, field);
  return router;
}

function dataRouterFields(router: DataRouter): DataRouterFields {
  const { name, address, port, connectionType, logPath } = router;
  return { name, address, port, connectionType, logPath };
}

function assertDataRouterNameFree(store: Store, experimentId: number, name: string, exceptId?: number): void {
  const existing = findDataRouterIdByName(store, experimentId, name);
  if (existing !== undefined && existing !== exceptId) {
    throw new ApiError('CONFLICT', `A data router named "${name}" already exists in this experiment`, 'name');
  }
}

const dataRouterLabel = (router: { id: number; name: string }) => `data router "${router.name}" (#${router.id})`;

// --- Data sources -----------------------------------------------------------------------------

function getDataSource(store: Store, id: number): DataSource {
  const source = findDataSource(store, id);
  if (!source) throw new ApiError('NOT_FOUND', `There is no data source with id ${id}`, 'id');
  return source;
}

function assertDataSourceNameFree(store: Store, experimentId: number, name: string, exceptId?: number): void {
  const existing = findDataSourceIdByName(store, experimentId, name);
  if (existing !== undefined && existing !== exceptId) {
    throw new ApiError('CONFLICT', `A data source named "${name}" already exists in this experiment`, 'name');
  }
}

/**
 * A data source links an ECC server and a data router of its own experiment, and a data router
 * serves at most one data source. `sourceId` is the source being changed, if it exists already.
 */
function assertDataSourceLinks(store: Store, experiment: Experiment, fields: DataSourceFields, sourceId?: number): void {
  const server = getEccServer(store, fields.eccServerId, 'eccServerId');
  if (server.experimentId !== experiment.id) {
    throw new ApiError(
      'INVALID_INPUT',
      `ECC server "${server.name}" belongs to experiment "${experimentOf(store, server.experimentId).name}", not to "${experiment.name}"`,
      'eccServerId',
    );
  }
  const router = getDataRouter(store, fields.dataRouterId, 'dataRouterId');
  if (router.experimentId !== experiment.id) {
    throw new ApiError(
      'INVALID_INPUT',
      `Data router "${router.name}" belongs to experiment "${experimentOf(store, router.experimentId).name}", not to "${experiment.name}"`,
      'dataRouterId',
    );
  }
  const other = findDataSourceOfDataRouter(store, router.id);
  if (other && other.id !== sourceId) {
    throw new ApiError(
      'CONFLICT',
      `Data router "${router.name}" already belongs to data source "${other.name}": a data router serves only one data source`,
      'dataRouterId',
    );
  }
}

const dataSourceLabel = (source: { id: number; name: string }) => `data source "${source.name}" (#${source.id})`;

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export const setupHandlers = defineHandlers({
  'setup.get': {
    // The Setup view shows each server's last known state.
    reads: [...SETUP_TABLES, 'ecc_server_state'],
    run: (input, { store }) => {
      const experiment = resolveExperimentOrNone(store, input.experimentId);
      return experiment ? readSetup(store, experiment) : null;
    },
  },

  'eccServers.add': {
    run: (input, { store, auditTarget }) =>
      store.write(['ecc_server'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        const { experimentId: _experimentId, ...fields } = input;
        assertEccServerNameFree(store, experiment.id, fields.name);
        const server = getEccServer(store, insertEccServer(store, experiment.id, fields));
        auditTarget(`${eccServerLabel(server)} in experiment "${experiment.name}"`);
        return server;
      }),
    describeTarget: (input) => `ECC server "${input.name}"`,
  },

  'eccServers.update': {
    run: (input, { store, auditTarget }) =>
      store.write(['ecc_server'], () => {
        const { id, ...changes } = input;
        const server = getEccServer(store, id);
        const fields = merged(eccServerFields(server), changes);
        assertEccServerNameFree(store, server.experimentId, fields.name, server.id);
        updateEccServer(store, server.id, fields);
        auditTarget(eccServerLabel({ id: server.id, name: fields.name }));
        return getEccServer(store, server.id);
      }),
    describeTarget: (input) => `ECC server #${input.id}`,
  },

  'eccServers.remove': {
    run: (input, { store, auditTarget }) =>
      store.write(['ecc_server', 'config_set'], () => {
        const server = getEccServer(store, input.id);
        const sources = listDataSourcesOfEccServer(store, server.id);
        if (sources.length > 0) {
          const names = sources.map((source) => source.name).join(', ');
          const [these, them] = sources.length > 1 ? ['data sources', 'them'] : ['data source', 'it'];
          throw new ApiError(
            'REFUSED',
            `ECC server "${server.name}" is used by ${these} ${names}: remove ${them} or link ${them} to another ECC server first`,
            'id',
          );
        }
        if (server.state !== null && server.state !== 'Idle') {
          throw new ApiError('REFUSED', `ECC server "${server.name}" is ${server.state}: bring it back to Idle before removing it`, 'id');
        }
        deleteEccServer(store, server.id);
        auditTarget(eccServerLabel(server));
        return { id: server.id };
      }),
    describeTarget: (input) => `ECC server #${input.id}`,
  },

  'dataRouters.add': {
    run: (input, { store, auditTarget }) =>
      store.write(['data_router'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        const { experimentId: _experimentId, ...fields } = input;
        assertDataRouterNameFree(store, experiment.id, fields.name);
        const router = getDataRouter(store, insertDataRouter(store, experiment.id, fields));
        auditTarget(`${dataRouterLabel(router)} in experiment "${experiment.name}"`);
        return router;
      }),
    describeTarget: (input) => `data router "${input.name}"`,
  },

  'dataRouters.update': {
    run: (input, { store, auditTarget }) =>
      store.write(['data_router'], () => {
        const { id, ...changes } = input;
        const router = getDataRouter(store, id);
        const fields = merged(dataRouterFields(router), changes);
        assertDataRouterNameFree(store, router.experimentId, fields.name, router.id);
        updateDataRouter(store, router.id, fields);
        auditTarget(dataRouterLabel({ id: router.id, name: fields.name }));
        return getDataRouter(store, router.id);
      }),
    describeTarget: (input) => `data router #${input.id}`,
  },

  'dataRouters.remove': {
    run: (input, { store, auditTarget }) =>
      store.write(['data_router'], () => {
        const router = getDataRouter(store, input.id);
        const source = findDataSourceOfDataRouter(store, router.id);
        if (source) {
          throw new ApiError(
            'REFUSED',
            `Data router "${router.name}" is used by data source ${source.name}: remove it or link it to another data router first`,
            'id',
          );
        }
        deleteDataRouter(store, router.id);
        auditTarget(dataRouterLabel(router));
        return { id: router.id };
      }),
    describeTarget: (input) => `data router #${input.id}`,
  },

  'dataSources.add': {
    run: (input, { store, auditTarget }) =>
      store.write(['data_source'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        const { experimentId: _experimentId, ...fields } = input;
        assertDataSourceNameFree(store, experiment.id, fields.name);
        assertDataSourceLinks(store, experiment, fields);
        const source = getDataSource(store, insertDataSource(store, experiment.id, fields));
        auditTarget(`${dataSourceLabel(source)} in experiment "${experiment.name}"`);
        return source;
      }),
    describeTarget: (input) => `data source "${input.name}"`,
  },

  'dataSources.update': {
    run: (input, { store, auditTarget }) =>
      store.write(['data_source'], () => {
        const { id, ...changes } = input;
        const source = getDataSource(store, id);
        const experiment = experimentOf(store, source.experimentId);
        const { name, eccServerId, dataRouterId } = source;
        const fields = merged({ name, eccServerId, dataRouterId }, changes);
        assertDataSourceNameFree(store, experiment.id, fields.name, source.id);
        assertDataSourceLinks(store, experiment, fields, source.id);
        updateDataSource(store, source.id, fields);
        auditTarget(dataSourceLabel({ id: source.id, name: fields.name }));
        return getDataSource(store, source.id);
      }),
    describeTarget: (input) => `data source #${input.id}`,
  },

  'dataSources.remove': {
    run: (input, { store, auditTarget }) =>
      store.write(['data_source'], () => {
        const source = getDataSource(store, input.id);
        deleteDataSource(store, source.id);
        auditTarget(dataSourceLabel(source));
        return { id: source.id };
      }),
    describeTarget: (input) => `data source #${input.id}`,
  },

  'setup.easy': {
    run: (input, { store, auditTarget }) => {
      // Every address is worked out before anything is written, so a bad one changes nothing.
      const plan = planEasySetup(input);
      return store.write(REPLACED_TABLES, () => {
        const experiment = resolveExperiment(store, input.experimentId);
        assertExperimentQuiet(store, experiment, `Cannot replace the setup of experiment "${experiment.name}"`);
        replaceSetup(store, experiment, plan);
        const mutant = input.mutant ? ' and a MuTAnT' : '';
        const servers = input.sharedEccServer ? 'one shared ECC server' : 'one ECC server each';
        auditTarget(`setup of experiment "${experiment.name}": ${count(input.coboCount, 'CoBo')}${mutant}, ${servers}`);
        return readSetup(store, experiment);
      });
    },
    describeTarget: (input) => `easy setup of ${input.coboCount} CoBos`,
  },

  'setup.export': {
    reads: [...SETUP_TABLES, 'observable'],
    run: (input, { store }) => exportSetup(store, resolveExperiment(store, input.experimentId)),
  },

  'setup.import': {
    run: (input, { store, auditTarget }) =>
      store.write([...REPLACED_TABLES, 'observable'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        assertExperimentQuiet(store, experiment, `Cannot replace the setup of experiment "${experiment.name}"`);
        replaceSetup(store, experiment, input.document);
        const { document } = input;
        const counts = [
          count(document.eccServers.length, 'ECC server'),
          count(document.dataRouters.length, 'data router'),
          count(document.dataSources.length, 'data source'),
        ];
        auditTarget(`setup of experiment "${experiment.name}" from a file of "${document.experiment.name}" (${counts.join(', ')})`);
        return readSetup(store, experiment);
      }),
    describeTarget: (input) => `setup from experiment "${input.document.experiment.name}"`,
  },
});
