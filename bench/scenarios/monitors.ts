// Monitors beside control: twenty read-only monitors subscribed at once (to what the Status and
// Setup views keep open) on the application's monitor listener, while the control side works
// (the refresh rounds over the ECC servers, and a change of a setting every 50 ms made as the
// Electron window makes it, through the service). Measured: how long a change takes to reach
// every monitor (from the call to each monitor's WebSocket), the same for a subscriber on the
// control address, and the main process's event-loop delay, first without monitors, then with
// them. The simulators and the WebSocket clients run in processes of their own, so that only the
// application's work is on the measured event loop.
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startHttpServer } from '../../src/main/api/http-server';
import { call, createExperiment, openBenchApp, waitForStatus } from '../lib/application';
import type { MonitorClientsReply, MonitorClientsRequest } from '../lib/monitor-clients';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { SimHost } from '../lib/sim-host-client';
import { round, rounded, summarize } from '../lib/stats';

const DEFAULT_SERVERS = 20;
const MONITORS = 20;
const DEFAULT_ROUNDS = 100;
/** How often the control side changes what every monitor shows. */
const CHANGE_EVERY_MS = 50;
/** The histogram's timer period (ms): what it records is this period plus the delay. */
const RESOLUTION_MS = 10;
/** The responsive scenario's target: the control room must not feel the monitors. */
const TARGET_P99_MS = 20;
/** settleSeconds of the first change (each round one more; the setting allows up to 600). */
const FIRST_VALUE = 100;

/** The WebSocket clients' process, and waiting for its next answer of a kind. */
class MonitorClients {
  private readonly waiting: { type: MonitorClientsReply['type']; resolve: (reply: MonitorClientsReply) => void }[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const reply = raw as MonitorClientsReply;
      const index = this.waiting.findIndex((w) => w.type === reply.type);
      if (index >= 0) this.waiting.splice(index, 1)[0]?.resolve(reply);
    });
  }

  static async launch(): Promise<MonitorClients> {
    const child = fork(fileURLToPath(new URL('../lib/monitor-clients.ts', import.meta.url)), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`The monitor clients exited (${code}) before they were ready`)));
    });
    return new MonitorClients(child);
  }

  next<T extends MonitorClientsReply['type']>(type: T): Promise<Extract<MonitorClientsReply, { type: T }>> {
    return new Promise((resolve) => this.waiting.push({ type, resolve: resolve as (reply: MonitorClientsReply) => void }));
  }

  async ask<T extends MonitorClientsReply['type']>(request: MonitorClientsRequest, answer: T): Promise<Extract<MonitorClientsReply, { type: T }>> {
    const reply = this.next(answer);
    this.child.send(request);
    return reply;
  }

  send(request: MonitorClientsRequest): void {
    this.child.send(request);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.ask({ type: 'close' }, 'closed');
    this.child.disconnect();
    await exited;
  }
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const servers = options.servers?.[0] ?? DEFAULT_SERVERS;
  const rounds = Math.min(options.rounds ?? DEFAULT_ROUNDS, 240);
  const host = await SimHost.launch();
  const bench = openBenchApp();
  const { app } = bench;
  let clients: MonitorClients | undefined;
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  let data: Record<string, unknown> = {};
  let value = FIRST_VALUE;
  try {
    const endpoints = await host.start(servers);
    await createExperiment(app, 'monitors', endpoints);
    await waitForStatus(app, (s) => s.overall === 'Idle');
    const control = await startHttpServer({ application: app, port: 0 });
    const monitor = await app.monitor.configure({ enabled: true, host: '127.0.0.1', port: 0 });
    clients = await MonitorClients.launch();
    const launched = clients;

    /** `rounds` changes, one every CHANGE_EVERY_MS; when each was made, and the loop's delay meanwhile. */
    const phase = async () => {
      const made = new Map<number, number>();
      const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      histogram.enable();
      for (let i = 0; i < rounds; i++) {
        value++;
        const arrived = launched.next('arrived');
        launched.send({ type: 'expect', settleSeconds: value });
        made.set(value, performance.timeOrigin + performance.now());
        await call(app, 'settings.update', { settleSeconds: value });
        await arrived;
        await new Promise((resolve) => setTimeout(resolve, CHANGE_EVERY_MS));
      }
      histogram.disable();
      const { arrivals } = await launched.ask({ type: 'results' }, 'results');
      const latency = (role: 'monitor' | 'control') =>
        summarize(arrivals.filter((a) => a.role === role && made.has(a.settleSeconds)).map((a) => a.at - (made.get(a.settleSeconds) as number)));
      const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
      return { monitors: latency('monitor'), control: latency('control'), p50: delay(histogram.percentile(50)), p99: delay(histogram.percentile(99)), samples: histogram.count };
    };

    await clients.ask({ type: 'connect', url: control.url, token: app.token, count: 1, role: 'control' }, 'connected');
    const alone = await phase();
    options.log(`  without monitors: push to the control subscriber median ${figure(alone.control.median, 'ms')}, event-loop p99 ${figure(alone.p99, 'ms')}`);
    await clients.ask({ type: 'connect', url: monitor.url as string, token: monitor.token, count: MONITORS, role: 'monitor' }, 'connected');
    const watched = await phase();
    options.log(
      `  with ${MONITORS} monitors: push to the monitors median ${figure(watched.monitors.median, 'ms')}, p99 ${figure(watched.monitors.p99, 'ms')}; event-loop p99 ${figure(watched.p99, 'ms')}`,
    );
    const subscriptions = app.service.subscriptionCount;
    rows.push(
      { measure: `push latency to ${MONITORS} monitors`, unit: 'ms', summary: watched.monitors, note: `${watched.monitors.n} pushes, median and p5-p95; p99 ${figure(watched.monitors.p99, 'ms')}` },
      { measure: 'push latency to the control subscriber, with monitors', unit: 'ms', summary: watched.control },
      { measure: 'push latency to the control subscriber, without', unit: 'ms', summary: alone.control },
      { measure: `event-loop delay p99, with ${MONITORS} monitors`, unit: 'ms', value: watched.p99, note: `${watched.samples} samples; p50 ${figure(watched.p50, 'ms')}` },
      { measure: 'event-loop delay p99, without monitors', unit: 'ms', value: alone.p99, note: `${alone.samples} samples; p50 ${figure(alone.p50, 'ms')}` },
    );
    targets.push({
      what: `event-loop delay p99 with ${MONITORS} monitors, ${servers} servers, a change every ${CHANGE_EVERY_MS} ms`,
      target: `≤ ${TARGET_P99_MS} ms`,
      measured: figure(watched.p99, 'ms'),
      met: watched.p99 <= TARGET_P99_MS,
    });
    data = {
      servers,
      monitors: MONITORS,
      rounds,
      changeEveryMs: CHANGE_EVERY_MS,
      subscriptions,
      histogramResolutionMs: RESOLUTION_MS,
      withMonitors: { pushToMonitorsMs: rounded(watched.monitors), pushToControlMs: rounded(watched.control), eventLoopDelayMs: { p50: round(watched.p50), p99: round(watched.p99) } },
      withoutMonitors: { pushToControlMs: rounded(alone.control), eventLoopDelayMs: { p50: round(alone.p50), p99: round(alone.p99) } },
    };
    await control.close();
  } finally {
    await clients?.close();
    await bench.close();
    await host.close();
  }
  return { name: 'monitors', title: 'Monitors beside control', rows, targets, data };
}

export const monitors: Scenario = {
  name: 'monitors',
  title: 'Monitors beside control',
  help: `push latency to ${MONITORS} monitors and event-loop delay while the control side works (--servers ${DEFAULT_SERVERS}, --rounds ${DEFAULT_ROUNDS})`,
  run,
};
