// The demo experiment (issue: "npm start on an empty database offers a demo"): four CoBos and a
// MuTAnT on simulators that the application itself runs on loopback, in a worker thread. The
// first `demo.create` makes the experiment, its setup and the SSH settings that reach the
// simulated worker computer (whose host key the application generated, so trusting it is no
// leap of faith). The simulators run while the demo is the active experiment: started again when
// the application starts with it active or when it is made active, on the same ports when they
// are free (the setup follows them when they moved), and stopped when another experiment is
// made active.
import { join } from 'node:path';
import type { DemoStatus } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_SOAP_NAMESPACE, type Experiment } from '../../shared/domain';
import { resolveWorkerFile, startWorkerThread, type WorkerFile } from '../app/worker-file';
import type { Store } from '../db/store';
import {
  assertExperimentQuiet,
  findActiveExperiment,
  findExperiment,
  findExperimentByName,
  insertExperiment,
  switchActiveExperiment,
} from '../experiments/queries';
import { insertLogEntry } from '../log/queries';
import { replaceSetup } from '../setup/document';
import { listEccServers, updateEccServer } from '../setup/queries';
import { nowIso } from '../time';
import { getSshHost, setSshHost } from '../worker-node/hosts';
import { appKnownHostsFile, trustHostKey } from '../worker-node/known-hosts';
import type { DemoThreadMessage } from './demo-thread';
import type { DemoPorts, DemoSimulatorOptions, DemoSimulators } from './simulators';

export const DEMO_EXPERIMENT_NAME = 'demo';

export type DemoDescription = Omit<DemoSimulators, 'close'>;

interface RunningDemo {
  simulators: DemoDescription;
  close(): Promise<void>;
}

interface DemoRow {
  experiment_id: number;
  ports: string;
}

/** The demo's worker module: demo-thread.ts from the sources, else `demo-worker.js` next to the bundle. */
export function resolveDemoWorker(moduleUrl: string = import.meta.url): WorkerFile {
  return resolveWorkerFile(moduleUrl, 'demo-thread.ts', 'demo-worker.js');
}

/** Starts the simulators in a worker thread; resolves once they listen. */
export function launchInThread(options: DemoSimulatorOptions): Promise<RunningDemo> {
  const worker = startWorkerThread(resolveDemoWorker(), { workerData: options });
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    worker.once('error', failed);
    worker.once('exit', (code) => reject(new Error(`The demo's simulator thread ended (exit code ${code}) before they started`)));
    worker.once('message', (message: DemoThreadMessage) => {
      if (message.type === 'failed') {
        void worker.terminate();
        reject(new Error(message.message));
        return;
      }
      if (message.type !== 'started') return;
      worker.removeAllListeners('exit');
      worker.off('error', failed);
      worker.on('error', (error) => console.error('The demo simulators failed:', error));
      let closing: Promise<void> | undefined;
      resolve({
        simulators: message.simulators,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            const timer = setTimeout(() => void worker.terminate().then(() => done()), 5_000);
            worker.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            worker.postMessage({ type: 'close' });
          })),
      });
    });
  });
}

export class Demo {
  private running: RunningDemo | undefined;
  private starting: Promise<DemoDescription> | undefined;
  private stopping: Promise<void> | undefined;
  private problem: string | null = null;
  private closed = false;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
    private readonly announce: () => void,
  ) {}

  private row(): DemoRow | undefined {
    return this.store.db.prepare<[], DemoRow>('SELECT experiment_id, ports FROM demo WHERE id = 1').get();
  }

  status(): DemoStatus {
    return {
      experimentId: this.row()?.experiment_id ?? null,
      running: this.running !== undefined,
      problem: this.problem,
      workerRoot: this.running?.simulators.sandbox ?? null,
    };
  }

  /** The simulators, started once (a second caller waits for the first start). */
  private start(preferred: Partial<DemoPorts>): Promise<DemoDescription> {
    if (this.running) return Promise.resolve(this.running.simulators);
    this.starting ??= (this.stopping ?? Promise.resolve())
      .then(() => launchInThread({ dir: join(this.dataDir, 'demo'), ports: preferred }))
      .then(
        async (started) => {
          if (this.closed) {
            await started.close();
            throw new Error('The application is closing');
          }
          this.running = started;
          this.problem = null;
          return started.simulators;
        },
        (error: unknown) => {
          this.problem = error instanceof Error ? error.message : String(error);
          throw error;
        },
      )
      .finally(() => {
        this.starting = undefined;
        this.announce();
      });
    return this.starting;
  }

  /**
   * At application start, and after every change of the active experiment: the simulators run
   * while the demo is the active experiment, and only then. Resolves once they run or stopped.
   */
  async resume(): Promise<void> {
    this.stopWatching ??= this.store.onChange((tables) => {
      if (tables.includes('experiment')) void this.resume();
    });
    const row = this.row();
    if (this.closed) return;
    if (this.starting) {
      // A start under way (demo.create's, or one asked for a moment ago) is left to finish.
      await this.starting.catch(() => undefined);
      return;
    }
    if (!row || findActiveExperiment(this.store)?.id !== row.experiment_id) {
      await this.stop();
      return;
    }
    if (this.running) return;
    try {
      const simulators = await this.start(JSON.parse(row.ports) as Partial<DemoPorts>);
      if (!this.closed) this.follow(row.experiment_id, simulators);
    } catch (error) {
      console.error('The demo simulators did not start:', error);
    }
  }

  /** Stops the simulators (another experiment is active now). */
  private async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    this.stopping = running.close().finally(() => {
      this.stopping = undefined;
      this.announce();
    });
    await this.stopping;
  }

  /** Points the demo's setup and SSH settings at where the simulators run now; writes only what differs. */
  private follow(experimentId: number, simulators: DemoDescription): void {
    this.trust(simulators);
    const byName = new Map(simulators.eccServers.map((server) => [server.name, server.port]));
    const moved = listEccServers(this.store, experimentId).filter((server) => {
      const port = byName.get(server.name);
      return port !== undefined && port !== server.port;
    });
    const ssh = getSshHost(this.store, simulators.host);
    const sshChanged =
      !ssh || ssh.user !== simulators.ssh.user || ssh.port !== simulators.ssh.port || ssh.identityFile !== simulators.ssh.identityFile;
    const ports = JSON.stringify(simulators.ports);
    if (moved.length === 0 && !sshChanged && this.row()?.ports === ports) return;
    this.store.write(['demo', ...(moved.length > 0 ? (['ecc_server'] as const) : []), ...(sshChanged ? (['ssh_host'] as const) : [])], () => {
      for (const server of moved) {
        const { name, address, logPath, configRoot, configBackupRoot, soapNamespace } = server;
        updateEccServer(this.store, server.id, { name, address, port: byName.get(name) as number, logPath, configRoot, configBackupRoot, soapNamespace });
      }
      if (sshChanged) this.saveSsh(simulators);
      this.store.db.prepare('UPDATE demo SET ports = ? WHERE id = 1').run(ports);
    });
  }

  private saveSsh(simulators: DemoDescription): void {
    setSshHost(this.store, { host: simulators.host, user: simulators.ssh.user, port: simulators.ssh.port, identityFile: simulators.ssh.identityFile });
  }

  private trust(simulators: DemoDescription): void {
    const key = Buffer.from(simulators.ssh.hostKey.split(' ')[1] ?? '', 'base64');
    trustHostKey(appKnownHostsFile(this.dataDir), simulators.host, simulators.ssh.port, key, { replace: true });
  }

  /** `demo.create`: the demo experiment, made the first time, active, its simulators running. */
  async create(): Promise<Experiment> {
    const active = findActiveExperiment(this.store);
    const row = this.row();
    if (active && active.id !== row?.experiment_id) assertExperimentQuiet(this.store, active, 'Cannot switch to the demo');
    if (!row) {
      const taken = findExperimentByName(this.store, DEMO_EXPERIMENT_NAME);
      if (taken) throw new ApiError('CONFLICT', `An experiment named "${DEMO_EXPERIMENT_NAME}" exists and is not the demo: rename it first`);
    }
    const simulators = await this.start(row ? (JSON.parse(row.ports) as Partial<DemoPorts>) : {});
    if (row) {
      this.follow(row.experiment_id, simulators);
      return this.activate(row.experiment_id);
    }
    this.trust(simulators);
    const id = this.store.write(['experiment', 'ecc_server', 'config_set', 'data_router', 'data_source', 'observable', 'ssh_host', 'demo'], () => {
      // Checked again inside the transaction: the simulators took a moment to start.
      if (findExperimentByName(this.store, DEMO_EXPERIMENT_NAME)) throw new ApiError('CONFLICT', `An experiment named "${DEMO_EXPERIMENT_NAME}" already exists`);
      const experimentId = insertExperiment(this.store, DEMO_EXPERIMENT_NAME);
      const experiment = findExperiment(this.store, experimentId)!;
      switchActiveExperiment(this.store, experiment, 'Cannot switch to the demo');
      replaceSetup(this.store, experiment, {
        eccServers: simulators.eccServers.map((server) => ({
          name: server.name,
          address: simulators.host,
          port: server.port,
          logPath: server.logPath,
          configRoot: server.configRoot,
          configBackupRoot: server.configBackupRoot,
          soapNamespace: DEFAULT_SOAP_NAMESPACE,
          selectedConfigSet: null,
        })),
        dataRouters: simulators.dataRouters.map((router) => ({
          name: router.name,
          address: simulators.host,
          port: router.port,
          connectionType: router.connectionType,
          logPath: router.logPath,
        })),
        dataSources: simulators.dataSources,
        observables: [
          { name: 'Beam energy', valueType: 'float', units: 'MeV/u', comment: '' },
          { name: 'Target pressure', valueType: 'float', units: 'torr', comment: '' },
          { name: 'Trigger rate', valueType: 'integer', units: 'Hz', comment: '' },
        ],
      });
      this.saveSsh(simulators);
      this.store.db.prepare('INSERT INTO demo (id, experiment_id, ports, created_at) VALUES (1, ?, ?, ?)').run(experimentId, JSON.stringify(simulators.ports), nowIso());
      return experimentId;
    });
    insertLogEntry(this.store, {
      experimentId: id,
      level: 'info',
      source: 'demo',
      message: `The demo runs on this computer: ${simulators.eccServers.length} simulated ECC servers and a simulated worker computer (SSH on ${simulators.host}:${simulators.ssh.port})`,
    });
    return findExperiment(this.store, id)!;
  }

  private activate(experimentId: number): Experiment {
    return this.store.write(['experiment'], () => {
      const experiment = findExperiment(this.store, experimentId)!;
      switchActiveExperiment(this.store, experiment, 'Cannot switch to the demo');
      return experiment;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching?.();
    const running = this.running;
    this.running = undefined;
    await this.starting?.catch(() => undefined);
    await running?.close();
  }
}
