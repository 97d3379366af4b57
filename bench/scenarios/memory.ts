// Scenario 6, memory: the resident memory of the headless application (bench/memory/
// app-process.ts: the application and its HTTP/WebSocket server, built and run with plain node)
// with 200 servers, refreshed at the fastest schedule (rounds back to back), with one browser's
// worth of subscription (this process subscribes to ecc.status over the WebSocket, which pushes
// after every round). Sampled once a second; the trend is the least-squares slope of the
// resident memory against the rounds done, after a warm-up.
import { fork } from 'node:child_process';
import { WebSocket } from 'ws';
import { MEMORY_APP_JS, ensureBuild } from '../lib/build';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { SimHost } from '../lib/sim-host-client';
import { round, rounded, slope, summarize } from '../lib/stats';
import type { FromApp, ToApp } from '../memory/protocol';

const DEFAULT_SERVERS = 200;
/** The default run is time-boxed (see docs/performance.md); --rounds 5000 runs the issue's count. */
const DEFAULT_SECONDS = 150;
const ISSUE_ROUNDS = 5_000;
const TARGET_MB = 200;
/** "No upward trend": the fitted growth stays under 1 MB per 1,000 rounds. */
const TREND_LIMIT_MB_PER_1000 = 1;
/** The first part of the samples is warm-up (threads, caches, JIT) and left out of the trend. */
const WARMUP_FRACTION = 0.2;
const MB = 1024 * 1024;
/** Fewer would make the trend meaningless, whatever --rounds or --seconds say. */
const MIN_SAMPLES = 12;

type Sample = Extract<FromApp, { type: 'sample' }>;

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const servers = options.servers?.[0] ?? DEFAULT_SERVERS;
  const roundsWanted = options.rounds;
  const seconds = roundsWanted === undefined ? (options.seconds ?? DEFAULT_SECONDS) : (options.seconds ?? 3_600);
  await ensureBuild(options.log);
  const host = await SimHost.launch();
  const child = fork(MEMORY_APP_JS, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const samples: Sample[] = [];
  let socket: WebSocket | undefined;
  let pushes = 0;
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  let data: Record<string, unknown> = {};
  try {
    const inbox: FromApp[] = [];
    let notify: (() => void) | undefined;
    let failure: string | undefined;
    child.on('message', (raw) => {
      const message = raw as FromApp;
      if (message.type === 'sample') samples.push(message);
      else if (message.type === 'error') failure = message.message;
      else inbox.push(message);
      notify?.();
    });
    const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`The application exited (${code}): ${failure ?? ''}`))));
    exited.catch(() => undefined);
    const next = async <T extends FromApp['type']>(type: T): Promise<Extract<FromApp, { type: T }>> => {
      for (;;) {
        if (failure) throw new Error(`The application failed: ${failure}`);
        const found = inbox.findIndex((m) => m.type === type);
        if (found >= 0) return inbox.splice(found, 1)[0] as Extract<FromApp, { type: T }>;
        await Promise.race([new Promise<void>((resolve) => (notify = resolve)), exited]);
      }
    };
    const tell = (message: ToApp) => child.send(message);

    const ready = await next('ready');
    const endpoints = await host.start(servers);
    tell({ type: 'setup', endpoints });
    await next('configured');
    socket = new WebSocket(`${ready.url.replace(/^http/, 'ws')}/api/ws`, { headers: { authorization: `Bearer ${ready.token}` } });
    await new Promise<void>((resolve, reject) => socket?.once('open', () => resolve()).once('error', reject));
    socket.on('message', () => pushes++);
    socket.send(JSON.stringify({ type: 'subscribe', id: 'status', op: 'ecc.status', input: {} }));

    const start = performance.now();
    let lastLog = start;
    const going = () =>
      ((performance.now() - start) / 1000 < seconds && (roundsWanted === undefined || (samples.at(-1)?.rounds ?? 0) < roundsWanted)) ||
      samples.length < MIN_SAMPLES;
    while (going()) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 1_000)), exited]);
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        const last = samples.at(-1);
        if (last) options.log(`  ${last.rounds} rounds, ${figure(last.rss / MB, 'MB')} resident`);
      }
    }
    const elapsed = (performance.now() - start) / 1000;
    const first = samples[0] as Sample;
    const last = samples.at(-1) as Sample;
    const measured = samples.slice(Math.floor(samples.length * WARMUP_FRACTION));
    const rss = summarize(samples.map((s) => s.rss / MB));
    const heap = summarize(samples.map((s) => s.heapUsed / MB));
    const perThousand = slope(measured.map((s) => s.rounds / 1000), measured.map((s) => s.rss / MB));
    const heapPerThousand = slope(measured.map((s) => s.rounds / 1000), measured.map((s) => s.heapUsed / MB));
    const rounds = last.rounds - first.rounds;
    const roundMs = (elapsed * 1000) / Math.max(1, rounds);
    options.log(`  ${last.rounds} rounds in ${round(elapsed)} s (${figure(roundMs, 'ms')} a round); resident ${figure(rss.median, 'MB')} median, ${figure(rss.max, 'MB')} max; trend ${figure(perThousand, 'MB')} per 1,000 rounds`);
    rows.push(
      { measure: `resident memory, ${servers} servers`, unit: 'MB', summary: rss, spread: 'min-max', note: `${samples.length} samples` },
      { measure: 'V8 heap used', unit: 'MB', summary: heap, spread: 'min-max' },
      { measure: 'resident memory trend', unit: 'MB/1000 rounds', value: perThousand, note: `heap ${round(heapPerThousand)} MB/1000 rounds` },
      { measure: 'refresh rounds sampled', unit: '', value: last.rounds, note: `${round(elapsed)} s, ${round(roundMs)} ms a round` },
    );
    targets.push(
      { what: `resident memory, ${servers} servers`, target: `≤ ${TARGET_MB} MB`, measured: figure(rss.max, 'MB') + ' (max)', met: rss.max <= TARGET_MB },
      {
        what: 'no upward trend',
        target: `≤ ${TREND_LIMIT_MB_PER_1000} MB per 1,000 rounds`,
        // Over a few hundred rounds the garbage collector's saw-tooth (tens of MB) swamps any
        // slope: the trend is judged over the issue's 5,000 rounds only.
        measured: figure(perThousand, 'MB') + (last.rounds < ISSUE_ROUNDS ? ` over ${last.rounds} rounds only: judged over ${ISSUE_ROUNDS} (--rounds ${ISSUE_ROUNDS})` : ''),
        met: last.rounds < ISSUE_ROUNDS ? null : perThousand <= TREND_LIMIT_MB_PER_1000,
      },
      { what: 'refresh rounds sampled', target: `≥ ${ISSUE_ROUNDS}`, measured: String(last.rounds), met: last.rounds >= ISSUE_ROUNDS },
    );
    data = {
      servers,
      seconds: round(elapsed),
      rounds: last.rounds,
      roundMs: round(roundMs),
      webSocketPushes: pushes,
      residentMB: rounded(rss),
      heapUsedMB: rounded(heap),
      trendMBPer1000Rounds: round(perThousand),
      heapTrendMBPer1000Rounds: round(heapPerThousand),
      // Every sample, for a plot: [rounds, resident, heap used, heap total, external] (MB, main thread's heap).
      samples: samples.map((s) => [s.rounds, round(s.rss / MB), round(s.heapUsed / MB), round(s.heapTotal / MB), round(s.external / MB)]),
    };
  } finally {
    socket?.close();
    if (child.exitCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ToApp);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await host.close();
  }
  return { name: 'memory', title: 'Memory', rows, targets, data };
}

export const memory: Scenario = {
  name: 'memory',
  title: 'Memory',
  help: `resident memory of the headless application refreshing N servers back to back (--servers ${DEFAULT_SERVERS}, --seconds ${DEFAULT_SECONDS}, or --rounds ${ISSUE_ROUNDS})`,
  run,
};
