// Scenario 3, seeing a transition: how long after a simulated ECC server's state changes a
// connected browser SHOWS the new state. The application runs as operators run it in a browser:
// serve mode (the built serve.js, its own process, default schedule); the page is Debian's
// Chromium through Playwright, on the Status view (the first tab, what the shift watches), whose
// "ECC servers" table shows each server's live state. 20 servers step through
// Describe → Prepare → Configure (Bring all to Ready, steps of 1 s). The simulators run in this
// process and note the moment each state changes (onStateChange); the page notes the moment its
// DOM shows it (MutationObserver) and the next frame. Both clocks are this machine's clock in
// milliseconds since the epoch (performance.timeOrigin + performance.now()).
import { chromium, type Browser } from '@playwright/test';
import playwrightConfig from '../../playwright.config';
import { closeEccSimulators, startEccSimulators, type EccSimulator } from '../../src/main/ecc/simulator';
import type { EccState } from '../../src/shared/domain';
import { setupDocument } from '../lib/application';
import { ensureBuild } from '../lib/build';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { startServe, type ServeProcess } from '../lib/serve-process';
import { rounded, summarize } from '../lib/stats';
import { OBSERVER_SCRIPT, type PageChange } from './transition-page';

const DEFAULT_SERVERS = 20;
const DEFAULT_ROUNDS = 3;
const STEP_MS = 1_000;
const TARGET_MEDIAN_MS = 300;
const TARGET_P95_MS = 700;
const MEASURED: readonly EccState[] = ['Described', 'Prepared', 'Ready'];

interface SimChange {
  name: string;
  state: EccState;
  /** ms since the epoch, this process's clock. */
  at: number;
}

const now = () => performance.timeOrigin + performance.now();

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const servers = options.servers?.[0] ?? DEFAULT_SERVERS;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  await ensureBuild(options.log);
  const names = Array.from({ length: servers }, (_, i) => `ECC${i}`);
  const simChanges: SimChange[] = [];
  let sims: EccSimulator[] = [];
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  let data: Record<string, unknown> = {};
  try {
    sims = await startEccSimulators(servers, { host: '127.0.0.1', stepMs: STEP_MS }, (i) => ({
      onStateChange: (state: EccState) => simChanges.push({ name: names[i] as string, state, at: now() }),
    }));
    serve = await startServe();
    options.log(`  serve.js pid ${serve.pid}, ${servers} simulators in this process`);
    const experiment = await serve.call('experiments.create', { name: 'transition', activate: true });
    await serve.call('setup.import', { experimentId: experiment.id, document: setupDocument('transition', sims.map((s) => s.endpoint)) });
    await serve.call('ecc.refresh', {});

    // Launched as the end-to-end tests launch it (Debian's Chromium, the same switches).
    browser = await chromium.launch(playwrightConfig.use?.launchOptions);
    const page = await browser.newPage();
    await page.goto(serve.url);
    await page.getByRole('tab', { name: 'Status', exact: true }).click();
    await page.getByRole('columnheader', { name: 'State', exact: true }).first().waitFor();
    await page.evaluate(`(${OBSERVER_SCRIPT})(${JSON.stringify(names)})`);
    const shown = async () => (await page.evaluate('Object.fromEntries(window.__daqBench.shown)')) as Record<string, string>;
    const allShow = (state: string) => async () => {
      const current = await shown();
      return names.every((n) => current[n] === state);
    };
    await waitUntil('the page to show every server Idle', allShow('Idle'));

    const domMs: number[] = [];
    const frameMs: number[] = [];
    // Where the time goes: state change → the application's next GetState reaching the server
    // (the step's answer travels back, the application asks again) → the page.
    const toReadMs: number[] = [];
    const readToPageMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      simChanges.length = 0;
      await page.evaluate('window.__daqBench.changes.length = 0');
      await serve.call('ecc.bringAllToReady', {});
      await waitUntil('the page to show every server Ready', allShow('Ready'));
      // Let the last animation frames come.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const pageChanges = (await page.evaluate('window.__daqBench.changes')) as PageChange[];
      let matched = 0;
      for (const change of simChanges.filter((c) => MEASURED.includes(c.state))) {
        const seen = pageChanges.find((p) => p.name === change.name && p.state === change.state);
        if (!seen) throw new Error(`The page never showed ${change.name} ${change.state}`);
        domMs.push(seen.dom - change.at);
        const sim = sims[names.indexOf(change.name)] as EccSimulator;
        // The simulator logs requests with Date.now() (whole milliseconds).
        const read = sim.requests.find((q) => q.operation === 'GetState' && q.time >= Math.floor(change.at) && !q.response?.includes('busy'));
        if (read) {
          toReadMs.push(read.time - change.at);
          readToPageMs.push(seen.dom - read.time);
        }
        if (seen.frame !== null) frameMs.push(seen.frame - change.at);
        matched++;
      }
      if (matched !== servers * MEASURED.length) throw new Error(`${matched} transitions seen, ${servers * MEASURED.length} expected`);
      const round = summarize(domMs.slice(-matched));
      options.log(`  round ${r + 1}: ${matched} transitions, median ${figure(round.median, 'ms')}, max ${figure(round.max, 'ms')}`);
      // Back to Idle for the next round (not measured).
      for (const sim of sims) {
        sim.setState('Idle');
        sim.requests.length = 0;
      }
      await serve.call('ecc.refresh', {});
      await waitUntil('the page to show every server Idle again', allShow('Idle'));
    }
    const dom = summarize(domMs);
    const frame = summarize(frameMs);
    rows.push(
      { measure: `state change → page DOM (${servers} servers × 3 steps)`, unit: 'ms', summary: dom },
      { measure: 'state change → next frame (painted)', unit: 'ms', summary: frame },
      { measure: '  of which: change → next GetState arrives', unit: 'ms', summary: summarize(toReadMs) },
      { measure: '  of which: that GetState → page DOM', unit: 'ms', summary: summarize(readToPageMs) },
    );
    targets.push(
      { what: 'state change → page, median', target: `≤ ${TARGET_MEDIAN_MS} ms`, measured: figure(dom.median, 'ms'), met: dom.median <= TARGET_MEDIAN_MS },
      { what: 'state change → page, p95', target: `≤ ${TARGET_P95_MS} ms`, measured: figure(dom.p95, 'ms'), met: dom.p95 <= TARGET_P95_MS },
    );
    data = {
      servers,
      rounds,
      stepMs: STEP_MS,
      view: 'Status view, "ECC servers" table (State column)',
      toDomMs: rounded(dom),
      toNextFrameMs: rounded(frame),
      changeToNextGetStateMs: rounded(summarize(toReadMs)),
      nextGetStateToDomMs: rounded(summarize(readToPageMs)),
      chromium: browser.version(),
    };
  } finally {
    await browser?.close();
    await serve?.stop();
    await closeEccSimulators(sims);
  }
  return { name: 'transition', title: 'Seeing a transition', rows, targets, data };
}

export const transition: Scenario = {
  name: 'transition',
  title: 'Seeing a transition',
  help: `from a simulator's state change to a browser on serve mode showing it (--servers ${DEFAULT_SERVERS}, --rounds ${DEFAULT_ROUNDS})`,
  run,
};
