// The data flow of a run in the running application, over a real OpenSSH server on 127.0.0.1:
// real `dataRouter` processes (found by lsof, as on a worker computer) whose staging folders a
// simulated data router fills at a known rate. The rate read is within 10% of it, measured over
// the time between readings; what the run wrote is stored with it at Stop and exported; a
// computer that stops answering leaves its reading as history, never as the present.
import { realpathSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { nowIso } from '../../src/main/time';
import { ProcessTable, Sandbox, SimulatedDataRouter } from '../../src/main/worker-node/simulator';
import type { DataFlowStatus } from '../../src/shared/api/contract';
import type { AlarmList } from '../../src/shared/alarms';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { call, giveConfigFiles, openApp, rig, waitFor, waitForReport, type AppOptions, type Rig } from './support';

// Waits for states the application reports; each SSH command costs up to ~1 s on a loaded machine.
const WAIT_MS = 45_000;
/** Bytes per second of DataRouter0 and DataRouter1. */
const RATES = [500_000, 1_000_000];

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

describe.skipIf(!sshdAvailable())(`the data flow of a run over SSH ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;
  const writers: SimulatedDataRouter[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  function sshOptions(): AppOptions {
    return {
      ssh: {
        connect: { sshConfig: { home: sshHomeFor(sshd), env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 }, flowLimits: { softMs: 2_000, hardMs: 6_000 } },
        jobs: { maxAttempts: 3, backoffMs: () => 1_000, settleMs: 300, settlePollMs: 100 },
        schedule: { checkIntervalMs: 500, jobIntervalMs: 200 },
        // The data flow on its setting (dataFlowSeconds, 2 s): a loaded machine delays the writer's ticks by tens of ms.
        dataFlow: {},
      },
    };
  }

  /** Two routers, each a real dataRouter process in its own staging folder and a writer at its rate there; a run started. */
  async function running(): Promise<{ r: Rig; staging: string[] }> {
    const r = await rig({ cobos: 2, app: openApp(dataDirTrusting(sshd, 'daq-flow-'), sshOptions()) });
    const staging: string[] = [];
    // The whole machine is the simulated router's sandbox: it writes into the real staging folder.
    const sandbox = new Sandbox('/');
    for (const [i, board] of r.cobos.entries()) {
      const folder = realpathSync(tempDir('daq-staging-'));
      const port = await freePort();
      await programs.start('dataRouter', { cwd: folder, port });
      await call(r.app, 'dataRouters.update', { id: board.dataRouterId, port });
      const writer = new SimulatedDataRouter(
        new ProcessTable(),
        sandbox,
        { name: `DataRouter${i}`, port, stagingDirectory: folder, logPath: `${folder}/router.log`, filePrefix: `CoBo${i}_AsAd0`, writeIntervalMs: 20, writesPerFile: 50, bytesPerSecond: RATES[i] },
        (error) => console.error(error),
      );
      await writer.startProcess();
      writers.push(writer);
      staging.push(folder);
      // Config files Start all can read (and hash) on the same computer.
      await giveConfigFiles(r.app, board.eccServerId);
    }
    // The checks find both staging folders, clean: Start all's checklist passes.
    await waitFor(r.app, 'workers.status', {}, (s) => s.dataRouters.every((d, i) => d.stagingDirectory === staging[i] && d.clean === true && d.disk !== null), WAIT_MS);
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    for (const writer of writers) writer.startRun();
    return { r, staging };
  }

  /** A status where every router's reading is current and has a rate, after at least `rounds` rounds of the run. */
  async function readings(app: Application, rounds: number): Promise<DataFlowStatus> {
    await waitFor(app, 'dataFlow.plot', {}, (p) => p.seconds.length >= rounds && p.routers.every((r) => r.rateMBps.at(-1) !== null), WAIT_MS);
    return waitFor(app, 'dataFlow.status', {}, (s) => s.routers.length === 2 && s.routers.every((r) => r.current && r.rateMBps !== null), WAIT_MS);
  }

  it('measures each router at the rate it writes, and stores what the run wrote at Stop', async () => {
    const { r, staging } = await running();
    // The first reading has no rate; three more rounds give rates over measured intervals.
    const status = await readings(r.app, 4);
    const workers = await call(r.app, 'workers.status', {});
    for (const [i, flow] of status.routers.entries()) {
      const expected = (RATES[i] as number) / 1e6;
      expect(flow.rateMBps).toBeGreaterThan(expected * 0.9);
      expect(flow.rateMBps).toBeLessThan(expected * 1.1);
      // The measured time between the two readings, not the period as set.
      expect(flow.rateIntervalSeconds).toBeGreaterThan(1);
      expect(flow).toMatchObject({ stagingDirectory: staging[i], countedFrom: 'start', error: null });
      expect(flow.runBytes).toBe(flow.bytes);
      expect(flow.runBytes).toBeLessThanOrEqual(writers[i]!.bytesWritten);
      expect(flow.runFiles).toBeGreaterThan(0);
      expect(flow.newest?.name).toMatch(new RegExp(`^CoBo${i}_AsAd0_.*\\.graw$`));
      expect(flow.secondsSinceGrowth).toBeLessThan(status.everySeconds * 2);
      // Both folders are on one file system of one computer: it fills at both routers' rates.
      const disk = workers.dataRouters[i]!.disk!;
      const both = (status.routers[0]!.rateMBps! + status.routers[1]!.rateMBps!) * 1e6;
      expect(flow.disk).toMatchObject({ usedPercent: disk.usedPercent, mountPoint: disk.mountPoint, freeGb: (disk.availableKb * 1024) / 1e9 });
      expect(flow.disk?.secondsToFull).toBeCloseTo((disk.availableKb * 1024) / both, 0);
    }
    expect(status.total).toMatchObject({ currentRouters: 2, routers: 2, runBytes: status.routers[0]!.runBytes! + status.routers[1]!.runBytes! });
    expect(status.total.rateMBps).toBeCloseTo(status.routers[0]!.rateMBps! + status.routers[1]!.rateMBps!, 6);
    expect(r.app.dataFlow.written()).toMatchObject({ bytes: status.total.runBytes, files: status.total.runFiles, currentRouters: 2, routers: 2 });
    const plot = await call(r.app, 'dataFlow.plot', {});
    expect(plot.routers.map((p) => p.name)).toEqual(['DataRouter0', 'DataRouter1']);
    expect(plot.roundsPerPoint).toBe(1);

    // The writers stop; a reading after that sees every byte they wrote, and Stop all stores it.
    await Promise.all(writers.map((w) => w.stopRun()));
    const stoppedAt = nowIso();
    const last = await waitFor(r.app, 'dataFlow.status', {}, (s) => s.routers.every((f) => f.current && f.readAt !== null && f.readAt > stoppedAt), WAIT_MS);
    for (const [i, flow] of last.routers.entries()) {
      expect(flow).toMatchObject({ runBytes: writers[i]!.bytesWritten, runFiles: writers[i]!.filesWritten });
    }
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    const sheet = await call(r.app, 'runSheet.get', {});
    const run = sheet!.runs.find((x) => x.number === 0)!;
    const duration = (Date.parse(run.stopTime!) - Date.parse(run.startTime)) / 1000;
    const bytes = writers[0]!.bytesWritten + writers[1]!.bytesWritten;
    const files = writers[0]!.filesWritten + writers[1]!.filesWritten;
    expect(run.dataFlow).toMatchObject({ bytes, files, durationSeconds: duration });
    expect(run.dataFlow?.meanMBps).toBeCloseTo(bytes / duration / 1e6, 9);
    // As read at Stop, unless the router's manifest has settled them already (the same files: the writers had stopped).
    const figures = (i: number) => ({ dataRouterId: last.routers[i]!.id, name: `DataRouter${i}`, files: writers[i]!.filesWritten, bytes: writers[i]!.bytesWritten, current: true, countedFrom: 'start' });
    for (const [i, router] of (run.dataFlow?.routers ?? []).entries()) {
      expect(router).toEqual({ ...figures(i), ...(router.manifestAt === null ? { readAt: last.routers[i]!.readAt, manifestAt: null } : { readAt: router.manifestAt, manifestAt: expect.any(String) }) });
    }
    expect(run.dataFlow?.routers).toHaveLength(2);
    const [header, row] = (await call(r.app, 'runSheet.exportCsv', {})).csv.split('\r\n');
    expect(header).toBe('Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),Notes');
    expect(row).toBe(`0,Testing,,${run.startTime},${run.stopTime},experiment,${run.config.hash},${bytes},${files},${(bytes / duration / 1e6).toFixed(3)},`);
    // Once each router's manifest is made, the run's figures are the run folders' files, as it lists them.
    const settled = await waitFor(r.app, 'runSheet.get', {}, (v) => v!.runs[0]!.dataFlow!.routers.every((f) => f.manifestAt !== null), WAIT_MS);
    expect(settled!.runs[0]!.dataFlow).toMatchObject({ bytes, files, routers: [figures(0), figures(1)] });
    // No run goes: nothing is read, the plot of the run stays until the next starts.
    await waitFor(r.app, 'dataFlow.status', {}, (s) => s.run === null && s.routers.length === 0);
    expect((await call(r.app, 'dataFlow.plot', {})).runNumber).toBe(0);
  }, 120_000);

  it("shows a router's reading as history, with its time, while its computer does not answer", async () => {
    const { r } = await running();
    const before = await readings(r.app, 2);
    await sshd.stop();
    try {
      const stale = await waitFor(r.app, 'dataFlow.status', {}, (s) => s.routers.every((f) => !f.current && f.error !== null), WAIT_MS);
      for (const [i, flow] of stale.routers.entries()) {
        // The last reading stays as it was, as of its time; nothing about the present is claimed.
        expect(flow.readAt! >= before.routers[i]!.readAt!).toBe(true);
        expect(flow.rateMBps).not.toBeNull();
        expect(flow.secondsSinceGrowth).toBeNull();
        expect(flow.disk?.secondsToFull ?? null).toBeNull();
      }
      expect(stale.total).toMatchObject({ currentRouters: 0, rateMBps: null });
      expect(r.app.dataFlow.written()).toMatchObject({ currentRouters: 0 });
    } finally {
      await sshd.start();
    }
    // Its computer answers again: the readings are current again.
    await waitFor(r.app, 'dataFlow.status', {}, (s) => s.routers.every((f) => f.current && f.error === null), WAIT_MS);
  }, 120_000);
  it('raises the zero-rate alarm for a router whose writer stops, and clears it when the router writes again', async () => {
    const { r } = await running();
    await call(r.app, 'alarms.rules.update', { rules: { dataRouterZeroRate: { seconds: 4 } } });
    await readings(r.app, 2);
    const zeroRate = (list: AlarmList, name: string) => list.active.find((a) => a.rule === 'dataRouterZeroRate' && a.subject === name);
    // DataRouter0's writer stops; DataRouter1's goes on.
    await writers[0]!.stopRun();
    const raised = await waitFor(r.app, 'alarms.list', { limit: 50 }, (l) => zeroRate(l, 'DataRouter0') !== undefined, WAIT_MS);
    expect(zeroRate(raised, 'DataRouter0')!.message).toBe('DataRouter0 writes nothing: its rate has been 0 for 4 s or more during the run');
    expect(zeroRate(raised, 'DataRouter1')).toBeUndefined();
    // The status that raised it says the same: no growth, a rate of 0, read now.
    expect((await call(r.app, 'dataFlow.status', {})).routers[0]).toMatchObject({ current: true, rateMBps: 0 });
    writers[0]!.startRun();
    const cleared = await waitFor(r.app, 'alarms.list', { limit: 50 }, (l) => zeroRate(l, 'DataRouter0') === undefined, WAIT_MS);
    expect(cleared.history.some((a) => a.rule === 'dataRouterZeroRate' && a.subject === 'DataRouter0' && a.clearedAt !== null)).toBe(true);
  }, 120_000);
});
