// The fault matrix, application cells: the application is a real process killed with SIGKILL in
// the middle of Start all or Stop all (against the project's ECC simulators, with slow steps to
// catch it mid-way) and started again at once on the same data directory. The lock does not
// block; the interrupted operation is reported with the servers' states and resolved by the
// documented action; run numbers are neither reused nor skipped. A Start all that fails part
// way is reported the same way.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_FILE } from '../../src/main/app/application';
import { Store } from '../../src/main/db/store';
import { ApiError } from '../../src/shared/api/errors';
import type { InterruptedOperation, Job, RunExport } from '../../src/shared/api/contract';
import type { EccSimulator } from '../../src/main/ecc/simulator';
import { nowIso } from '../../src/main/time';
import { startGrawWriter, type GrawWriter } from '../support/graw-writer';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { call, closeApp, giveConfigFiles, openApp, overrideChecklist as overrideRigChecklist, rig, waitFor, waitForReport, type Rig } from '../runs/support';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { tempDir, testApi } from '../support/store';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const childScript = join(root, 'tests/faults/app-child.ts');
const WAIT_MS = 30_000;

const processes: ServeProcess[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(processes.splice(0).map((p) => p.stop()));
});

/** The application as a real process on `dataDir` (the sources, run with tsx); `extra`: app-child.ts's options. */
async function startApp(dataDir: string, extra: readonly string[] = []): Promise<ServeProcess> {
  // node --import=tsx <child> <dataDir>: startServeProcess runs `node <script> <args>`.
  const started = await startServeProcess({ script: '--import=tsx', args: [childScript, dataDir, ...extra], cwd: root, startTimeoutMs: 60_000 });
  processes.push(started);
  return started;
}

async function kill(app: ServeProcess): Promise<void> {
  app.child.kill('SIGKILL');
  await app.exited;
}

/** Calls an operation over HTTP; the value, or an Error with the API's code and message. */
async function api<T>(app: ServeProcess, name: string, input: unknown = {}): Promise<T> {
  const answer = await fetch(`${app.origin}/api/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await answer.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code}: ${body.error?.message}`);
  return body.value as T;
}

/** Overrides, with a reason, every item of Start all's checklist that is not known here (no worker computers in these tests). */
async function overrideChecklist(app: ServeProcess): Promise<void> {
  const status = await api<{ checklist: { key: string; status: string; overridable: boolean; override: unknown }[] }>(app, 'runs.status');
  for (const item of status.checklist) {
    if (item.status !== 'pass' && item.override === null && item.overridable) await api(app, 'runs.overrideChecklistItem', { key: item.key, reason: 'no worker computers in this test' });
  }
}

/** Asks `name` again until its answer satisfies `done` (the application reports the state we wait for). */
async function until<T>(app: ServeProcess, name: string, done: (value: T) => boolean, what: string, waitMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await api<T>(app, name);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not reached within ${waitMs} ms; last ${name}: ${JSON.stringify(last)}\n${app.output()}`);
}

interface RunsStatus {
  currentRun: { id: number; number: number; startTime: string } | null;
}
interface SheetRun {
  id: number;
  number: number;
  title: string;
  startTime: string;
  stopTime: string | null;
}

/** Two CoBos and a MuTAnT, every server Ready, in a data directory the application process then opens. */
async function readyRig(): Promise<{ dataDir: string; r: Rig }> {
  const dataDir = tempDir('daq-fault-');
  const app = openApp(dataDir);
  const r = await rig({ cobos: 2, mutant: true, app });
  const since = nowIso();
  await call(app, 'ecc.bringAllToReady', {});
  expect(await waitForReport(app, since, WAIT_MS)).toMatchObject({ ok: true });
  await closeApp(app);
  return { dataDir, r };
}

const states = (sims: readonly EccSimulator[]) => sims.map((s) => s.state);

describe('the application killed with SIGKILL during Start all', { timeout: 90_000 }, () => {
  it('starts again at once, reports the interrupted Start all, and records the run with the reserved number when asked', async () => {
    const { dataDir, r } = await readyRig();
    const mutant = r.mutant!;
    // The MuTAnT's Start (the last step) takes long: the application is killed during it.
    mutant.sim.set({ stepDurations: { Start: 3_000 } });
    const first = await startApp(dataDir);
    await until<{ overall: string | null }>(first, 'ecc.status', (s) => s.overall === 'Ready', 'every server read Ready');
    await overrideChecklist(first);
    await api(first, 'runs.startAll');
    await mutant.sim.waitForRequest((request) => request.operation === 'Start', WAIT_MS);
    await kill(first);

    const second = await startApp(dataDir);
    // The MuTAnT's step ends in the server meanwhile: every server Running, no run recorded.
    const interrupted = await until<InterruptedOperation | null>(
      second,
      'runs.interrupted',
      (op) => op !== null && op.servers.every((s) => s.state === 'Running'),
      'the interrupted Start all with every server Running',
    );
    expect(interrupted).toMatchObject({ operation: 'startAll', kind: 'interrupted', runNumber: 0, actions: ['recordRun', 'stopServers'] });
    expect(interrupted!.message).toMatch(/^Start all was interrupted at \d\d:\d\d:\d\d: ECC0, ECC1, ECC_mutant Running, no run recorded\.$/);
    expect((await api<RunsStatus>(second, 'runs.status')).currentRun).toBeNull();
    // Nothing said silently: the restart logged it. And no new run can start over it.
    const log = await api<{ items: { message: string }[] }>(second, 'log.list', { levels: ['warning'] });
    expect(log.items.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Start all of run 0 was interrupted at /));
    await expect(api(second, 'runs.startAll')).rejects.toThrow(/REFUSED/);

    const { message } = await api<{ message: string }>(second, 'runs.resolveInterrupted', { id: interrupted!.id, action: 'recordRun' });
    expect(message).toMatch(/^Run 0 recorded after an interrupted Start all, with the start time /);
    const status = await api<RunsStatus>(second, 'runs.status');
    expect(status.currentRun?.number).toBe(0);
    const sheet = await api<{ runs: SheetRun[] }>(second, 'runSheet.get');
    expect(sheet.runs).toEqual([expect.objectContaining({ number: 0, stopTime: null, title: expect.stringMatching(/^Recorded after an interrupted Start all/) })]);
    // The start time is one the servers imply: after Start all began, before it was recorded.
    expect(Date.parse(sheet.runs[0]!.startTime)).toBeGreaterThanOrEqual(Date.parse(interrupted!.startedAt));
    // It keeps what the interrupted Start all was about to record: the checklist it passed (its
    // overrides too) and what each ECC server was started with.
    const { record } = await api<{ record: RunExport }>(second, 'runs.export', { id: sheet.runs[0]!.id });
    expect(record.provenance.map((p) => p.eccServer)).toEqual(['ECC0', 'ECC1', 'ECC_mutant']);
    for (const server of record.provenance) expect(server.configId).toContain('<SubConfigId type="describe">');
    expect(record.startChecklist.length).toBeGreaterThan(0);
    expect(record.startChecklist.some((item) => item.override !== null)).toBe(true);
    expect(await api(second, 'runs.interrupted')).toBeNull();
    // The audit trail has the operator's choice.
    const audit = await api<{ items: { action: string; result: string }[] }>(second, 'audit.list', { action: 'runs.resolveInterrupted' });
    expect(audit.items[0]).toMatchObject({ result: 'ok' });

    // The run goes on as any: Stop all closes it.
    await api(second, 'runs.stopAll');
    await until<RunsStatus>(second, 'runs.status', (s) => s.currentRun === null, 'run 0 stopped');
  });

  it('stops the servers it left Running when asked (the MuTAnT, Ready, is left alone), and the next run gets the number it had reserved', async () => {
    const { dataDir, r } = await readyRig();
    // The CoBos' Start takes long: killed while they start, the MuTAnT re-configured (Ready).
    for (const board of r.cobos) board.sim.set({ stepDurations: { Start: 2_000 } });
    const first = await startApp(dataDir);
    await until<{ overall: string | null }>(first, 'ecc.status', (s) => s.overall === 'Ready', 'every server read Ready');
    await overrideChecklist(first);
    await api(first, 'runs.startAll');
    await Promise.all(r.cobos.map((board) => board.sim.waitForRequest((request) => request.operation === 'Start', WAIT_MS)));
    await kill(first);

    const second = await startApp(dataDir);
    const interrupted = await until<InterruptedOperation | null>(
      second,
      'runs.interrupted',
      (op) => op !== null && op.servers.filter((s) => s.state === 'Running').length === 2,
      'the CoBos Running after the interruption',
    );
    expect(interrupted!.message).toMatch(/^Start all was interrupted at \d\d:\d\d:\d\d: ECC0, ECC1 Running, ECC_mutant Ready, no run recorded\.$/);
    expect(interrupted!.actions).toEqual(['stopServers']);
    await expect(api(second, 'runs.resolveInterrupted', { id: interrupted!.id, action: 'recordRun' })).rejects.toThrow(/REFUSED: recordRun does not resolve this now/);

    for (const board of r.cobos) board.sim.set({ stepDurations: {} });
    await api(second, 'runs.resolveInterrupted', { id: interrupted!.id, action: 'stopServers' });
    await until<InterruptedOperation | null>(second, 'runs.interrupted', (op) => op === null, 'the interrupted Start all resolved');
    expect(states(r.all.map((b) => b.sim))).toEqual(['Ready', 'Ready', 'Ready']);
    // The MuTAnT was not stepped: it was not Running. No run was recorded.
    expect((await api<{ runs: SheetRun[] }>(second, 'runSheet.get')).runs).toEqual([]);

    // Run 0 is still the next: never skipped.
    await until<{ overall: string | null }>(second, 'ecc.status', (s) => s.overall === 'Ready', 'every server read Ready');
    await overrideChecklist(second);
    await api(second, 'runs.startAll');
    const started = await until<RunsStatus>(second, 'runs.status', (s) => s.currentRun !== null, 'a run recorded');
    expect(started.currentRun?.number).toBe(0);
  });
});

describe('the application killed with SIGKILL during Stop all', { timeout: 90_000 }, () => {
  it('starts again at once, reports the run still open, and closes it and queues its jobs when asked', async () => {
    const { dataDir, r } = await readyRig();
    const first = await startApp(dataDir);
    await until<{ overall: string | null }>(first, 'ecc.status', (s) => s.overall === 'Ready', 'every server read Ready');
    await overrideChecklist(first);
    await api(first, 'runs.startAll');
    await until<RunsStatus>(first, 'runs.status', (s) => s.currentRun?.number === 0, 'run 0 going');
    // The CoBos' Stop takes long (the MuTAnT stops first, quickly): killed while they stop.
    for (const board of r.cobos) board.sim.set({ stepDurations: { Stop: 2_000 } });
    await api(first, 'runs.stopAll');
    await Promise.all(r.cobos.map((board) => board.sim.waitForRequest((request) => request.operation === 'Stop', WAIT_MS)));
    await kill(first);

    const second = await startApp(dataDir);
    const interrupted = await until<InterruptedOperation | null>(
      second,
      'runs.interrupted',
      (op) => op !== null && op.actions.includes('closeRun'),
      'the interrupted Stop all with every server stopped',
    );
    expect(interrupted).toMatchObject({ operation: 'stopAll', kind: 'interrupted', runNumber: 0, actions: ['closeRun'] });
    expect(interrupted!.message).toMatch(/^Stop all was interrupted at \d\d:\d\d:\d\d: ECC0, ECC1, ECC_mutant Ready, run 0 still open\.$/);
    expect((await api<RunsStatus>(second, 'runs.status')).currentRun?.number).toBe(0);

    const { message } = await api<{ message: string }>(second, 'runs.resolveInterrupted', { id: interrupted!.id, action: 'closeRun' });
    expect(message).toMatch(/^Run 0 closed after an interrupted Stop all, with the stop time .*; 6 after-stop jobs queued$/);
    expect((await api<RunsStatus>(second, 'runs.status')).currentRun).toBeNull();
    const jobs = await api<{ runNumber: number; status: string }[]>(second, 'jobs.list');
    expect(jobs).toHaveLength(6);
    expect(jobs.every((job) => job.runNumber === 0 && job.status === 'pending')).toBe(true);
    const sheet = await api<{ runs: SheetRun[] }>(second, 'runSheet.get');
    expect(sheet.runs).toEqual([expect.objectContaining({ number: 0, stopTime: expect.any(String) })]);
    expect(await api(second, 'runs.interrupted')).toBeNull();
  });
});

describe.skipIf(!sshdAvailable())(`the application killed with SIGKILL during organizing ${sshdUnavailableReason() ?? ''}`, { timeout: 180_000 }, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;
  const writers: GrawWriter[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterEach(() => {
    for (const writer of writers.splice(0)) if (writer.running()) writer.child.kill('SIGKILL');
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  const graw = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((n) => n.endsWith('.graw')).sort() : []);
  /** Every `.graw` file below `folder`, by its path relative to it: a file moved twice would be in two places, or gone. */
  const grawTree = (folder: string): string[] =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.graw'))
      .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
      .sort();

  it('starts again at once, tries the organize job again, and every file of the run ends up in run_0000 once, the log saying what happened', async () => {
    const dataDir = dataDirTrusting(sshd, 'daq-fault-');
    const home = sshHomeFor(sshd);
    // A CoBo whose data router is a real dataRouter process in its own staging folder, every
    // server Ready, files settled after 2 s (the operator's setting): set up, then closed.
    const setup = openApp(dataDir);
    const r = await rig({ cobos: 1, app: setup });
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    await call(setup, 'dataRouters.update', { id: r.cobos[0]!.dataRouterId, port });
    await giveConfigFiles(setup, r.cobos[0]!.eccServerId);
    await call(setup, 'settings.update', { settleSeconds: 2 });
    const since = nowIso();
    await call(setup, 'ecc.bringAllToReady', {});
    expect(await waitForReport(setup, since, WAIT_MS)).toMatchObject({ ok: true });
    await closeApp(setup);

    const withSsh = ['--ssh-home', home];
    const first = await startApp(dataDir, withSsh);
    await until<{ overall: string | null }>(first, 'ecc.status', (s) => s.overall === 'Ready', 'every server read Ready');
    await until<{ dataRouters: { clean: boolean | null }[] }>(first, 'runs.status', (s) => s.dataRouters[0]?.clean === true, 'the router checked clean', 60_000);
    await overrideChecklist(first);
    await api(first, 'runs.startAll');
    await until<RunsStatus>(first, 'runs.status', (s) => s.currentRun?.number === 0, 'run 0 going');
    writeFileSync(join(staging, 'a.graw'), 'written during the run\n');
    // 60 writes of 200 ms: the router goes on writing for 12 s after Stop, over the kill and the restart.
    const writer = startGrawWriter(staging, 60);
    writers.push(writer);
    await api(first, 'runs.stopAll');
    await until<Job[]>(
      first,
      'jobs.list',
      (jobs) => jobs.some((j) => j.kind === 'organize_files' && j.phase === 'waiting for DataRouter0 to finish writing'),
      'the organize job waiting for the router',
    );
    await kill(first);
    const run = join(staging, 'e20009', 'run_0000');
    expect(graw(run)).toEqual([]);

    const second = await startApp(dataDir, withSsh);
    const done = await until<Job[]>(second, 'jobs.list', (jobs) => jobs.some((j) => j.kind === 'organize_files' && j.status === 'done'), 'the organize job done', 90_000);
    // The killed try counted, the second one did it.
    expect(done.find((j) => j.kind === 'organize_files')).toMatchObject({ runNumber: 0, attempts: 2, lastError: '', phase: null });
    // The writer never found a file of its moved while it grew, and every write is in the run folder.
    expect(await writer.exited).toEqual({ code: 0, output: 'done' });
    expect(grawTree(staging)).toEqual(['e20009/run_0000/a.graw', 'e20009/run_0000/b.graw', 'e20009/run_0000/c.graw']);
    expect(readFileSync(join(run, 'a.graw'), 'utf8')).toBe('written during the run\n');
    expect(readFileSync(join(run, 'b.graw'), 'utf8').split('\n').filter(Boolean)).toHaveLength(60);
    expect(readFileSync(join(run, 'c.graw'), 'utf8').split('\n').filter(Boolean)).toHaveLength(30);
    // The log says what happened: the try cut short, then the files moved.
    const log = await api<{ items: { level: string; subject: string; message: string; details: string }[] }>(second, 'log.list', { levels: ['warning', 'info'], limit: 1000 });
    const router = log.items.filter((e) => e.subject === 'DataRouter0').map((e) => [e.level, e.message]);
    expect(router).toContainEqual(['warning', 'Organizing the files of run 0 on DataRouter0 was under way when the application ended: tried again']);
    expect(router).toContainEqual(['info', `Organizing the files of run 0 on DataRouter0: 3 file(s) moved to ${run}`]);
    // The run itself was closed before the kill: nothing to resolve, and the router is clean again.
    expect(await api(second, 'runs.interrupted')).toBeNull();
    expect((await api<{ runs: SheetRun[] }>(second, 'runSheet.get')).runs).toEqual([expect.objectContaining({ number: 0, stopTime: expect.any(String) })]);
    await until<{ dataRouters: { clean: boolean | null }[] }>(second, 'runs.status', (s) => s.dataRouters[0]?.clean === true, 'the router clean again');
  });
});

describe('a Start all that fails part way', { timeout: 90_000 }, () => {
  it('is reported with the servers it left Running, and stopping them leaves every server Ready', async () => {
    const app = openApp();
    const r = await rig({ cobos: 2, mutant: true, app });
    let since = nowIso();
    await call(app, 'ecc.bringAllToReady', {});
    await waitForReport(app, since, WAIT_MS);
    r.mutant!.sim.set({ failStep: { step: 'Start', message: 'trigger module not answering' } });
    since = nowIso();
    await overrideRigChecklist(app);
    await call(app, 'runs.startAll', {});
    expect(await waitForReport(app, since, WAIT_MS)).toMatchObject({ ok: false });
    const failed = await waitFor(app, 'runs.interrupted', {}, (op) => op !== null);
    expect(failed).toMatchObject({ operation: 'startAll', kind: 'failed', runNumber: 0, actions: ['stopServers'] });
    expect(failed!.message).toMatch(/^Start all failed part way at \d\d:\d\d:\d\d: ECC0, ECC1 Running, ECC_mutant Ready, no run recorded\.$/);
    expect(failed!.failure).toMatch(/trigger module not answering/);

    r.mutant!.sim.set({ failStep: null });
    await call(app, 'runs.resolveInterrupted', { id: failed!.id, action: 'stopServers' });
    await waitFor(app, 'runs.interrupted', {}, (op) => op === null, WAIT_MS);
    expect(states(r.all.map((b) => b.sim))).toEqual(['Ready', 'Ready', 'Ready']);
  });

  it('is reported when it broke the MuTAnT up and could not configure it again, and resolving it configures the MuTAnT back to Ready', async () => {
    const app = openApp();
    const r = await rig({ cobos: 1, mutant: true, app });
    let since = nowIso();
    await call(app, 'ecc.bringAllToReady', {});
    await waitForReport(app, since, WAIT_MS);
    // Start all's re-configuration of the MuTAnT: Breakup works, Configure fails.
    r.mutant!.sim.set({ failStep: { step: 'Configure', message: 'clock not locked' } });
    since = nowIso();
    await overrideRigChecklist(app);
    await call(app, 'runs.startAll', {});
    expect(await waitForReport(app, since, WAIT_MS)).toMatchObject({ ok: false });
    const failed = await waitFor(app, 'runs.interrupted', {}, (op) => op !== null);
    expect(failed!.message).toMatch(/^Start all failed part way at \d\d:\d\d:\d\d: ECC0 Ready, ECC_mutant Prepared, no run recorded\.$/);
    expect(failed!.actions).toEqual(['stopServers']);

    r.mutant!.sim.set({ failStep: null });
    await call(app, 'runs.resolveInterrupted', { id: failed!.id, action: 'stopServers' });
    await waitFor(app, 'runs.interrupted', {}, (op) => op === null, WAIT_MS);
    expect(states(r.all.map((b) => b.sim))).toEqual(['Ready', 'Ready']);
  });
});

describe('the database full (PRAGMA max_page_count)', () => {
  it('refuses a change with a clear error, writes nothing of it, and takes changes again once there is room', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const pages = api.store.db.pragma('page_count', { simple: true }) as number;
    api.store.db.pragma(`max_page_count = ${pages}`);
    // Every page is taken: a change with long text needs new ones.
    let refusal: ApiError | undefined;
    const created: string[] = [];
    for (let i = 0; i < 200 && !refusal; i++) {
      const name = `ECC${i}`;
      try {
        await api.call('eccServers.add', { name: `ECC${i}`, address: '127.0.0.1', port: 8083, logPath: `/log/${'x'.repeat(900)}${i}`, configRoot: '/c', configBackupRoot: '/b' });
        created.push(name);
      } catch (error) {
        refusal = error as ApiError;
      }
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/^The database is full \(its disk, or its size limit\): nothing of this change was written\./) });
    // Said where people look when the log itself cannot take it.
    expect(printed).toContainEqual(expect.stringMatching(/^The database is full/));
    // Nothing half-written: exactly the servers that were answered ok, and a sound file.
    expect(api.store.db.prepare('SELECT count(*) FROM ecc_server').pluck().get()).toBe(created.length);
    expect(api.store.db.pragma('integrity_check', { simple: true })).toBe('ok');

    api.store.db.pragma('max_page_count = 1073741823');
    await expect(api.call('eccServers.add', { name: 'ECC_after', address: '127.0.0.1', port: 8083, logPath: '/log', configRoot: '/c', configBackupRoot: '/b' })).resolves.toMatchObject({ name: 'ECC_after' });
  });
});

describe('the database file read-only', () => {
  it('stops the start with a message that says so, before anything runs', async () => {
    const dataDir = tempDir('daq-fault-');
    // The data directory as an earlier start left it, its database then made read-only.
    new Store(join(dataDir, DATABASE_FILE)).close();
    chmodSync(join(dataDir, DATABASE_FILE), 0o444);
    chmodSync(dataDir, 0o777);
    // As root every file is writable: the application runs as nobody, like an operator's account.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const child = spawn(asUser[0]!, [...asUser.slice(1), '--import=tsx', join(root, 'src/main/serve.ts'), '--data', dataDir, '--port', '0'], { cwd: root });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`Error: The database ${join(dataDir, DATABASE_FILE)} cannot be written (the file is read-only: EACCES).`);
    expect(stderr).toContain('make the file and its folder writable for this user, or use another data directory');
  });
});
