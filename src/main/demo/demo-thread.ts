// The demo's simulators in a worker thread of their own: the simulated ECC servers, worker
// computer and data routers do their work (SOAP, SSH, writing files) beside the application,
// never on its main thread. The thread starts them, says so, and ends when asked to close.
import { parentPort, workerData } from 'node:worker_threads';
import { startDemoSimulators, type DemoSimulatorOptions, type DemoSimulators } from './simulators';

export type DemoThreadMessage = { type: 'started'; simulators: Omit<DemoSimulators, 'close'> } | { type: 'failed'; message: string };

if (parentPort) {
  const port = parentPort;
  let simulators: DemoSimulators | undefined;
  startDemoSimulators(workerData as DemoSimulatorOptions).then(
    (started) => {
      simulators = started;
      const { close: _close, ...described } = started;
      port.postMessage({ type: 'started', simulators: described } satisfies DemoThreadMessage);
    },
    (error: unknown) => port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies DemoThreadMessage),
  );
  port.on('message', (message: { type: 'close' }) => {
    if (message.type !== 'close') return;
    // With the port closed and the simulators' sockets gone, the thread ends.
    void (simulators?.close() ?? Promise.resolve()).finally(() => port.close());
  });
}
