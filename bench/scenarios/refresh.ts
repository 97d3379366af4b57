// Scenario 1, refresh round: one round of GetState over N simulated ECC servers, as the
// application's schedule runs it (EccScheduler.refreshRound: read the active experiment's
// servers, GetState to all of them through the worker pool, record every answer), against the
// same round done the earlier system's way (baseline/earlier-system.ts). Two more variants split
// the cost: the product's gateway alone (createEccGateway().getStates), and the floor of this
// machine (lib/bare-http.ts: the same request, the answer not parsed). The variants take turns round by
// round, so a change in the machine's load touches them alike. Each round also records the CPU
// time of this process (main and worker threads) and of the simulator host: on 2 cores the
// simulators' share bounds what any client can reach.
import { createEarlierSystem } from '../baseline/earlier-system';
import { createExperiment, openBenchApp } from '../lib/application';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { bareHttpRound } from '../lib/bare-http';
import { SimHost } from '../lib/sim-host-client';
import { rounded, summarize } from '../lib/stats';
import { createEccGateway } from '../../src/main/ecc/pool';

const DEFAULT_SIZES = [10, 50, 200, 500];
const DEFAULT_ROUNDS = 20;
/** The baseline is slow at 500 servers: fewer rounds keep the whole run within its budget. */
const BASELINE_ROUNDS = 8;
const WARMUP_ROUNDS = 3;
const TARGET_SIZE = 200;
const TARGET_RATIO = 8;

type VariantName = 'application' | 'gateway' | 'bareHttp' | 'earlierSystem';

interface Samples {
  wallMs: number[];
  /** CPU of this process (main thread and worker threads) per round, ms. */
  clientCpuMs: number[];
  /** CPU of the simulator host per round, ms. */
  simulatorCpuMs: number[];
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** One timed round; it must get every answer, or the figure would mean nothing. */
async function timeRound(host: SimHost, round: () => Promise<number>, expected: number, into: Samples): Promise<void> {
  const simBefore = cpuMs((await host.usage()).cpu);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const answered = await round();
  const wall = performance.now() - start;
  const cpu = cpuMs(process.cpuUsage(cpuBefore));
  const sim = cpuMs((await host.usage()).cpu) - simBefore;
  if (answered !== expected) throw new Error(`A round got ${answered} answers of ${expected}`);
  into.wallMs.push(wall);
  into.clientCpuMs.push(cpu);
  into.simulatorCpuMs.push(sim);
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const sizes = options.servers ?? DEFAULT_SIZES;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const baselineRounds = Math.min(rounds, BASELINE_ROUNDS);
  const largest = Math.max(...sizes);
  const host = await SimHost.launch();
  const bench = openBenchApp({ ecc: { schedule: false } });
  const gateway = createEccGateway();
  const earlier = createEarlierSystem();
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  const bySize: Record<string, unknown> = {};
  try {
    const endpoints = await host.start(largest);
    options.log(`  ${largest} simulators on loopback (simulator host pid ${host.pid})`);
    for (const size of sizes) {
      const mine = endpoints.slice(0, size);
      await createExperiment(bench.app, `refresh-${size}`, mine);
      const { app } = bench;
      const variants: Record<VariantName, () => Promise<number>> = {
        application: async () => {
          await app.scheduler.refreshRound();
          return app.ecc.snapshot().servers.filter((s) => s.reachable === true).length;
        },
        gateway: async () => (await gateway.getStates(mine)).filter((r) => r.ok).length,
        bareHttp: () => bareHttpRound(mine),
        earlierSystem: () => earlier.round(mine),
      };
      const samples = Object.fromEntries(
        Object.keys(variants).map((name) => [name, { wallMs: [], clientCpuMs: [], simulatorCpuMs: [] } as Samples]),
      ) as Record<VariantName, Samples>;
      // Warm-up: threads started, WSDL parsed, code compiled.
      for (let i = 0; i < WARMUP_ROUNDS; i++) for (const round of Object.values(variants)) await round();
      const every = Math.max(1, Math.floor(rounds / baselineRounds));
      for (let i = 0; i < rounds; i++) {
        await timeRound(host, variants.application, size, samples.application);
        await timeRound(host, variants.gateway, size, samples.gateway);
        await timeRound(host, variants.bareHttp, size, samples.bareHttp);
        if (i % every === 0 && samples.earlierSystem.wallMs.length < baselineRounds) {
          await timeRound(host, variants.earlierSystem, size, samples.earlierSystem);
        }
      }
      const wall = (name: VariantName) => summarize(samples[name].wallMs);
      const ratio = wall('earlierSystem').median / wall('application').median;
      options.log(
        `  ${size} servers: application ${figure(wall('application').median, 'ms')}, gateway ${figure(wall('gateway').median, 'ms')}, ` +
          `earlier system ${figure(wall('earlierSystem').median, 'ms')} (${figure(ratio, '×')})`,
      );
      rows.push(
        { measure: `${size} servers: application round`, unit: 'ms', summary: wall('application') },
        { measure: `${size} servers: earlier system`, unit: 'ms', summary: wall('earlierSystem'), spread: 'min-max' },
        { measure: `${size} servers: earlier ÷ application`, unit: '×', value: ratio },
      );
      if (size === TARGET_SIZE) {
        rows.push(
          { measure: `${size} servers: gateway alone`, unit: 'ms', summary: wall('gateway') },
          { measure: `${size} servers: floor (bare HTTP, no parsing)`, unit: 'ms', summary: wall('bareHttp') },
          { measure: `${size} servers: earlier ÷ floor`, unit: '×', value: wall('earlierSystem').median / wall('bareHttp').median, note: 'the best any client could show here' },
        );
        targets.push({ what: `round over ${size} servers vs the earlier system`, target: `≥ ${TARGET_RATIO}×`, measured: figure(ratio, '×'), met: ratio >= TARGET_RATIO });
      }
      bySize[size] = {
        ...Object.fromEntries(
          (Object.keys(samples) as VariantName[]).map((name) => [
            name,
            {
              wallMs: rounded(wall(name)),
              clientCpuMs: rounded(summarize(samples[name].clientCpuMs)),
              simulatorCpuMs: rounded(summarize(samples[name].simulatorCpuMs)),
            },
          ]),
        ),
        earlierOverApplication: Number(ratio.toFixed(2)),
        // The best ratio any client could show on this machine against these simulators.
        earlierOverFloor: Number((wall('earlierSystem').median / wall('bareHttp').median).toFixed(2)),
      };
    }
  } finally {
    await Promise.allSettled([earlier.close(), gateway.close()]);
    await bench.close();
    await host.close();
  }
  return {
    name: 'refresh',
    title: 'Refresh round',
    rows,
    targets,
    data: { rounds, baselineRounds, warmupRounds: WARMUP_ROUNDS, sizes: bySize },
  };
}

export const refresh: Scenario = {
  name: 'refresh',
  title: 'Refresh round',
  help: `one GetState round over N servers, application vs the earlier system (--servers ${DEFAULT_SIZES.join(',')}, --rounds ${DEFAULT_ROUNDS})`,
  run,
};
