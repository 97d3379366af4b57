// The headless application as the memory scenario runs it: what `serve.js` runs (the
// application and its HTTP/WebSocket server on loopback), with the ECC refresh at the fastest
// schedule the application allows (a round every 10 ms, skipped while the previous one runs).
// Bundled by bench/lib/build.ts and run with plain node, so that its resident memory is the
// application's and not a TypeScript loader's. Reports its rounds and memory once a second.
import { startHttpServer, type HttpServer } from '../../src/main/api/http-server';
import { createExperiment, openBenchApp, type BenchApp } from '../lib/application';
import type { FromApp, ToApp } from './protocol';

const SAMPLE_MS = 1_000;

function send(message: FromApp): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const bench: BenchApp = openBenchApp({ ecc: { schedule: { refreshIntervalMs: 10 } } });
  const server: HttpServer = await startHttpServer({ application: bench.app, host: '127.0.0.1', port: 0 });
  let sampler: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(sampler);
    await server.close();
    await bench.close();
    process.exit(0);
  };
  process.on('message', (raw) => {
    const message = raw as ToApp;
    if (message.type === 'stop') void stop();
    if (message.type === 'setup') {
      createExperiment(bench.app, 'memory', message.endpoints).then(
        () => {
          send({ type: 'configured' });
          sampler = setInterval(() => {
            const memory = process.memoryUsage();
            send({ type: 'sample', time: Date.now(), rounds: bench.app.scheduler.stats.finished, ...memory });
          }, SAMPLE_MS);
        },
        (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    }
  });
  // The benchmark going away ends this process.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', url: server.url, token: bench.app.token });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
