// A child process that runs simulated ECC servers for the benchmark, so that their work (one
// HTTP connection and one XML parse per call) is not counted in the event loop, the CPU time or
// the memory of the process being measured. Driven over the IPC channel (sim-host-client.ts).
import { closeEccSimulators, startEccSimulators, type EccSimulator, type EccSimulatorOptions } from '../../src/main/ecc/simulator';
import type { SimHostReply, SimHostRequest } from './sim-host-protocol';

const simulators: EccSimulator[] = [];

// Each simulator keeps every request it received (for tests). Thousands of rounds would keep
// millions of them here, so the log is emptied often: the benchmark never reads it.
setInterval(() => {
  for (const sim of simulators) sim.requests.length = 0;
}, 1_000).unref();

function reply(message: SimHostReply): void {
  process.send?.(message);
}

async function handle(request: SimHostRequest): Promise<SimHostReply> {
  switch (request.type) {
    case 'start': {
      // Loopback only: the benchmark never lets anything listen beyond this computer.
      const options: EccSimulatorOptions = { ...request.options, host: '127.0.0.1', port: 0 };
      const started = await startEccSimulators(request.count, options);
      simulators.push(...started);
      return { id: request.id, type: 'started', endpoints: started.map((s) => s.endpoint) };
    }
    case 'usage':
      return { id: request.id, type: 'usage', cpu: process.cpuUsage(), rss: process.memoryUsage().rss };
    case 'close': {
      await closeEccSimulators(simulators.splice(0));
      return { id: request.id, type: 'done' };
    }
  }
}

process.on('message', (raw) => {
  const request = raw as SimHostRequest;
  handle(request).then(reply, (error: unknown) =>
    reply({ id: request.id, type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The parent going away ends this process (no simulator is left listening).
process.on('disconnect', () => {
  void closeEccSimulators(simulators.splice(0)).finally(() => process.exit(0));
});
reply({ id: 0, type: 'ready' });
