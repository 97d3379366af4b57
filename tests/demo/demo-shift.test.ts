// The whole shift on the demo, in serve mode: the built `serve.js` on a fresh data directory
// offers the demo; the demo's simulated ECC servers and worker computer run in the application's
// own thread; everything is driven through the HTTP API and followed over the WebSocket, as a
// browser would. Config sets chosen, Bring all to Ready, Start all, data files appear, Stop all,
// files organized into run_0000 and configs backed up, routers clean again, the next run is 1,
// marked "config changed" after a demo config file was edited between the runs, and the two runs
// compared show the edited line; and after a restart the demo runs again.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EccStatus, InputOf, Job, OperationName, OutputOf, QueryName, RunControlStatus, WorkersStatus } from '../../src/shared/api/contract';
import type { ServerMessage } from '../../src/shared/api/transport';
import { onCleanup, request, TestSocket } from '../api/support';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { tempDir } from '../support/store';

const builtServe = fileURLToPath(new URL('../../out/main/serve.js', import.meta.url));
// Waits on what the application reports; the worker checks run every 15 s, jobs every 5 s.
const WAIT_MS = 90_000;

async function serve(dataDir: string): Promise<ServeProcess> {
  const served = await startServeProcess({ script: builtServe, args: ['--data', dataDir, '--port', '0'] });
  onCleanup(() => {
    if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGKILL');
  });
  return served;
}

async function call<K extends OperationName>(s: ServeProcess, op: K, input: InputOf<K>): Promise<OutputOf<K>> {
  const answer = await request(`${s.origin}/api/${op}`, { method: 'POST', headers: { Authorization: `Bearer ${s.token}` }, body: JSON.stringify(input) });
  const result = answer.json as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!result.ok) throw new Error(`${op} refused: ${result.error?.message}`);
  return result.value as OutputOf<K>;
}

let nextId = 0;
/** Subscribes over the WebSocket and resolves with the first pushed value that satisfies `done`. */
async function waitFor<K extends QueryName>(socket: TestSocket, op: K, input: InputOf<K>, done: (value: OutputOf<K>) => boolean, what: string): Promise<OutputOf<K>> {
  const id = `w${++nextId}`;
  let last: unknown;
  socket.send({ type: 'subscribe', id, op, input });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`Waited ${WAIT_MS} ms for ${what}; last ${op}: ${JSON.stringify(last, null, 1)}`)), WAIT_MS).unref(),
  );
  const match = socket.nextMatching((message: ServerMessage) => {
    if (message.type !== 'data' || message.id !== id || !message.result.ok) return false;
    last = message.result.value;
    return done(message.result.value as OutputOf<K>);
  });
  try {
    const message = await Promise.race([match, timeout]);
    return (message as Extract<ServerMessage, { type: 'data' }>).result.ok ? ((message as { result: { value: unknown } }).result.value as OutputOf<K>) : (undefined as never);
  } finally {
    socket.send({ type: 'unsubscribe', id });
  }
}

/** Every .graw file below a folder on this computer, as paths relative to it. */
function grawFiles(folder: string, prefix = ''): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? grawFiles(join(folder, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.graw') ? [`${prefix}${entry.name}`] : [],
  );
}

describe.skipIf(!existsSync(builtServe))('the demo shift in serve mode (needs `npm run build`)', () => {
  it('runs the whole shift on the demo, twice, and comes back after a restart', async () => {
    const dataDir = tempDir('daq-demo-');
    let s = await serve(dataDir);
    let socket = await TestSocket.connect(s.origin, { Authorization: `Bearer ${s.token}` });

    // An empty database: the demo is offered, not made.
    expect(await call(s, 'experiments.list', {})).toEqual([]);
    expect(await call(s, 'demo.status', {})).toMatchObject({ experimentId: null, running: false });
    const experiment = await call(s, 'demo.create', {});
    expect(experiment).toMatchObject({ name: 'demo', active: true });
    const demo = await call(s, 'demo.status', {});
    expect(demo).toMatchObject({ experimentId: experiment.id, running: true, problem: null });
    const root = demo.workerRoot!;

    // Four CoBos and a MuTAnT; the config sets are read from the simulated servers by themselves.
    const setup = await waitFor(socket, 'setup.get', {}, (v) => v !== null && v.eccServers.length === 5 && v.eccServers.every((e) => e.configSets.length > 0), 'the config sets');
    expect(setup!.eccServers.map((e) => e.name)).toEqual(['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant']);
    expect(setup!.dataSources.map((d) => d.name)).toEqual(['CoBo[0]', 'CoBo[1]', 'CoBo[2]', 'CoBo[3]', 'Mutant[master]']);
    for (const server of setup!.eccServers) await call(s, 'configSets.select', { id: server.configSets[0]!.id });

    // The worker computer answers the checks: every router running, staging clean.
    const routersClean = (w: WorkersStatus) => w.dataRouters.length === 5 && w.dataRouters.every((r) => r.processRunning === true && r.clean === true && r.error === null);
    const workers = await waitFor(socket, 'workers.status', {}, routersClean, 'the routers checked clean');
    expect(workers.eccServers.every((e) => e.processRunning === true)).toBe(true);

    await call(s, 'ecc.bringAllToReady', {});
    await waitFor(socket, 'ecc.status', {}, (v: EccStatus) => v.operation === null && v.overall === 'Ready', 'Ready');
    // The selected sets' config files read over SFTP (Start all's checklist), as an operator sees them pass.
    const configRead = (v: RunControlStatus) => v.checklist.filter((i) => i.key.startsWith('config-files:') && i.status === 'pass').length === 5;
    await waitFor(socket, 'runs.status', {}, configRead, 'the config files read');

    for (const runNumber of [0, 1]) {
      await call(s, 'runs.startAll', {});
      await waitFor(socket, 'runs.status', {}, (v: RunControlStatus) => v.currentRun?.number === runNumber, `run ${runNumber} recorded`);
      await waitFor(socket, 'ecc.status', {}, (v: EccStatus) => v.operation === null && v.overall === 'Running', 'Running');
      // The simulated data routers write while their servers run; the checks see the files.
      await waitFor(socket, 'workers.status', {}, (w) => w.dataRouters.every((r) => (r.grawFiles ?? 0) > 0), 'data files written');

      await call(s, 'runs.stopAll', {});
      await waitFor(socket, 'runs.status', {}, (v) => v.currentRun === null, `run ${runNumber} stopped`);
      const jobs = await waitFor(
        socket,
        'jobs.list',
        {},
        // Per router: organize, then its manifest; per ECC server: the backup.
        (list: Job[]) => list.filter((j) => j.runNumber === runNumber).length === 15 && list.filter((j) => j.runNumber === runNumber).every((j) => j.status === 'done'),
        `the after-stop jobs of run ${runNumber}`,
      );
      expect(jobs.filter((j) => j.runNumber === runNumber && j.kind === 'organize_files')).toHaveLength(5);
      expect(jobs.filter((j) => j.runNumber === runNumber && j.kind === 'checksum_files')).toHaveLength(5);
      const after = await waitFor(socket, 'workers.status', {}, routersClean, 'the routers clean again');

      // On the simulated computer: no .graw left in any staging directory, all in run_NNNN.
      const folder = `run_${String(runNumber).padStart(4, '0')}`;
      for (const router of after.dataRouters) {
        const staging = join(root, router.stagingDirectory!);
        const files = grawFiles(staging);
        expect(files.length).toBeGreaterThan(0);
        expect(files.every((f) => f.startsWith(`demo/run_`))).toBe(true);
        expect(files.some((f) => f.startsWith(`demo/${folder}/`))).toBe(true);
        // Each run folder has its manifest, as sha256sum -c reads it.
        expect(readFileSync(join(staging, 'demo', folder, 'MANIFEST.sha256'), 'utf8')).toMatch(/^([0-9a-f]{64} {2}\S+\.graw\n)+$/);
      }
      for (const server of setup!.eccServers) {
        const backups = readdirSync(join(root, server.configBackupRoot, 'demo', folder));
        expect(backups.filter((name) => !name.startsWith('.')).sort()).toHaveLength(3);
      }
      // Between the runs, an operator edits one of the demo's config files on its computer.
      if (runNumber === 0) {
        const file = join(root, setup!.eccServers[1]!.configRoot, 'prepare-beam.xcfg');
        writeFileSync(file, readFileSync(file, 'utf8').replace('  <Node id="demo">', '  <Node id="demo" threshold="25">'));
      }
    }
    const sheet = await call(s, 'runSheet.get', {});
    expect(sheet!.runs.map((r) => r.number).sort()).toEqual([0, 1]);
    // Run 1 is marked "config changed"; the comparison names the file and shows the line.
    const byNumber = new Map(sheet!.runs.map((r) => [r.number, r]));
    expect(byNumber.get(0)!.config).toMatchObject({ changed: null, warnings: [] });
    expect(byNumber.get(1)!.config).toMatchObject({ changed: true, warnings: [] });
    const comparison = await call(s, 'runs.compare', { a: 0, b: 1 });
    expect(comparison).toMatchObject({ differentFiles: 1, differentSets: 0 });
    const differing = comparison.servers.flatMap((server) => server.files.filter((f) => f.same !== true).map((f) => ({ server: server.eccServer, ...f })));
    expect(differing).toMatchObject([{ server: 'ECC1', role: 'prepare', a: { name: 'prepare-beam.xcfg' }, problem: null, notes: [] }]);
    expect(differing[0]!.diff!.rows.filter((row) => row.kind !== 'same' && row.kind !== 'skipped')).toEqual([
      { kind: 'changed', a: { line: 4, text: '  <Node id="demo">' }, b: { line: 4, text: '  <Node id="demo" threshold="25">' } },
    ]);

    // The remote log of a data router shows what the simulated router wrote.
    const log = await call(s, 'remoteLogs.tail', { component: 'dataRouter', id: setup!.dataRouters[0]!.id, lines: 5 });
    expect(log.error).toBeNull();
    expect(log.lines.length).toBeGreaterThan(0);

    // A restart: the demo runs again on its own, and answers.
    await socket.close();
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    s = await serve(dataDir);
    socket = await TestSocket.connect(s.origin, { Authorization: `Bearer ${s.token}` });
    await waitFor(socket, 'demo.status', {}, (v) => v.running, 'the demo running again');
    await waitFor(socket, 'ecc.status', {}, (v) => v.servers.length === 5 && v.servers.every((x) => x.reachable === true), 'the simulated servers reachable');
    await waitFor(socket, 'workers.status', {}, routersClean, 'the routers checked after the restart');
    await socket.close();
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  }, 400_000);
});
