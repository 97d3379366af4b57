// Counts in words, as every view writes them: `1 data router`, `3 data routers`.

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

interface SetupLists {
  eccServers: readonly unknown[];
  dataRouters: readonly unknown[];
  dataSources: readonly unknown[];
}

/** What a setup (or a setup file) holds: `5 ECC servers, 5 data routers, 5 data sources`. */
export function setupCounts(setup: SetupLists): string {
  return [
    plural(setup.eccServers.length, 'ECC server'),
    plural(setup.dataRouters.length, 'data router'),
    plural(setup.dataSources.length, 'data source'),
  ].join(', ');
}
