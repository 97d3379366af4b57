// Runs for the end-to-end tests, made the way they are made for real: simulated ECC servers
// started in the test process on loopback addresses, then the application's own API (easy
// setup, config sets, Bring all to Ready, Start all, Stop all), waiting between the steps on what
// the application reports. The SSH checks of the data routers fail here: their items of Start
// all's checklist are not known, and are overridden with a reason, as an operator would.
import { expect, type APIRequestContext } from '@playwright/test';
import type { EccSimulator } from '../../../src/main/ecc/simulator';
import type { EccStatus, RunControlStatus } from '../../../src/shared/api/contract';
import type { Observable, Run, RunSheet, Setup } from '../../../src/shared/domain';
import { apiValue, easySetupInput } from './app';
import type { RunningServer } from './server';
import { startEasySetupSims } from './sims';

/** Long enough for a loaded two-core machine; the simulated steps themselves take 20 ms. */
const WAIT_MS = 30_000;

export interface RunRig {
  simulators: EccSimulator[];
  /** The MuTAnT's server, when asked for (also the last of `simulators`). */
  mutant: EccSimulator | null;
  close: () => Promise<void>;
}

async function eccStatus(request: APIRequestContext, server: RunningServer): Promise<EccStatus> {
  return apiValue<EccStatus>(request, server, 'ecc.status', {});
}

async function runStatus(request: APIRequestContext, server: RunningServer): Promise<RunControlStatus> {
  return apiValue<RunControlStatus>(request, server, 'runs.status', {});
}

/** Waits until no operation on all servers is under way and every server is in `state`. */
async function waitForOverall(request: APIRequestContext, server: RunningServer, state: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const status = await eccStatus(request, server);
        const failed = status.lastReport && !status.lastReport.ok ? ` (last report: ${status.lastReport.message})` : '';
        return status.operation === null ? `${status.overall}${failed}` : 'busy';
      },
      { timeout: WAIT_MS, message: `the ECC servers reach ${state}` },
    )
    .toBe(state);
}

/**
 * Makes the active experiment (created when `experiment` is given) ready to run on `coboCount`
 * simulated ECC servers (and a MuTAnT's, with `mutant`): easy setup, config sets read and
 * selected, every server Ready.
 */
export async function readyToRun(
  request: APIRequestContext,
  server: RunningServer,
  options: { experiment?: string; coboCount?: number; mutant?: boolean } = {},
): Promise<RunRig> {
  const coboCount = options.coboCount ?? 2;
  const sims = await startEasySetupSims({ cobos: coboCount, mutant: options.mutant ?? false, stepMs: 20, log: () => {} });
  const rig: RunRig = { simulators: sims.all, mutant: sims.mutant, close: () => sims.close() };
  try {
    if (options.experiment) await apiValue(request, server, 'experiments.create', { name: options.experiment });
    await apiValue(request, server, 'setup.easy', easySetupInput(sims.easySetup));
    const setup = await apiValue<Setup>(request, server, 'setup.get', {});
    for (const eccServer of setup.eccServers) await apiValue(request, server, 'configSets.refresh', { eccServerId: eccServer.id });
    let listed: Setup | undefined;
    await expect
      .poll(
        async () => {
          listed = await apiValue<Setup>(request, server, 'setup.get', {});
          return listed.eccServers.every((eccServer) => eccServer.configSets.length > 0);
        },
        { timeout: WAIT_MS, message: 'every ECC server lists its config sets' },
      )
      .toBe(true);
    for (const eccServer of listed!.eccServers) {
      const set = eccServer.configSets.find((c) => c.describe === 'cobo0' && c.configure === 'experiment') ?? eccServer.configSets[0]!;
      await apiValue(request, server, 'configSets.select', { id: set.id });
    }
    await apiValue(request, server, 'ecc.refresh', {});
    await waitForOverall(request, server, 'Idle');
    await apiValue(request, server, 'ecc.bringAllToReady', {});
    await waitForOverall(request, server, 'Ready');
    return rig;
  } catch (error) {
    await rig.close();
    throw error;
  }
}

/**
 * Overrides every item of Start all's checklist that keeps it from going and may be overridden
 * (here: the data routers, whose checks fail, and the after-stop jobs, which cannot run).
 */
export async function overrideChecklist(request: APIRequestContext, server: RunningServer, reason = 'no worker computers in this test'): Promise<void> {
  for (const item of (await runStatus(request, server)).checklist) {
    if (item.status !== 'pass' && item.override === null && item.overridable) {
      await apiValue(request, server, 'runs.overrideChecklistItem', { key: item.key, reason });
    }
  }
}

/** Start all (its checklist overridden where it cannot pass here), and wait until the run is recorded; returns its number. */
export async function startRun(request: APIRequestContext, server: RunningServer): Promise<number> {
  await overrideChecklist(request, server);
  await apiValue(request, server, 'runs.startAll', {});
  let number = -1;
  await expect
    .poll(
      async () => {
        const status = await runStatus(request, server);
        number = status.currentRun?.number ?? -1;
        return status.currentRun !== null;
      },
      { timeout: WAIT_MS, message: 'Start all records a run' },
    )
    .toBe(true);
  await waitForOverall(request, server, 'Running');
  return number;
}

/** Stop all, and wait until the run is stopped and the servers are Ready again. */
export async function stopRun(request: APIRequestContext, server: RunningServer): Promise<void> {
  await apiValue(request, server, 'runs.stopAll', {});
  await expect
    .poll(async () => (await runStatus(request, server)).currentRun, { timeout: WAIT_MS, message: 'Stop all ends the run' })
    .toBeNull();
  await waitForOverall(request, server, 'Ready');
}

/** `count` complete runs (Start all, then Stop all); returns their numbers. */
export async function makeRuns(request: APIRequestContext, server: RunningServer, count: number): Promise<number[]> {
  const numbers: number[] = [];
  for (let i = 0; i < count; i++) {
    numbers.push(await startRun(request, server));
    await stopRun(request, server);
  }
  return numbers;
}

export async function runSheet(request: APIRequestContext, server: RunningServer): Promise<RunSheet> {
  const sheet = await apiValue<RunSheet | null>(request, server, 'runSheet.get', {});
  if (!sheet) throw new Error('There is no active experiment');
  return sheet;
}

export async function runByNumber(request: APIRequestContext, server: RunningServer, number: number): Promise<Run> {
  const run = (await runSheet(request, server)).runs.find((r) => r.number === number);
  if (!run) throw new Error(`There is no run ${number}`);
  return run;
}

export async function addObservable(
  request: APIRequestContext,
  server: RunningServer,
  observable: { name: string; valueType: 'integer' | 'float' | 'string'; units?: string; comment?: string },
): Promise<Observable> {
  return apiValue<Observable>(request, server, 'observables.add', observable);
}
