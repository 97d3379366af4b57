// Every operation of the contract, implemented: the map both transports serve.
import { alarmHandlers } from '../alarms/handlers';
import type { Demo } from '../demo/demo';
import { demoHandlers } from '../demo/handlers';
import { eccControlHandlers } from '../ecc/control/handlers';
import type { EccControl } from '../ecc/control/control';
import { experimentHandlers } from '../experiments/handlers';
import { logHandlers } from '../log/handlers';
import { noteHandlers } from '../notes/handlers';
import type { DataFlow } from '../runs/data-flow';
import { dataFlowHandlers } from '../runs/data-flow-handlers';
import type { JobRunner } from '../runs/job-runner';
import type { LeftoverFiles } from '../runs/leftovers';
import type { RunComparer } from '../runs/compare';
import type { RunVerifier } from '../runs/manifests';
import type { RunControl } from '../runs/run-control';
import type { RunPlanner } from '../runs/run-plan';
import { runControlHandlers } from '../runs/handlers';
import { runSheetHandlers } from '../runsheet/handlers';
import { settingsHandlers } from '../settings/handlers';
import { setupHandlers } from '../setup/handlers';
import type { WorkerChecks } from '../worker-node/checks';
import type { RemoteLogs } from '../worker-node/remote-logs';
import { workerHandlers } from '../worker-node/handlers';
import { remoteLogHandlers } from '../worker-node/remote-log-handlers';
import { appHandlers } from './app-handlers';
import type { Handlers } from './handler';
import { monitorHandlers, type MonitorControl } from './monitor-handlers';

/** What the operations that drive the hardware act through (made by openApplication). */
export interface ControlServices {
  ecc: EccControl;
  runs: RunControl;
  /** The after-stop jobs (their phases; absent: none shown). */
  jobs?: JobRunner;
  /** Moving leftover files aside over SSH (absent: refused). */
  leftovers?: LeftoverFiles;
  /** Verifying runs' files against their manifests over SSH (absent: refused). */
  verifier?: RunVerifier;
  /** Reading two runs' config backups over SSH to compare them (absent: their diffs say so). */
  comparer?: RunComparer;
  /** Timed and repeated runs (absent: Start all takes no plan). */
  planner?: RunPlanner;
  /** The data flow of the current run (absent: `dataFlow.status` answers no run read). */
  dataFlow?: DataFlow;
  /** The SSH checks of the worker computers (absent: `workers.status` answers nothing checked). */
  workers?: WorkerChecks;
  /** Called once a host key is trusted (a new round of checks). */
  onHostTrusted?: () => void;
  /** Remote log files over SSH (absent: refused). */
  remoteLogs?: RemoteLogs;
  /** The demo's simulators (absent: the demo is refused). */
  demo?: Demo;
  /** Called once the demo experiment is active (its config sets are read, its computers checked). */
  onDemoCreated?: (experimentId: number) => void;
  /** The read-only monitor listener (absent: refused). */
  monitor?: MonitorControl;
}

/** The map over the control services; without them, the operations that need them are refused. */
export function createHandlers(services: ControlServices | null): Handlers {
  return {
    ...appHandlers,
    ...experimentHandlers,
    ...setupHandlers,
    ...runSheetHandlers,
    ...logHandlers,
    ...noteHandlers,
    ...alarmHandlers,
    ...settingsHandlers(),
    ...eccControlHandlers(services?.ecc ?? null),
    ...runControlHandlers(services?.runs ?? null, services?.jobs ?? null, services?.leftovers ?? null, services?.verifier ?? null, services?.planner ?? null, services?.comparer ?? null),
    ...dataFlowHandlers(services?.dataFlow ?? null),
    ...workerHandlers(services?.workers ?? null, services?.onHostTrusted),
    ...remoteLogHandlers(services?.remoteLogs ?? null),
    ...demoHandlers(services?.demo ?? null, services?.onDemoCreated),
    ...monitorHandlers(services?.monitor ?? null),
  };
}

/** The map of a bare API over a database, without ECC control (tests of the other capabilities). */
export const handlers: Handlers = createHandlers(null);
