// The application without its windows: the data directory, its one-instance lock, the API
// token, the database and the API service over it. Electron and the browser-interface server
// both start from here, so everything below the transports is testable in plain Node.
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AlarmEngine, type AlarmNotifier } from '../alarms/engine';
import { dataFlowAlarmSource } from '../alarms/data-flow-source';
import { ApiService } from '../api/service';
import { createHandlers } from '../api/handlers';
import { Store } from '../db/store';
import { Demo } from '../demo/demo';
import { EccControl, type EccControlOptions } from '../ecc/control/control';
import { EccStatusBoard } from '../ecc/control/status';
import type { EccGateway } from '../ecc/gateway';
import { DEFAULT_GET_STATE_LIMITS, createEccGateway, type EccGatewayOptions } from '../ecc/pool';
import { electronNativeBinding } from '../native';
import { ConfigFileReadings } from '../runs/config-files';
import { DataFlow } from '../runs/data-flow';
import { RunControl } from '../runs/run-control';
import { RunPlanner, type RunPlannerOptions } from '../runs/run-plan';
import { DataRouterCleanliness } from '../runs/routers';
import { JobRunner, type JobRunnerOptions } from '../runs/job-runner';
import { LeftoverFiles } from '../runs/leftovers';
import { AlarmScheduler, type AlarmScheduleOptions } from '../schedule/alarm-scheduler';
import { RunVerifier } from '../runs/manifests';
import { RunComparer } from '../runs/compare';
import { DataFlowScheduler, type DataFlowScheduleOptions } from '../schedule/data-flow-scheduler';
import { EccScheduler, type ScheduleOptions } from '../schedule/scheduler';
import { RunPlanScheduler, type RunPlanScheduleOptions } from '../schedule/run-plan-scheduler';
import { SshScheduler, type SshScheduleOptions } from '../schedule/ssh-scheduler';
import { WorkerChecks } from '../worker-node/checks';
import { hostOverrides } from '../worker-node/hosts';
import { RemoteLogs, type RemoteLogOptions } from '../worker-node/remote-logs';
import { createSshGateway, type SshGateway, type SshGatewayOptions } from '../worker-node/ssh-pool';
import type { SshConnectSettings } from '../worker-node/ssh-worker';
import { listEccServers } from '../setup/queries';
import { settlesWithin } from '../time';
import { lockDataDir } from './lock';
import { appVersion } from './paths';
import { MonitorListener, type MonitorOptions } from './monitor';
import { readOrCreateToken } from './token';

export const DATABASE_FILE = 'daq.sqlite';
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

export interface ApplicationOptions {
  dataDir: string;
  /** Every caller of every transport is read-only: the application can watch but not change anything. */
  readOnly?: boolean;
  /**
   * How long closing waits for work under way before it closes the database anyway (default
   * 10 s: a refresh round's hard limit). A hung peer never keeps the application from quitting.
   */
  closeTimeoutMs?: number;
  /** better-sqlite3's addon; by default Electron's build inside Electron, node_modules' build in Node. */
  nativeBinding?: string;
  /** The read-only monitor listener: what it serves, and serve mode's command-line choice. */
  monitor?: Pick<MonitorOptions, 'staticDir' | 'commandLine' | 'heartbeatMs'>;
  /** ECC control: the gateway's limits and threads, how steps are followed, the schedule. */
  ecc?: {
    gateway?: EccGatewayOptions;
    control?: EccControlOptions;
    /** `false`: no timer (tests that drive the rounds themselves). */
    schedule?: ScheduleOptions | false;
  };
  /** The worker computers over SSH: how to reach them, the gateway's limits, the jobs, the schedule. */
  ssh?: {
    /** ~/.ssh/config and known_hosts files (the data directory's known_hosts is always the one trusted keys go to). */
    connect?: Omit<SshConnectSettings, 'dataDir'>;
    gateway?: Omit<SshGatewayOptions, 'connect'>;
    jobs?: JobRunnerOptions;
    /** `false`: no checks and no after-stop jobs run by themselves (tests that drive them). */
    schedule?: SshScheduleOptions | false;
    /** The data flow's reads during a run (default: they run when the SSH schedule does; `false`: never by themselves). */
    dataFlow?: DataFlowScheduleOptions | false;
    remoteLogs?: RemoteLogOptions;
  };
  /** Timed and repeated runs: how long a cycle waits for the next start, and the plan's schedule (`false`: tests that drive it). */
  runPlan?: RunPlannerOptions & { schedule?: RunPlanScheduleOptions | false };
  /** The alarm rules' rounds, and the desktop notification of a new alarm (Electron's, given by src/main/index.ts). */
  alarms?: {
    /** `false`: no rounds by themselves (tests that judge the rules themselves). */
    schedule?: AlarmScheduleOptions | false;
    notify?: AlarmNotifier;
  };
}

export interface Application {
  readonly dataDir: string;
  readonly readOnly: boolean;
  readonly version: string;
  readonly token: string;
  readonly store: Store;
  readonly service: ApiService;
  readonly ecc: EccControl;
  readonly runs: RunControl;
  readonly scheduler: EccScheduler;
  readonly workers: WorkerChecks;
  readonly jobs: JobRunner;
  readonly sshScheduler: SshScheduler;
  /** The data flow of the current run: each staging folder read every `dataFlowSeconds`. */
  readonly dataFlow: DataFlow;
  readonly dataFlowScheduler: DataFlowScheduler;
  readonly remoteLogs: RemoteLogs;
  readonly demo: Demo;
  /** The read-only monitors' listener (open when its setting, or serve mode's command line, says so). */
  readonly monitor: MonitorListener;
  /** The alarm rules over what the application knows; `alarms.connectDataFlow` wires the data flow in. */
  readonly alarms: AlarmEngine;
  readonly alarmScheduler: AlarmScheduler;
  /** Timed and repeated runs (runs.startAll with a plan), followed every second. */
  readonly planner: RunPlanner;
  readonly runPlanScheduler: RunPlanScheduler;
  /**
   * Stops the schedules, refuses new requests, waits for the work under way (refresh rounds,
   * steps and operations, SSH checks, after-stop jobs, remote log reads) for at most
   * `closeTimeoutMs`, then closes the service and the database and releases the data directory.
   * Resolves once the database is closed; the ECC and SSH worker threads end after (`closed`).
   * Work still under way at the bound writes nothing when its answer comes. Safe to call twice.
   */
  close(): Promise<void>;
  /** Resolves once close() has ended everything, the ECC and SSH worker threads included. */
  readonly closed: Promise<void>;
}

/** Opens the application on a data directory; throws DataDirLockedError while another instance uses it. */
export function openApplication(options: ApplicationOptions): Application {
  const dataDir = resolve(options.dataDir);
  // Private from the start: it holds the API token. An existing folder is left as it is.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!statSync(dataDir).isDirectory()) throw new Error(`${dataDir} is not a directory`);
  const nativeBinding = options.nativeBinding ?? electronNativeBinding();
  const lock = lockDataDir(dataDir, nativeBinding ? { nativeBinding } : {});
  let store: Store | undefined;
  let gateway: EccGateway | undefined;
  let sshGateway: SshGateway | undefined;
  try {
    const token = readOrCreateToken(dataDir);
    store = new Store(join(dataDir, DATABASE_FILE), nativeBinding ? { nativeBinding } : {});
    const version = appVersion();
    const openedStore = store;
    // The service is made after the control it serves (which announces its live status through
    // the service, never before the service exists: nothing runs until the schedule starts).
    const announce = () => openedService.invalidate(['ecc_status']);
    const announceWorkers = () => openedService.invalidate(['workers_status']);
    gateway = createEccGateway(options.ecc?.gateway ?? {});
    const openedGateway = gateway;
    const ecc = new EccControl(openedStore, openedGateway, new EccStatusBoard(announce), options.ecc?.control ?? {});
    // Shown by both runs.status (with the live ECC status) and workers.status.
    const routers = new DataRouterCleanliness(() => openedService.invalidate(['ecc_status', 'workers_status']));
    const announceChecklist = () => openedService.invalidate(['checklist_overrides']);
    // Made before the SSH gateway it reads through, which exists by the first read (the schedule starts below).
    const configFiles = new ConfigFileReadings(openedStore, { hashConfigFiles: (...args) => openedSshGateway.hashConfigFiles(...args) }, (address) => host(address), announceChecklist);
    const runs = new RunControl(openedStore, ecc, routers, () => workers.status(), announceChecklist, configFiles, (runId) => dataFlow.figuresAtStop(runId));
    // A Start all or Stop all the previous process did not live to finish is said at once (the
    // live states it is shown with come with the first refresh round).
    runs.journal.markInterrupted();
    const scheduler = new EccScheduler(openedStore, ecc, options.ecc?.schedule || {});
    sshGateway = createSshGateway({ ...options.ssh?.gateway, connect: { ...options.ssh?.connect, dataDir } });
    const openedSshGateway = sshGateway;
    // A worker computer is named by its address: ~/.ssh/config says as whom and on which port,
    // unless the application's own settings for that address say otherwise.
    const host = (address: string) => ({ alias: address, overrides: hostOverrides(openedStore, address) });
    const workers = new WorkerChecks(openedStore, openedSshGateway, host, routers, announceWorkers);
    const dataFlow = new DataFlow(openedStore, openedSshGateway, host, () => workers.status(), () => openedService.invalidate(['data_flow']));
    const dataFlowScheduler = new DataFlowScheduler(openedStore, dataFlow, options.ssh?.dataFlow || {});
    const jobs = new JobRunner(openedStore, openedSshGateway, host, routers, options.ssh?.jobs ?? {}, () => openedService.invalidate(['job_phase']));
    const leftovers = new LeftoverFiles(openedStore, openedSshGateway, host, routers);
    const verifier = new RunVerifier(openedStore, openedSshGateway, host, () => openedService.invalidate(['run_verify']), options.ssh?.jobs?.checksumBatch ? { batch: options.ssh.jobs.checksumBatch } : {});
    const comparer = new RunComparer(openedStore, openedSshGateway, host);
    const sshScheduler = new SshScheduler(openedStore, workers, jobs, options.ssh?.schedule || {}, configFiles);
    const demo = new Demo(openedStore, dataDir, () => openedService.invalidate(['demo_status']));
    const eccRoundLimitMs = (options.ecc?.gateway?.getStateLimits ?? DEFAULT_GET_STATE_LIMITS).hardMs;
    const alarms = new AlarmEngine(
      openedStore,
      {
        ecc,
        workers: () => workers.status(),
        jobAttempts: () => jobs.attemptsAllowed,
        checks: () => [
          { key: 'ecc-state-checks', name: 'ECC state checks', roundLimitMs: eccRoundLimitMs, ...scheduler.heartbeat },
          { key: 'ssh-checks', name: 'SSH checks of the worker computers', roundLimitMs: openedSshGateway.checkLimits.hardMs, ...sshScheduler.heartbeat },
        ],
      },
      options.alarms?.notify,
    );
    alarms.connectDataFlow(dataFlowAlarmSource(dataFlow));
    const alarmScheduler = new AlarmScheduler(openedStore, alarms, options.alarms?.schedule || {});
    const planner = new RunPlanner(openedStore, runs, ecc, () => dataFlow.written(), () => openedService.invalidate(['run_plan']), options.runPlan ?? {});
    const runPlanScheduler = new RunPlanScheduler(openedStore, planner, options.runPlan?.schedule || {});
    const remoteLogs = new RemoteLogs(openedStore, openedSshGateway, host, () => openedService.invalidate(['remote_logs']), options.ssh?.remoteLogs);
    // The monitors are served the service made just below (it is read only when they open).
    const monitor: MonitorListener = new MonitorListener({
      ...options.monitor,
      dataDir,
      store: openedStore,
      service: (): ApiService => openedService,
      onChange: () => openedService.invalidate(['monitor_status']),
    });
    const openedService = new ApiService({
      store: openedStore,
      handlers: createHandlers({
        ecc,
        runs,
        jobs,
        leftovers,
        verifier,
        comparer,
        planner,
        workers,
        dataFlow,
        remoteLogs,
        demo,
        onHostTrusted: () => void sshScheduler.checkRound(),
        // The operator's first look at the demo: its config sets listed (its computers are
        // checked at once too: the SSH schedule follows the change of experiment).
        onDemoCreated: (experimentId) => {
          for (const server of listEccServers(openedStore, experimentId)) ecc.requestConfigSetsRefresh(server.id);
        },
        monitor,
      }),
      app: { version, dataDir },
    });
    // The demo's simulators run while it is the active experiment.
    void demo.resume();
    void monitor.open();
    if (options.ecc?.schedule !== false) scheduler.start();
    if (options.ssh?.schedule !== false) sshScheduler.start();
    if (options.alarms?.schedule !== false) alarmScheduler.start();
    if (options.runPlan?.schedule !== false) runPlanScheduler.start();
    if (options.ssh?.dataFlow !== undefined ? options.ssh.dataFlow !== false : options.ssh?.schedule !== false) dataFlowScheduler.start();
    let closing: Promise<void> | undefined;
    let markClosed!: () => void;
    const whenClosed = new Promise<void>((resolve) => (markClosed = resolve));
    const closeTimeoutMs = Math.max(0, options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    const close = async (): Promise<void> => {
      try {
        // Nothing new starts: no timer, no subscription, no request (ECC control refuses them).
        const monitorClosed = monitor.close();
        scheduler.stop();
        sshScheduler.stop();
        alarmScheduler.stop();
        runPlanScheduler.stop();
        dataFlowScheduler.stop();
        openedService.close();
        ecc.beginClose();
        jobs.stop();
        leftovers.close();
        verifier.close();
        const remoteReads = remoteLogs.idle();
        remoteLogs.close();
        // The work under way ends within its own time limits; what it found is written.
        const inFlight = Promise.allSettled([monitorClosed, scheduler.idle(), sshScheduler.idle(), alarmScheduler.idle(), dataFlowScheduler.idle(), dataFlow.idle(), ecc.idle(), workers.idle(), jobs.idle(), verifier.idle(), remoteReads]);
        if (!(await settlesWithin(inFlight, closeTimeoutMs))) {
          console.warn(`Closing: work under way after ${closeTimeoutMs} ms is abandoned (it writes nothing when it ends)`);
        }
      } finally {
        // From here on, answers that come late write nothing; then the database closes.
        try {
          alarms.close();
          planner.close();
          workers.close();
          configFiles.close();
          dataFlow.close();
          jobs.close();
          ecc.close();
          openedStore.close();
        } finally {
          lock.release();
          void Promise.allSettled([openedGateway.close(), openedSshGateway.close(), demo.close()]).then(markClosed);
        }
      }
    };
    return {
      dataDir,
      readOnly: options.readOnly ?? false,
      version,
      token,
      store: openedStore,
      service: openedService,
      ecc,
      runs,
      scheduler,
      workers,
      jobs,
      sshScheduler,
      dataFlow,
      dataFlowScheduler,
      remoteLogs,
      demo,
      monitor,
      alarms,
      alarmScheduler,
      planner,
      runPlanScheduler,
      closed: whenClosed,
      close() {
        closing ??= close();
        return closing;
      },
    };
  } catch (error) {
    void gateway?.close();
    void sshGateway?.close();
    store?.close();
    lock.release();
    throw error;
  }
}
