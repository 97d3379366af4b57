// The data flow of the current run (runs/data-flow.ts): its status and its rate plot, both
// pushed to subscribers at every round of readings.
import type { DataFlowPlot, DataFlowStatus } from '../../shared/api/contract';
import { defineHandlers } from '../api/handler';
import { readSettings } from '../settings/queries';
import type { DataFlow } from './data-flow';

const NO_PLOT: DataFlowPlot = { runId: null, runNumber: null, seconds: [], routers: [], roundsPerPoint: 1 };

export function dataFlowHandlers(flow: DataFlow | null) {
  return defineHandlers({
    'dataFlow.status': {
      reads: ['data_flow', 'workers_status', 'experiment', 'data_router', 'run', 'app_setting'],
      run: (_input, { store }): DataFlowStatus =>
        flow
          ? flow.status()
          : {
              experimentId: null,
              run: null,
              at: new Date().toISOString(),
              everySeconds: readSettings(store).dataFlowSeconds,
              routers: [],
              total: { files: 0, bytes: 0, runFiles: 0, runBytes: 0, rateMBps: null, currentRouters: 0, routers: 0 },
            },
    },
    'dataFlow.plot': {
      reads: ['data_flow'],
      run: () => (flow ? flow.plot() : NO_PLOT),
    },
  });
}
