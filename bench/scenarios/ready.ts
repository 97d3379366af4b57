// Scenario 4, Bring all to Ready: 20 simulated CoBo servers (no MuTAnT, whose order would add
// two step durations) whose steps take 2 s each, as the real server does, then again in stress
// mode (a busy server answers nothing else, not even GetState, until its step ends). Timed from
// the API call to the moment the report of the finished operation is pushed to a subscriber,
// against the serial sum of every step (servers × 3 steps × 2 s). The application runs with the
// product's default limits and schedule.
import { closeEccSimulators, startEccSimulators, type EccSimulator } from '../../src/main/ecc/simulator';
import type { EccState } from '../../src/shared/domain';
import { call, createExperiment, openBenchApp, waitForStatus } from '../lib/application';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { rounded, summarize } from '../lib/stats';

const DEFAULT_SERVERS = 20;
const DEFAULT_ROUNDS = 3;
const STEP_MS = 2_000;
const STEPS = 3;
const TARGET_S = 8;

/** Puts every simulator back in Idle at once and waits until the application has seen it. */
async function resetToIdle(bench: ReturnType<typeof openBenchApp>, sims: EccSimulator[]): Promise<void> {
  for (const sim of sims) sim.setState('Idle');
  await call(bench.app, 'ecc.refresh', {});
  await waitForStatus(bench.app, (s) => s.overall === 'Idle' && s.operation === null && s.servers.every((x) => x.activity === null));
}

/** What the simulators saw during one Bring all to Ready (ms since the epoch). */
interface Timeline {
  sent: { step: string; at: number }[];
  changed: { state: EccState; at: number }[];
}

const epochNow = () => performance.timeOrigin + performance.now();

/**
 * Where the time beyond the 3 step durations went: from the call to the first Describe sent,
 * from the last server done with a step to the first server sent the next one, the step calls
 * themselves beyond their 2 s (the slowest server), and from the last server Ready to the report.
 */
function overhead(timeline: Timeline, start: number, end: number) {
  const first = (step: string) => Math.min(...timeline.sent.filter((e) => e.step === step).map((e) => e.at));
  const last = (state: EccState) => Math.max(...timeline.changed.filter((e) => e.state === state).map((e) => e.at));
  return {
    callToFirstDescribe: first('Describe') - start,
    describedToPrepare: first('Prepare') - last('Described'),
    preparedToConfigure: first('Configure') - last('Prepared'),
    stepsBeyond2s: last('Described') - first('Describe') + (last('Prepared') - first('Prepare')) + (last('Ready') - first('Configure')) - 3 * STEP_MS,
    readyToReport: end - last('Ready'),
  };
}

async function bringAllToReady(bench: ReturnType<typeof openBenchApp>, sims: EccSimulator[], timeline: Timeline): Promise<{ seconds: number; overhead: ReturnType<typeof overhead> }> {
  timeline.sent.length = 0;
  timeline.changed.length = 0;
  const since = new Date().toISOString();
  const startEpoch = epochNow();
  const start = performance.now();
  await call(bench.app, 'ecc.bringAllToReady', {});
  const status = await waitForStatus(bench.app, (s) => s.operation === null && s.lastReport !== null && s.lastReport.startedAt >= since, 120_000);
  const seconds = (performance.now() - start) / 1000;
  const endEpoch = epochNow();
  if (!status.lastReport?.ok) throw new Error(`Bring all to Ready failed: ${status.lastReport?.message}`);
  const notReady = sims.filter((s) => s.state !== 'Ready');
  if (notReady.length > 0) throw new Error(`${notReady.length} simulators are not Ready after the report`);
  return { seconds, overhead: overhead(timeline, startEpoch, endEpoch) };
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const servers = options.servers?.[0] ?? DEFAULT_SERVERS;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const serialSeconds = (servers * STEPS * STEP_MS) / 1000;
  // Few servers and calls: the simulators share this process without weighing on it.
  const timeline: Timeline = { sent: [], changed: [] };
  const sims = await startEccSimulators(servers, {
    host: '127.0.0.1',
    stepMs: STEP_MS,
    onRequest: (request) => {
      if (request.operation && request.operation !== 'GetState') timeline.sent.push({ step: request.operation, at: epochNow() });
    },
    onStateChange: (state) => timeline.changed.push({ state, at: epochNow() }),
  });
  const bench = openBenchApp();
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  const data: Record<string, unknown> = { servers, rounds, stepMs: STEP_MS, serialSumSeconds: serialSeconds };
  try {
    await createExperiment(bench.app, 'ready', sims.map((s) => s.endpoint));
    await waitForStatus(bench.app, (s) => s.overall === 'Idle');
    for (const mode of ['real', 'stress'] as const) {
      for (const sim of sims) sim.set({ stress: mode === 'stress' });
      const seconds: number[] = [];
      const overheads: ReturnType<typeof overhead>[] = [];
      for (let i = 0; i < rounds; i++) {
        await resetToIdle(bench, sims);
        const result = await bringAllToReady(bench, sims, timeline);
        seconds.push(result.seconds);
        overheads.push(result.overhead);
        options.log(`  ${mode === 'real' ? 'as the real server' : 'stress mode'}: round ${i + 1}: ${figure(seconds.at(-1) as number, 's')}`);
      }
      const summary = summarize(seconds);
      const label = mode === 'real' ? 'as the real server' : 'stress mode';
      rows.push({ measure: `${servers} servers, ${label}`, unit: 's', summary, spread: 'min-max', note: `serial sum ${serialSeconds} s` });
      targets.push({ what: `${servers} servers, ${label} (serial sum ${serialSeconds} s)`, target: `≤ ${TARGET_S} s`, measured: figure(summary.max, 's') + ' (slowest)', met: summary.max <= TARGET_S });
      const medianOf = (key: keyof ReturnType<typeof overhead>) => Math.round(summarize(overheads.map((o) => o[key])).median);
      data[mode] = {
        seconds: rounded(summary),
        speedupOverSerial: Number((serialSeconds / summary.median).toFixed(1)),
        // Medians over the rounds, ms: where the time beyond 3 × 2 s went.
        overheadMs: {
          callToFirstDescribe: medianOf('callToFirstDescribe'),
          describedToPrepare: medianOf('describedToPrepare'),
          preparedToConfigure: medianOf('preparedToConfigure'),
          stepsBeyond2s: medianOf('stepsBeyond2s'),
          readyToReport: medianOf('readyToReport'),
        },
      };
    }
  } finally {
    await bench.close();
    await closeEccSimulators(sims);
  }
  return { name: 'ready', title: 'Bring all to Ready', rows, targets, data };
}

export const ready: Scenario = {
  name: 'ready',
  title: 'Bring all to Ready',
  help: `Bring all to Ready on N servers with 2 s steps, real and stress behaviour (--servers ${DEFAULT_SERVERS}, --rounds ${DEFAULT_ROUNDS})`,
  run,
};
