// Scenario 2, staying responsive: the event-loop delay of the application's main process while
// its refresh rounds over 200 servers run back to back (the fastest schedule: a round every
// 10 ms, skipped while the previous one runs) and 100 of those servers are in transitions at
// once (each stepped Describe, Undo, Describe, … by the application as soon as its last step
// ended; the 250 ms transition rounds and each step's follow-up reads run meanwhile). The
// application runs in this process; the simulators in their own, so that only the application's
// work is on this event loop.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { listServerTargets, saveEccServerStates } from '../../src/main/ecc/control/queries';
import { ApiError } from '../../src/shared/api/errors';
import { createExperiment, openBenchApp, waitForStatus } from '../lib/application';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { SimHost } from '../lib/sim-host-client';
import { round, rounded, summarize } from '../lib/stats';

const DEFAULT_SERVERS = 200;
const DEFAULT_SECONDS = 30;
/** A real step takes seconds to minutes; at 5 s, 100 servers stepping make 20 step requests a second, more than operators ever send. */
const STEP_MS = 5_000;
const UNIT_REPEATS = 20;
/** The histogram's timer period (ms): what it records is this period plus the delay. */
const RESOLUTION_MS = 10;
const TARGET_P99_MS = 20;

/** Times `work` UNIT_REPEATS times on this thread (ms each). */
function timeEach(work: () => unknown) {
  const times: number[] = [];
  for (let i = 0; i < UNIT_REPEATS; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return summarize(times);
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const servers = options.servers?.[0] ?? DEFAULT_SERVERS;
  const stepping = Math.floor(servers / 2);
  const seconds = options.seconds ?? DEFAULT_SECONDS;
  const host = await SimHost.launch();
  const bench = openBenchApp({ ecc: { schedule: { refreshIntervalMs: 10 } } });
  const { app } = bench;
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  let data: Record<string, unknown> = {};
  let driver: NodeJS.Timeout | undefined;
  try {
    const endpoints = await host.start(servers, { stepMs: STEP_MS });
    const setup = await createExperiment(app, 'responsive', endpoints);
    await waitForStatus(app, (s) => s.overall === 'Idle');
    const ids = setup.eccServers.slice(0, stepping).map((s) => s.id);
    let stepsStarted = 0;
    let refusals = 0;
    // The next step for every stepping server whose last step has ended: a few map lookups
    // every 50 ms, nothing that weighs on the loop being measured.
    const drive = () => {
      for (const id of ids) {
        if (app.ecc.status.activity(id) !== null || app.ecc.status.transition(id) !== null) continue;
        const state = app.ecc.status.state(id);
        if (state !== 'Idle' && state !== 'Described') continue;
        try {
          app.ecc.requestStep(id, state === 'Idle' ? 'Describe' : 'Undo');
          stepsStarted++;
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          refusals++;
        }
      }
    };
    drive();
    driver = setInterval(drive, 50);
    // Let the first steps get under way before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const roundsBefore = app.scheduler.stats.finished;
    const stepsBefore = stepsStarted;
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    const inTransition: number[] = [];
    const sampler = setInterval(() => inTransition.push(app.ecc.status.inTransition().length), 500);
    const start = performance.now();
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    histogram.disable();
    clearInterval(sampler);
    const elapsed = (performance.now() - start) / 1000;
    const rounds = app.scheduler.stats.finished - roundsBefore;
    const steps = stepsStarted - stepsBefore;
    const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const p50 = delay(histogram.percentile(50));
    const p99 = delay(histogram.percentile(99));
    const max = delay(histogram.max);
    const busy = summarize(inTransition);
    options.log(`  ${rounds} rounds over ${servers} servers in ${round(elapsed)} s, ${steps} steps; delay p50 ${figure(p50, 'ms')}, p99 ${figure(p99, 'ms')}, max ${figure(max, 'ms')}`);
    rows.push(
      { measure: 'event-loop delay p50', unit: 'ms', value: p50, note: `${histogram.count} samples` },
      { measure: 'event-loop delay p99', unit: 'ms', value: p99 },
      { measure: 'event-loop delay max', unit: 'ms', value: max },
      { measure: `rounds over ${servers} servers`, unit: '/s', value: rounds / elapsed, note: `${rounds} rounds in ${round(elapsed)} s` },
      { measure: 'servers in a transition', unit: '', summary: busy, spread: 'min-max', note: `${steps} steps started` },
    );
    // What the main thread pays per call, to explain the delays: a step request's target (kept
    // in memory), the list of every server's target read from the database (after a setup
    // change) and one stored state change in its own transaction (synchronous=FULL; a round's
    // or a turn's changes share one).
    clearInterval(driver);
    await app.ecc.idle();
    const experimentId = setup.experiment.id;
    const firstId = ids[0] as number;
    const targetMs = timeEach(() => app.ecc.target(firstId));
    const targetsMs = timeEach(() => listServerTargets(app.store, experimentId));
    let writes = 0;
    const stateWriteMs = timeEach(() => saveEccServerStates(app.store, new Map([[firstId, writes++ % 2 === 0 ? 'Ready' : 'Idle']])));
    saveEccServerStates(app.store, new Map([[firstId, app.ecc.status.state(firstId) ?? 'Idle']]));
    rows.push(
      { measure: 'unit cost: one server\'s target', unit: 'ms', summary: targetMs, spread: 'min-max', note: 'per step request (kept in memory)' },
      { measure: `unit cost: ${servers} targets from the database`, unit: 'ms', summary: targetsMs, spread: 'min-max', note: 'after a change of the setup' },
      { measure: 'unit cost: one stored state change', unit: 'ms', summary: stateWriteMs, spread: 'min-max', note: 'one transaction' },
    );
    targets.push({ what: `event-loop delay p99, ${servers} servers, ${stepping} stepping`, target: `≤ ${TARGET_P99_MS} ms`, measured: figure(p99, 'ms'), met: p99 <= TARGET_P99_MS });
    data = {
      servers,
      stepping,
      stepMs: STEP_MS,
      seconds: round(elapsed),
      histogramResolutionMs: RESOLUTION_MS,
      eventLoopDelayMs: { p50: round(p50), p90: round(delay(histogram.percentile(90))), p99: round(p99), max: round(max), samples: histogram.count },
      refreshRounds: rounds,
      roundsPerSecond: round(rounds / elapsed),
      stepsStarted: steps,
      refusals,
      serversInTransition: rounded(busy),
      unitCostsMs: { listTargets: rounded(targetsMs), storedStateChange: rounded(stateWriteMs) },
    };
  } finally {
    clearInterval(driver);
    await bench.close();
    await host.close();
  }
  return { name: 'responsive', title: 'Staying responsive', rows, targets, data };
}

export const responsive: Scenario = {
  name: 'responsive',
  title: 'Staying responsive',
  help: `event-loop delay while rounds over N servers run back to back and N/2 step (--servers ${DEFAULT_SERVERS}, --seconds ${DEFAULT_SECONDS})`,
  run,
};
