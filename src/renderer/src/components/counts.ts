// Counts in words, as every view writes them: `1 data router`, `3 data routers`.

/** `512 B`, `3.4 KiB`, `1.2 MiB`, `1.0 GiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

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
