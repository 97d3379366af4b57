// The gateway over its Piscina pool against simulated ECC servers on 127.0.0.1: what the servers
// receive, what comes back, and how a refresh round copes with servers that never answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ECC_STEPS, type EccState, type EccStep } from '../../src/shared/domain';
import type { DataLink, EccEndpoint, EccGateway } from '../../src/main/ecc/gateway';
import { buildConfigId, buildTable } from '../../src/main/ecc/payloads';
import { createEccGateway } from '../../src/main/ecc/pool';
import {
  BUSY_MESSAGE,
  closeEccSimulators,
  startEccSimulator,
  startEccSimulators,
  stepTarget,
  type EccSimulator,
  type EccSimulatorOptions,
} from '../../src/main/ecc/simulator';
import { failure } from './peers';

const SOFT_MS = 500;
const limits = { softMs: SOFT_MS, hardMs: 2 * SOFT_MS };

const links: DataLink[] = [
  { dataSender: 'CoBo[0]', routerName: 'DataRouter0', routerAddress: '127.0.0.1', routerPort: 46005, routerType: 'TCP' },
  { dataSender: 'CoBo[1]', routerName: 'DataRouter1', routerAddress: '127.0.0.1', routerPort: 46006, routerType: 'TCP' },
];

let gateway: EccGateway;
const simulators: EccSimulator[] = [];

async function simulator(options: EccSimulatorOptions = {}): Promise<EccSimulator> {
  const started = await startEccSimulator({ strict: true, stepMs: 20, ...options });
  simulators.push(started);
  return started;
}

const skipped: { endpoint: EccEndpoint; reasons: string[] }[] = [];

beforeAll(async () => {
  gateway = createEccGateway({
    getStateLimits: limits,
    configIdsLimits: limits,
    stepLimits: { softMs: 2 * SOFT_MS, hardMs: 4 * SOFT_MS },
    onConfigIdsSkipped: (endpoint, reasons) => skipped.push({ endpoint, reasons }),
  });
  // Start a thread, and load `soap` with the WSDL (steps and GetConfigIDs use them; GetState does
  // not), before anything is timed.
  const warm = await simulator();
  await gateway.getState(warm.endpoint);
  await gateway.getConfigIds(warm.endpoint);
});
afterEach(async () => {
  // strict: a request that would have crashed the real server makes close() reject.
  await closeEccSimulators(simulators.splice(0));
});
afterAll(() => gateway.close());

describe('the ECC gateway with simulated servers', () => {
  it('reads the state of an idle server', async () => {
    const sim = await simulator();
    expect(await gateway.getState(sim.endpoint)).toEqual({ state: 'Idle', transition: null, errorCode: 0, errorMessage: '' });
    const request = sim.requests.at(-1)!;
    expect(request.operation).toBe('GetState');
    expect(request.operationNamespace).toBe('urn:ecc');
    expect(request.qualified).toBe(true);
  });

  it('talks to a server in its own SOAP namespace', async () => {
    const namespace = 'urn:http://localhost:8083/';
    const sim = await simulator({ namespace, state: 'Running' });
    expect(await gateway.getState({ ...sim.endpoint, soapNamespace: namespace })).toMatchObject({ state: 'Running' });
    expect(sim.requests.at(-1)).toMatchObject({ operationNamespace: namespace, qualified: true });
  });

  it('reads the state of a halted server as Off', async () => {
    const sim = await simulator({ off: true });
    expect(await gateway.getState(sim.endpoint)).toMatchObject({ state: 'Off', transition: null });
  });

  it('lists every describe name paired with every configure name', async () => {
    const sim = await simulator({ describe: ['cobo1', 'cobo0'], configure: ['pulser', 'experiment'] });
    expect(await gateway.getConfigIds(sim.endpoint)).toEqual([
      { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' },
      { describe: 'cobo0', prepare: 'pulser', configure: 'pulser' },
      { describe: 'cobo1', prepare: 'experiment', configure: 'experiment' },
      { describe: 'cobo1', prepare: 'pulser', configure: 'pulser' },
    ]);
  });

  it('leaves out config sets whose names the server cannot list readably, and says why', async () => {
    skipped.length = 0;
    const sim = await simulator({ describe: ['cobo0', 'a&b'], configure: ['experiment'] });
    expect(await gateway.getConfigIds(sim.endpoint)).toEqual([{ describe: 'cobo0', prepare: 'experiment', configure: 'experiment' }]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.endpoint).toEqual(sim.endpoint);
    expect(skipped[0]!.reasons[0]).toMatch(/'a&b' contains '&'/);
  });

  it('sends every step with configID and table qualified and exactly as built, and the server follows', async () => {
    const set = { describe: `cobo&<"'>0`, prepare: 'experiment', configure: 'experiment' };
    const sim = await simulator({ describe: [set.describe], configure: ['experiment'], dataSenders: ['CoBo[0]', 'CoBo[1]'] });
    const path: EccStep[] = ['Describe', 'Undo', 'Describe', 'Prepare', 'Configure', 'Start', 'Pause', 'Resume', 'Stop', 'Breakup', 'Undo'];
    expect(new Set(path)).toEqual(new Set(ECC_STEPS));
    let state: EccState = 'Idle';
    for (const step of path) {
      const answer = await gateway.step(sim.endpoint, step, set, links);
      expect(answer, step).toEqual({ errorCode: 0, errorMessage: '' });
      const request = sim.requests.findLast((r) => r.operation === step)!;
      expect(request.qualified, step).toBe(true);
      expect(request.fields.configID, step).toEqual({ text: buildConfigId(set), namespace: 'urn:ecc', qualified: true });
      expect(request.fields.table, step).toEqual({ text: buildTable(links), namespace: 'urn:ecc', qualified: true });
      state = stepTarget(step, state)!;
      expect(await gateway.getState(sim.endpoint), step).toMatchObject({ state, transition: null });
    }
    expect(state).toBe('Described');
    expect(sim.problems).toEqual([]);
  });

  it('returns the server\'s own failure of a step (Configure without a router for every data sender)', async () => {
    const sim = await simulator({ state: 'Prepared', dataSenders: ['CoBo[0]', 'CoBo[7]'] });
    const answer = await gateway.step(sim.endpoint, 'Configure', { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' }, links);
    expect(answer.errorCode).toBe(3);
    expect(answer.errorMessage).toMatch(/CoBo\[7\]/);
    expect(await gateway.getState(sim.endpoint)).toMatchObject({ state: 'Prepared' });
  });

  it('reports a step that outlives its soft limit as a timeout while the server still runs it', async () => {
    const sim = await simulator({ stepMs: 5_000 });
    const stepLimits = { softMs: SOFT_MS, hardMs: 2 * SOFT_MS };
    const started = Date.now();
    const error = await failure(gateway.step(sim.endpoint, 'Describe', { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' }, links, stepLimits));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    // At its own limit, not when the server ends the step (5 s): the server still runs it.
    expect(elapsed).toBeGreaterThanOrEqual(SOFT_MS - 50);
    expect(await gateway.getState(sim.endpoint)).toEqual({ state: 'Idle', transition: 'Describe', errorCode: 0, errorMessage: BUSY_MESSAGE });
  });

  it('reports a server that accepts GetState and never answers as a timeout, then serves the next call at once', async () => {
    const sim = await simulator({ hang: ['GetState'] });
    const started = Date.now();
    const error = await failure(gateway.getState(sim.endpoint));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(SOFT_MS - 50);
    const next = Date.now();
    // The next call is served (the hung one holds no thread): it answers, not times out.
    expect(await gateway.getConfigIds(sim.endpoint)).not.toHaveLength(0);
    console.log(`hanging GetState: timeout after ${elapsed} ms (soft ${SOFT_MS} ms); next call ${Date.now() - next} ms`);
  });

  it('reports a server answering garbage as garbage', async () => {
    const sim = await simulator({ garbage: true });
    expect((await failure(gateway.getState(sim.endpoint))).kind).toBe('garbage');
    expect((await failure(gateway.getConfigIds(sim.endpoint))).kind).toBe('garbage');
  });

  it('reports a server that disappears in the middle of a step as disconnected, and then as unreachable', async () => {
    const sim = await simulator({ dieMidStep: true, stepMs: 200 });
    const set = { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' };
    expect((await failure(gateway.step(sim.endpoint, 'Describe', set, links))).kind).toBe('disconnected');
    expect((await failure(gateway.getState(sim.endpoint))).kind).toBe('unreachable');
  });
});

describe('a refresh round', () => {
  it('returns the 90 answers among 10 servers that never answer within about one soft limit', async () => {
    const sims = await startEccSimulators(100, { stepMs: 20 }, (i) => (i % 10 === 3 ? { hang: ['GetState'] } : {}));
    simulators.push(...sims);
    const started = Date.now();
    const rows = await gateway.getStates(sims.map((s) => s.endpoint));
    const elapsed = Date.now() - started;
    const answered = rows.filter((r) => r.ok).length;
    const kinds = rows.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.kind));
    console.log(`100 servers, 10 never answer: round ${elapsed} ms (soft limit ${SOFT_MS} ms), ${answered} answers, ${kinds.length} × ${[...new Set(kinds)].join()}`);
    expect(answered).toBe(90);
    expect(kinds).toEqual(Array(10).fill('timeout'));
    rows.forEach((row, i) => expect(row.ok, `server ${i}`).toBe(i % 10 !== 3));
    // The ten limits run side by side, not one after the other: every call that hangs was sent
    // before the first of them could reach its limit.
    const hanging = sims.filter((_, i) => i % 10 === 3).map((sim) => sim.requests.find((r) => r.operation === 'GetState')!.time);
    expect(Math.max(...hanging)).toBeLessThan(Math.min(...hanging) + SOFT_MS);
  });

  it('refreshes 100 servers in one round', async () => {
    const states: EccState[] = ['Idle', 'Described', 'Prepared', 'Ready', 'Running', 'Paused'];
    const sims = await startEccSimulators(100, { stepMs: 20 }, (i) => ({ state: states[i % states.length]! }));
    simulators.push(...sims);
    for (let round = 1; round <= 2; round++) {
      const started = Date.now();
      const rows = await gateway.getStates(sims.map((s) => s.endpoint));
      const elapsed = Date.now() - started;
      console.log(`100 servers, round ${round}: ${elapsed} ms`);
      // Every server answered within its limit (a slow round is a benchmark's figure, not a failure here).
      expect(rows.map((r) => (r.ok ? r.report.state : r.kind))).toEqual(sims.map((_s, i) => states[i % states.length]));
    }
  });
});
