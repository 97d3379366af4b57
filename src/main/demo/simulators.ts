// The demo's simulated hardware on 127.0.0.1: one simulated ECC server per CoBo and one for the
// MuTAnT (named as the easy setup names them), and one simulated worker computer reached over
// SSH that runs every getEccSoapServer and dataRouter process. Each data router writes `.graw`
// files while the ECC server of its data source is Running, so a demo run leaves files to
// organize, config files to back up and logs to read, exactly as real hardware would.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionType, EccState } from '../../shared/domain';
import { closeEccSimulators, startEccSimulator, type EccSimulator, type EccSimulatorOptions } from '../ecc/simulator';
import {
  logLine,
  generateEd25519KeyPair,
  publicKeyLine,
  startWorkerSimulator,
  type SimulatedDataRouter,
  type WorkerSimulator,
} from '../worker-node/simulator';

export interface DemoPorts {
  ecc: number[];
  ssh: number;
}

export interface DemoSimulatorOptions {
  /** Folder for the demo's files: host key, client key, the worker computer's sandbox; made if missing, reused if present (keys stay the same across restarts). */
  dir: string;
  /** Default 4. */
  cobos?: number;
  /** Default true. */
  mutant?: boolean;
  /** Ports to try first (those of the last run); any free port when one is taken or not given. */
  ports?: Partial<DemoPorts>;
  /** How often a running data router writes (default ~1 s); tests make it faster. */
  writeIntervalMs?: number;
  /**
   * The rate of the first data router, in bytes per second (default 100 kB/s); the next ones
   * write a quarter more each (DataRouter1 1.25 times it, …), so the demo's rate plot shows
   * one line per router.
   */
  bytesPerSecond?: number;
  /** How long a data router goes on writing after its ECC server stopped, as real ones empty their buffers (default 3 s). */
  drainMs?: number;
  /** How long every ECC step takes (default 400 ms: long enough to see the step under way). */
  stepMs?: number;
  /** Unexpected errors of the simulators (default console.error). */
  log?: (line: string) => void;
}

/** Virtual paths on the simulated computer. */
export interface DemoComponentPaths {
  logPath: string;
}

export interface DemoConfigSet {
  describe: string;
  prepare: string;
  configure: string;
}

export interface DemoEccServer extends DemoComponentPaths {
  name: string;
  port: number;
  drivesMutant: boolean;
  configRoot: string;
  configBackupRoot: string;
  /** The sets its GetConfigIDs lists; the three files of each are in configRoot. */
  configSets: DemoConfigSet[];
}

export interface DemoDataRouter extends DemoComponentPaths {
  name: string;
  port: number;
  connectionType: Extract<ConnectionType, 'TCP' | 'FDT'>;
  stagingDirectory: string;
}

/** Plain data (it crosses threads), except close(). */
export interface DemoSimulators {
  host: '127.0.0.1';
  ports: DemoPorts;
  /** How to reach the simulated worker computer: the application stores these as its SSH settings for 127.0.0.1. */
  ssh: { port: number; user: string; identityFile: string; hostKey: string };
  /** ECC0…ECC3 then ECC_mutant (names as the easy setup makes them), each a real simulator on 127.0.0.1:port. */
  eccServers: DemoEccServer[];
  /** DataRouter0…DataRouter3, DataRouter_mutant, each a simulated dataRouter process on the worker computer. */
  dataRouters: DemoDataRouter[];
  /** Data sources linking them: CoBo[0]…CoBo[3], Mutant[master]. */
  dataSources: { name: string; eccServer: string; dataRouter: string }[];
  /** The host folder that is `/` on the simulated computer. */
  sandbox: string;
  close(): Promise<void>;
}

/** The running simulators themselves, for tests and the command line: drive states, stop processes. */
export interface DemoHandles {
  eccServers: Map<string, EccSimulator>;
  worker: WorkerSimulator;
  dataRouters: Map<string, SimulatedDataRouter>;
}

export const DEMO_USER = 'daq';
const HOME = `/home/${DEMO_USER}`;
const HOST = '127.0.0.1';
/** Each data router on its own port, as several on one computer must be; only simulated, never bound. */
const FIRST_DATA_ROUTER_PORT = 46005;
/** A few seconds of writing after Stop: the after-stop organize job must wait for it. */
const DEFAULT_DRAIN_MS = 3_000;
/** 100 kB/s for the first router: a rate to see, not a disk to fill (five routers write about 2 GB an hour). */
const DEFAULT_BYTES_PER_SECOND = 100_000;
const DATA_ROUTER_PORT_STEP = 10;
const DESCRIBE_NAMES = ['demo'];
// In the order GetConfigIDs lists them (sorted).
const CONFIGURE_NAMES = ['beam', 'pulser'];
export const DEMO_CONFIG_SETS: DemoConfigSet[] = DESCRIBE_NAMES.flatMap((describe) =>
  CONFIGURE_NAMES.map((configure) => ({ describe, prepare: configure, configure })),
);

const HOST_KEY_FILE = 'ssh_host_ed25519_key';
const CLIENT_KEY_FILE = 'client_ed25519';
const SANDBOX_FOLDER = 'worker';

interface Plan {
  eccServers: (Omit<DemoEccServer, 'port'> & { dataSenders: string[] })[];
  dataRouters: (DemoDataRouter & { filePrefix: string })[];
  dataSources: DemoSimulators['dataSources'];
}

/** Names, links and paths of the demo, as the easy setup would make them (one ECC server per CoBo). */
function plan(cobos: number, mutant: boolean): Plan {
  const result: Plan = { eccServers: [], dataRouters: [], dataSources: [] };
  const add = (ecc: string, router: string, source: string, connectionType: 'TCP' | 'FDT', filePrefix: string): void => {
    const eccHome = `${HOME}/ecc/${ecc}`;
    result.eccServers.push({
      name: ecc,
      drivesMutant: connectionType === 'FDT',
      logPath: `${eccHome}/getEccSoapServer.log`,
      configRoot: `${eccHome}/config`,
      configBackupRoot: `${eccHome}/config-backup`,
      configSets: DEMO_CONFIG_SETS.map((set) => ({ ...set })),
      dataSenders: [source],
    });
    result.dataRouters.push({
      name: router,
      port: FIRST_DATA_ROUTER_PORT + DATA_ROUTER_PORT_STEP * result.dataRouters.length,
      connectionType,
      logPath: `${HOME}/log/${router}.log`,
      stagingDirectory: `${HOME}/data/${router}`,
      filePrefix,
    });
    result.dataSources.push({ name: source, eccServer: ecc, dataRouter: router });
  };
  for (let i = 0; i < cobos; i++) add(`ECC${i}`, `DataRouter${i}`, `CoBo[${i}]`, 'TCP', `CoBo${i}_AsAd0`);
  if (mutant) add('ECC_mutant', 'DataRouter_mutant', 'Mutant[master]', 'FDT', 'MuTanT');
  return result;
}

/** A key pair kept in `dir`: read when there, made (0600) when not. */
async function keyPair(dir: string, file: string, comment: string): Promise<{ path: string; privateKey: string; publicKey: string }> {
  const path = join(dir, file);
  let privateKey: string;
  try {
    privateKey = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const made = generateEd25519KeyPair(comment);
    privateKey = made.private;
    await writeFile(path, privateKey, { mode: 0o600, flag: 'wx' });
    await writeFile(`${path}.pub`, `${made.public}\n`, { mode: 0o644 });
  }
  // OpenSSH refuses a private key others can read; so would a careful operator.
  await chmod(path, 0o600);
  let publicKey: string;
  try {
    publicKey = publicKeyLine(privateKey);
  } catch (error) {
    throw new Error(`The demo key ${path} cannot be read (${error instanceof Error ? error.message : String(error)}); remove it to get a new one`);
  }
  return { path, privateKey, publicKey };
}

/** A config file's text: enough for a person to see which set and which boards it is for. */
function configFileText(kind: 'describe' | 'prepare' | 'configure', name: string, dataSenders: string[]): string {
  const boards = dataSenders.map((sender) => `    <DataSender id="${sender}"/>`).join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<!-- ${kind}-${name}.xcfg: a config file of the AT-TPC DAQ demo (simulated hardware, nothing is configured) -->\n` +
    `<Setup id="${kind}-${name}">\n  <Node id="demo">\n${boards}\n  </Node>\n</Setup>\n`
  );
}

/** Writes the files that are missing (an operator's edits to the others are kept). */
async function writeConfigFiles(worker: WorkerSimulator, server: Plan['eccServers'][number]): Promise<void> {
  const folder = worker.sandbox.hostPath(server.configRoot);
  await mkdir(folder, { recursive: true });
  await mkdir(worker.sandbox.hostPath(server.configBackupRoot), { recursive: true });
  const files = new Map<string, string>();
  for (const set of server.configSets) {
    files.set(`describe-${set.describe}.xcfg`, configFileText('describe', set.describe, server.dataSenders));
    files.set(`prepare-${set.prepare}.xcfg`, configFileText('prepare', set.prepare, server.dataSenders));
    files.set(`configure-${set.configure}.xcfg`, configFileText('configure', set.configure, server.dataSenders));
  }
  for (const [name, text] of files) {
    await writeFile(join(folder, name), text, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** Listens on the preferred port when it is free, else on any free one. */
async function onPreferredPort<T>(preferred: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  if (preferred !== undefined && Number.isInteger(preferred) && preferred > 0 && preferred <= 65535) {
    try {
      return await start(preferred);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    }
  }
  return start(0);
}

/** Starts the demo's simulators, with handles on each for tests and the command line. */
export async function startDemoSimulatorsWithHandles(options: DemoSimulatorOptions): Promise<{ simulators: DemoSimulators; handles: DemoHandles }> {
  const cobos = options.cobos ?? 4;
  if (!Number.isInteger(cobos) || cobos < 0 || cobos > 100) throw new Error(`The demo runs 0 to 100 CoBos, not ${cobos}`);
  const log = options.log ?? ((line: string) => console.error(line));
  const layout = plan(cobos, options.mutant ?? true);
  if (layout.eccServers.length === 0) throw new Error('The demo needs at least one CoBo or the MuTAnT');

  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const hostKey = await keyPair(options.dir, HOST_KEY_FILE, 'demo-worker-host');
  const clientKey = await keyPair(options.dir, CLIENT_KEY_FILE, 'demo-client');
  const sandboxRoot = join(options.dir, SANDBOX_FOLDER);
  await mkdir(sandboxRoot, { recursive: true });

  const eccServers = new Map<string, EccSimulator>();
  const dataRouters = new Map<string, SimulatedDataRouter>();
  let worker: WorkerSimulator | undefined;
  const closeAll = async (): Promise<void> => {
    const results = await Promise.allSettled([closeEccSimulators([...eccServers.values()]), worker?.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    const started = await onPreferredPort(options.ports?.ssh, (port) =>
      startWorkerSimulator({
        root: sandboxRoot,
        user: DEMO_USER,
        authorizedKeys: [clientKey.publicKey],
        hostKey: hostKey.privateKey,
        host: HOST,
        port,
        home: HOME,
        log,
      }),
    );
    worker = started;
    await mkdir(started.sandbox.hostPath(HOME), { recursive: true });

    for (const [index, router] of layout.dataRouters.entries()) {
      dataRouters.set(
        router.name,
        await started.addDataRouter({
          name: router.name,
          port: router.port,
          stagingDirectory: router.stagingDirectory,
          logPath: router.logPath,
          filePrefix: router.filePrefix,
          args: `/opt/get/bin/dataRouter --ip ${HOST} --port ${router.port} --type ${router.connectionType}`,
          ...(options.writeIntervalMs !== undefined ? { writeIntervalMs: options.writeIntervalMs } : {}),
          drainMs: options.drainMs ?? DEFAULT_DRAIN_MS,
          bytesPerSecond: (options.bytesPerSecond ?? DEFAULT_BYTES_PER_SECOND) * (1 + index / 4),
        }),
      );
    }

    const eccPorts = options.ports?.ecc ?? [];
    for (const [index, server] of layout.eccServers.entries()) {
      await writeConfigFiles(started, server);
      const routers = layout.dataSources.filter((s) => s.eccServer === server.name).map((s) => dataRouters.get(s.dataRouter)!);
      const onStateChange = (state: EccState, previous: EccState): void => {
        // Data flows only while Running; a Pause or a Stop ends the series of files.
        if (state === 'Running') for (const router of routers) router.startRun();
        else if (previous === 'Running') for (const router of routers) router.stopRun().catch((error: unknown) => log(`[demo] ${router.name}: ${String(error)}`));
        started.appendFile(server.logPath, logLine('getEccSoapServer', `state ${previous} -> ${state}`)).catch((error: unknown) => log(`[demo] ${server.name} log: ${String(error)}`));
      };
      const eccOptions: EccSimulatorOptions = {
        host: HOST,
        stepMs: options.stepMs ?? 400,
        configDir: started.sandbox.hostPath(server.configRoot),
        dataSenders: server.dataSenders,
        log,
        onStateChange,
      };
      const simulator = await onPreferredPort(eccPorts[index], (port) => startEccSimulator({ ...eccOptions, port }));
      eccServers.set(server.name, simulator);
      started.startProcess({ args: `/opt/get/bin/getEccSoapServer --port ${simulator.port}`, cwd: `${HOME}/ecc/${server.name}`, listenPorts: [simulator.port] });
      await started.appendFile(server.logPath, logLine('getEccSoapServer', `started, listening on ${HOST}:${simulator.port}, state ${simulator.state}`));
    }

    const ports: DemoPorts = { ecc: layout.eccServers.map((s) => eccServers.get(s.name)!.port), ssh: started.port };
    const simulators: DemoSimulators = {
      host: HOST,
      ports,
      ssh: { port: started.port, user: DEMO_USER, identityFile: clientKey.path, hostKey: started.hostPublicKey },
      eccServers: layout.eccServers.map(({ dataSenders: _senders, ...server }) => ({ ...server, port: eccServers.get(server.name)!.port })),
      dataRouters: layout.dataRouters.map(({ filePrefix: _prefix, ...router }) => router),
      dataSources: layout.dataSources,
      sandbox: started.sandbox.root,
      close: closeAll,
    };
    return { simulators, handles: { eccServers, worker: started, dataRouters } };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/** Starts the demo's simulators; resolves once every one listens. */
export async function startDemoSimulators(options: DemoSimulatorOptions): Promise<DemoSimulators> {
  return (await startDemoSimulatorsWithHandles(options)).simulators;
}
