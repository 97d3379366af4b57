// An experiment's whole setup as one document: writing it out (`setup.export`) and putting one
// in place of the current setup (`setup.import`, and easy setup, which generates one).
import { ApiError } from '../../shared/api/errors';
import type { Experiment } from '../../shared/domain';
import { SETUP_FORMAT, SETUP_FORMAT_VERSION, type SetupDocument } from '../../shared/setup-document';
import type { Store } from '../db/store';
import { insertObservable, listObservables } from '../runsheet/queries';
import { nowIso } from '../time';
import {
  deleteSetup,
  insertConfigSet,
  insertDataRouter,
  insertDataSource,
  insertEccServer,
  readSetup,
} from './queries';

/** What replaces an experiment's setup: the parts of a setup document that are put in place. */
export type SetupPlan = Pick<SetupDocument, 'eccServers' | 'dataRouters' | 'dataSources' | 'observables'>;

/** Adds the observables the experiment does not have yet (by name) at the end of the display order. */
function appendMissingObservables(store: Store, experimentId: number, observables: SetupPlan['observables']): void {
  const existing = new Set(listObservables(store, experimentId).map((o) => o.name));
  for (const { name, valueType, units, comment } of observables) {
    if (existing.has(name)) continue;
    insertObservable(store, { experimentId, name, valueType, units, comment });
    existing.add(name);
  }
}

export function exportSetup(store: Store, experiment: Experiment): SetupDocument {
  const setup = readSetup(store, experiment);
  const nameOf = (list: { id: number; name: string }[], id: number): string => {
    const found = list.find((item) => item.id === id);
    if (!found) throw new Error(`Setup of experiment "${experiment.name}" refers to a missing record #${id}`);
    return found.name;
  };
  return {
    format: SETUP_FORMAT,
    formatVersion: SETUP_FORMAT_VERSION,
    exportedAt: nowIso(),
    experiment: { name: experiment.name },
    eccServers: setup.eccServers.map((server) => {
      const selected = server.configSets.find((set) => set.selected);
      return {
        name: server.name,
        address: server.address,
        port: server.port,
        logPath: server.logPath,
        configRoot: server.configRoot,
        configBackupRoot: server.configBackupRoot,
        soapNamespace: server.soapNamespace,
        selectedConfigSet: selected
          ? { describe: selected.describe, prepare: selected.prepare, configure: selected.configure }
          : null,
      };
    }),
    dataRouters: setup.dataRouters.map((router) => ({
      name: router.name,
      address: router.address,
      port: router.port,
      connectionType: router.connectionType,
      logPath: router.logPath,
    })),
    dataSources: setup.dataSources.map((source) => ({
      name: source.name,
      eccServer: nameOf(setup.eccServers, source.eccServerId),
      dataRouter: nameOf(setup.dataRouters, source.dataRouterId),
    })),
    observables: listObservables(store, experiment.id).map(({ name, valueType, units, comment }) => ({
      name,
      valueType,
      units,
      comment,
    })),
  };
}

/**
 * Replaces the experiment's ECC servers, data routers and data sources with the plan's, and adds
 * the observables it names that the experiment lacks. Call inside one `store.write` with every
 * setup table (and `observable`), after checking that the experiment is quiet.
 */
export function replaceSetup(store: Store, experiment: Experiment, plan: SetupPlan): void {
  deleteSetup(store, experiment.id);

  const eccServerIds = new Map<string, number>();
  for (const server of plan.eccServers) {
    const id = insertEccServer(store, experiment.id, server);
    eccServerIds.set(server.name, id);
    if (server.selectedConfigSet) insertConfigSet(store, id, server.selectedConfigSet, true);
  }

  const dataRouterIds = new Map<string, number>();
  for (const router of plan.dataRouters) {
    dataRouterIds.set(router.name, insertDataRouter(store, experiment.id, router));
  }

  plan.dataSources.forEach((source, i) => {
    // The document schema has checked these links; this guards plans built in code.
    const eccServerId = eccServerIds.get(source.eccServer);
    if (eccServerId === undefined) {
      throw new ApiError('INVALID_INPUT', `No ECC server named "${source.eccServer}"`, `dataSources.${i}.eccServer`);
    }
    const dataRouterId = dataRouterIds.get(source.dataRouter);
    if (dataRouterId === undefined) {
      throw new ApiError('INVALID_INPUT', `No data router named "${source.dataRouter}"`, `dataSources.${i}.dataRouter`);
    }
    insertDataSource(store, experiment.id, { name: source.name, eccServerId, dataRouterId });
  });

  appendMissingObservables(store, experiment.id, plan.observables);
}
