// The database side of ECC control: the last known state of each server, its config sets as
// GetConfigIDs lists them, the selected set, and what a step sends (set and data links).
import { ECC_STATES, isMutantSourceName, type EccState } from '../../../shared/domain';
import type { Store } from '../../db/store';
import {
  insertConfigSet,
  listDataRouters,
  listDataSources,
  listEccServers,
  type ConfigSetFields,
} from '../../setup/queries';
import type { ConfigSetNames, DataLink, EccEndpoint } from '../gateway';

/** An ECC server as a step or a refresh needs it. */
export interface ServerTarget {
  id: number;
  name: string;
  experimentId: number;
  endpoint: EccEndpoint;
  /** The selected config set; null when none is selected. */
  configSet: ConfigSetNames | null;
  links: DataLink[];
  /** One of its data sources is the MuTAnT. */
  drivesMutant: boolean;
}

/** Every ECC server of an experiment with its endpoint, selected set and data links, by id. */
export function listServerTargets(store: Store, experimentId: number): ServerTarget[] {
  const routers = new Map(listDataRouters(store, experimentId).map((router) => [router.id, router]));
  const sources = listDataSources(store, experimentId);
  return listEccServers(store, experimentId).map((server) => {
    const own = sources.filter((source) => source.eccServerId === server.id);
    const links: DataLink[] = own.flatMap((source) => {
      const router = routers.get(source.dataRouterId);
      return router
        ? [
            {
              dataSender: source.name,
              routerName: router.name,
              routerAddress: router.address,
              routerPort: router.port,
              routerType: router.connectionType,
            },
          ]
        : [];
    });
    const selected = server.configSets.find((set) => set.selected);
    return {
      id: server.id,
      name: server.name,
      experimentId: server.experimentId,
      endpoint: { address: server.address, port: server.port, soapNamespace: server.soapNamespace },
      configSet: selected ? { describe: selected.describe, prepare: selected.prepare, configure: selected.configure } : null,
      links,
      drivesMutant: own.some((source) => isMutantSourceName(source.name)),
    };
  });
}

/** The ids of an experiment's ECC servers that drive a MuTAnT. */
export function mutantServerIds(store: Store, experimentId: number): Set<number> {
  return new Set(
    listDataSources(store, experimentId)
      .filter((source) => isMutantSourceName(source.name))
      .map((source) => source.eccServerId),
  );
}

/**
 * Stores the last known states of servers (id → state) in one transaction; writes, and announces
 * as `ecc_server_state`, only those that changed. Returns how many changed.
 */
export function saveEccServerStates(store: Store, states: ReadonlyMap<number, EccState>): number {
  if (states.size === 0) return 0;
  const read = store.db.prepare('SELECT state FROM ecc_server WHERE id = ?');
  const changed = [...states].filter(([id, state]) => {
    const row = read.get(id) as { state: number | null } | undefined;
    return row !== undefined && row.state !== ECC_STATES.indexOf(state);
  });
  if (changed.length === 0) return 0;
  store.write(['ecc_server_state'], () => {
    const update = store.db.prepare('UPDATE ecc_server SET state = ? WHERE id = ?');
    for (const [id, state] of changed) update.run(ECC_STATES.indexOf(state), id);
  });
  return changed.length;
}

const sameSet = (a: ConfigSetFields, b: ConfigSetFields) =>
  a.describe === b.describe && a.prepare === b.prepare && a.configure === b.configure;

/**
 * Makes a server's config sets those listed: adds new ones, removes vanished ones, keeps the
 * selection while its set is still listed. Returns what changed.
 */
export function replaceConfigSets(
  store: Store,
  eccServerId: number,
  listed: readonly ConfigSetFields[],
): { added: number; removed: number; selectionLost: ConfigSetFields | null } {
  return store.write(['config_set'], () => {
    const current = store.db
      .prepare('SELECT id, describe, prepare, configure, is_selected FROM config_set WHERE ecc_server_id = ?')
      .all(eccServerId) as (ConfigSetFields & { id: number; is_selected: number })[];
    const unique = listed.filter((set, i) => listed.findIndex((other) => sameSet(set, other)) === i);
    let removed = 0;
    let selectionLost: ConfigSetFields | null = null;
    for (const set of current) {
      if (unique.some((other) => sameSet(set, other))) continue;
      store.db.prepare('DELETE FROM config_set WHERE id = ?').run(set.id);
      removed++;
      if (set.is_selected === 1) selectionLost = { describe: set.describe, prepare: set.prepare, configure: set.configure };
    }
    let added = 0;
    for (const set of unique) {
      if (current.some((other) => sameSet(set, other))) continue;
      insertConfigSet(store, eccServerId, set, false);
      added++;
    }
    return { added, removed, selectionLost };
  });
}

export function findConfigSetOwner(store: Store, configSetId: number): number | undefined {
  const row = store.db.prepare('SELECT ecc_server_id FROM config_set WHERE id = ?').get(configSetId) as
    | { ecc_server_id: number }
    | undefined;
  return row?.ecc_server_id;
}

/** Makes one set the server's selected one. Call inside `store.write(['config_set'], …)`. */
export function selectConfigSet(store: Store, eccServerId: number, configSetId: number): void {
  // The old one is cleared first: the partial unique index allows one selected set per server.
  store.db.prepare('UPDATE config_set SET is_selected = 0 WHERE ecc_server_id = ? AND id <> ?').run(eccServerId, configSetId);
  store.db.prepare('UPDATE config_set SET is_selected = 1 WHERE id = ?').run(configSetId);
}
