// Scenario: the data flow during a run. Ten data routers on one worker computer — a REAL OpenSSH
// server on 127.0.0.1 (tests/support/sshd.ts) and real processes named dataRouter listening on
// their ports in their staging folders — each folder holding N/10 `.graw` files, one of which
// another process appends to at a known rate. The application (this process) reads every folder
// every 2 s (its setting) through its SSH threads while a run goes. Measured: the main thread's
// event-loop delay while the reads go (target p99 ≤ 20 ms), and the application's CPU time
// (main thread and its worker threads: process.cpuUsage) during the run minus the same time
// without a run (the 15 s SSH checks go on in both), per router and per reading.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRun, findCurrentRun, stopRun } from '../../src/main/runsheet/queries';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd } from '../../tests/support/sshd';
import { waitForQuery } from '../../tests/support/wait-for-query';
import { fakePrograms } from '../../tests/worker-node/programs';
import { BENCH_CALLER, call, openBenchApp } from '../lib/application';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { round } from '../lib/stats';

const ROUTERS = 10;
const DEFAULT_FILES = 10_000;
const DEFAULT_SECONDS = 30;
/** Bytes per second each router's writer appends (2 MB/s in all: a rate to read, not a disk to fill). */
const WRITE_BYTES_PER_SECOND = 200_000;
const RESOLUTION_MS = 10;
const TARGET_P99_MS = 20;

/** A process apart (its CPU is not the application's) appending to `<folder>/growing.graw` in each folder at `rate` bytes/s. */
function startWriters(folders: readonly string[], rate: number): ChildProcess {
  const script = `
    const fs = require('fs'); const path = require('path');
    const [rate, ...dirs] = [Number(process.argv[1]), ...process.argv.slice(2)];
    const fds = dirs.map((d) => fs.openSync(path.join(d, 'growing.graw'), 'a'));
    const began = Date.now(); let written = 0;
    setInterval(() => {
      const due = Math.floor((rate * (Date.now() - began)) / 1000) - written;
      if (due <= 0) return;
      const chunk = Buffer.alloc(due, 0x47);
      for (const fd of fds) fs.writeSync(fd, chunk);
      written += due;
    }, 50);
  `;
  return spawn(process.execPath, ['-e', script, String(rate), ...folders], { stdio: 'ignore' });
}

/** CPU time of this process (every thread) in ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Measures the event-loop delay and the CPU time over `seconds`. */
async function measure(seconds: number) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const cpuBefore = cpuMs();
  const start = performance.now();
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  histogram.disable();
  const elapsed = (performance.now() - start) / 1000;
  const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    elapsed,
    cpuMs: cpuMs() - cpuBefore,
    p50: delay(histogram.percentile(50)),
    p99: delay(histogram.percentile(99)),
    max: delay(histogram.max),
    samples: histogram.count,
  };
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  if (!sshdAvailable()) throw new Error(`No OpenSSH server here ${sshdUnavailableReason() ?? ''}`);
  const files = options.files ?? DEFAULT_FILES;
  const perRouter = Math.max(1, Math.floor(files / ROUTERS));
  const seconds = options.seconds ?? DEFAULT_SECONDS;
  const sandbox = realpathSync(mkdtempSync(join(tmpdir(), 'daq-bench-dataflow-')));
  // As in the organize scenario: sessions get an empty home (this machine's root ~/.bashrc is slow).
  const remoteHome = join(sandbox, 'remote-home');
  const home = join(sandbox, 'home');
  mkdirSync(remoteHome);
  mkdirSync(join(home, '.ssh'), { recursive: true });
  const sshd = await startSshd({ extraConfig: [`SetEnv HOME=${remoteHome}`] });
  const programs = fakePrograms();
  // The ECC schedule is off (no ECC server here); the SSH checks and the data flow run on their own schedules.
  const bench = openBenchApp({ ecc: { schedule: false }, ssh: { connect: { sshConfig: { home, env: {} } }, schedule: {} } });
  const { app } = bench;
  let writers: ChildProcess | undefined;
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  let data: Record<string, unknown> = {};
  try {
    trustHostKey(join(app.dataDir, 'known_hosts'), sshd.host, sshd.port, Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64'));
    await call(app, 'sshHosts.set', { host: sshd.host, user: sshd.user, port: sshd.port, identityFile: sshd.privateKeyPath });
    const experiment = await call(app, 'experiments.create', { name: 'dataflow', activate: true });
    const folders: string[] = [];
    for (let i = 0; i < ROUTERS; i++) {
      const folder = join(sandbox, `router${i}`);
      mkdirSync(folder);
      for (let f = 0; f < perRouter; f++) writeFileSync(join(folder, `CoBo${i}_AsAd0_2025-06-01T12:00:00.000_${String(f).padStart(5, '0')}.graw`), `event data ${f}\n`);
      const port = await freePort();
      await programs.start('dataRouter', { cwd: folder, port });
      await call(app, 'dataRouters.add', { name: `DataRouter${i}`, address: sshd.host, port, connectionType: 'TCP', logPath: '/var/log/dataRouter.log' });
      folders.push(folder);
    }
    // The checks find every staging folder (the data flow reads the folders they found).
    await waitForQuery(app.service, BENCH_CALLER, 'workers.status', {}, (s) => s.dataRouters.length === ROUTERS && s.dataRouters.every((r) => r.stagingDirectory !== null), 60_000);
    writers = startWriters(folders, WRITE_BYTES_PER_SECOND);
    options.log(`  ${ROUTERS} routers × ${perRouter} files, each folder growing at ${WRITE_BYTES_PER_SECOND / 1000} kB/s; ${seconds} s without a run, then ${seconds} s with one`);

    const idle = await measure(seconds);
    createRun(app.store, { experimentId: experiment.id, configName: 'bench' });
    // Measured once every router has a rate: reads are under way.
    await waitForQuery(app.service, BENCH_CALLER, 'dataFlow.status', {}, (s) => s.routers.length === ROUTERS && s.routers.every((r) => r.current && r.rateMBps !== null), 60_000);
    const roundsBefore = app.dataFlowScheduler.stats;
    const during = await measure(seconds);
    const roundsAfter = app.dataFlowScheduler.stats;
    const status = await call(app, 'dataFlow.status', {});
    const run = findCurrentRun(app.store, experiment.id);
    if (run) stopRun(app.store, run.id);

    const rounds = roundsAfter.finished - roundsBefore.finished;
    const skipped = roundsAfter.skipped - roundsBefore.skipped;
    const readings = rounds * ROUTERS;
    const addedCpuMsPerSecond = during.cpuMs / during.elapsed - idle.cpuMs / idle.elapsed;
    const perRouterMsPerSecond = addedCpuMsPerSecond / ROUTERS;
    const perReadingMs = readings > 0 ? (addedCpuMsPerSecond * during.elapsed) / readings : NaN;
    const measured = status.total.rateMBps ?? 0;
    options.log(
      `  with a run: ${rounds} rounds (${skipped} skipped) in ${round(during.elapsed)} s; delay p50 ${figure(during.p50, 'ms')}, p99 ${figure(during.p99, 'ms')}, max ${figure(during.max, 'ms')}; ` +
        `CPU ${round(during.cpuMs / during.elapsed)} ms/s (without a run ${round(idle.cpuMs / idle.elapsed)} ms/s): ${round(perRouterMsPerSecond)} ms/s per router; read ${round(measured)} MB/s of ${round((ROUTERS * WRITE_BYTES_PER_SECOND) / 1e6)} MB/s written`,
    );
    rows.push(
      { measure: 'event-loop delay p50, reading 10 routers', unit: 'ms', value: during.p50, note: `${during.samples} samples` },
      { measure: 'event-loop delay p99, reading 10 routers', unit: 'ms', value: during.p99, note: `without a run: ${round(idle.p99)} ms` },
      { measure: 'event-loop delay max, reading 10 routers', unit: 'ms', value: during.max },
      { measure: 'added CPU time per router', unit: 'ms/s', value: perRouterMsPerSecond, note: `${round((perRouterMsPerSecond / 1000) * 100)}% of a core per router` },
      { measure: 'added CPU time per reading', unit: 'ms', value: perReadingMs, note: `${readings} readings of ${perRouter} files` },
      { measure: 'rounds of readings', unit: '/s', value: rounds / during.elapsed, note: `${skipped} skipped (the previous still ran)` },
    );
    targets.push({ what: `event-loop delay p99, ${ROUTERS} routers read every 2 s`, target: `≤ ${TARGET_P99_MS} ms`, measured: figure(during.p99, 'ms'), met: during.p99 <= TARGET_P99_MS });
    data = {
      routers: ROUTERS,
      filesPerRouter: perRouter,
      seconds: round(during.elapsed),
      everySeconds: status.everySeconds,
      histogramResolutionMs: RESOLUTION_MS,
      eventLoopDelayMs: { p50: round(during.p50), p99: round(during.p99), max: round(during.max), samples: during.samples },
      eventLoopDelayWithoutRunMs: { p50: round(idle.p50), p99: round(idle.p99), max: round(idle.max), samples: idle.samples },
      cpuMsPerSecond: { withRun: round(during.cpuMs / during.elapsed), withoutRun: round(idle.cpuMs / idle.elapsed) },
      addedCpuMsPerSecondPerRouter: round(perRouterMsPerSecond),
      addedCpuMsPerReading: round(perReadingMs),
      rounds,
      skippedRounds: skipped,
      writtenMBps: (ROUTERS * WRITE_BYTES_PER_SECOND) / 1e6,
      readMBps: round(measured),
    };
  } finally {
    writers?.kill('SIGKILL');
    await bench.close();
    programs.close();
    await sshd.close();
    rmSync(sandbox, { recursive: true, force: true });
  }
  return { name: 'dataflow', title: 'Data flow during a run', rows, targets, data };
}

export const dataflow: Scenario = {
  name: 'dataflow',
  title: 'Data flow during a run',
  help: `10 routers' staging folders read every 2 s over a real OpenSSH server (--files ${DEFAULT_FILES}, --seconds ${DEFAULT_SECONDS} per phase)`,
  run,
};
