// The data flow's readings as the zero-rate and time-to-full rules read them: from the status the
// Status view shows (in memory; the rules ask every second), only while a run goes.
import type { DataFlow } from '../runs/data-flow';
import type { DataFlowSource } from './engine';

export function dataFlowAlarmSource(flow: Pick<DataFlow, 'status'>): DataFlowSource {
  return {
    readings: () =>
      flow.status().routers.flatMap((router) =>
        router.readAt === null
          ? []
          : [{ routerId: router.id, name: router.name, ratePerSecond: router.rateMBps === null ? null : router.rateMBps * 1e6, readAt: router.readAt, current: router.current }],
      ),
    forecasts: () =>
      flow.status().routers.flatMap((router) =>
        router.disk === null
          ? []
          : [{ routerId: router.id, name: router.name, bytesFree: router.disk.freeGb * 1e9, secondsToFull: router.disk.secondsToFull, current: router.current }],
      ),
  };
}
