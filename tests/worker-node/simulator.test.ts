// The simulated worker computer answers the application's own SSH code (connection.ts, the SSH
// tasks of ssh-worker.ts over files.ts, processes.ts and staging.ts) as a real worker would, on
// real sockets on 127.0.0.1: it finds processes and staging directories, files are counted,
// organized and backed up, logs are read, and strangers, escapes and unknown commands are refused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SshConnections, SshError, commandLine, type SshConnection } from '../../src/main/worker-node/connection';
import { fingerprintSha256 } from '../../src/main/worker-node/known-hosts';
import { parseProcessList } from '../../src/main/worker-node/processes';
import {
  backupConfigs,
  checksumFiles,
  checkDataRouter,
  checkEccServerProcess,
  organizeFiles,
  snapshotStaging,
  tailLog,
  type SshConnectSettings,
  type SshHost,
  type SshTaskResult,
} from '../../src/main/worker-node/ssh-worker';
import { generateEd25519KeyPair, parseCommandLine, startWorkerSimulator, type SimulatedDataRouter, type WorkerSimulator } from '../../src/main/worker-node/simulator';

const { STATUS_CODE } = ssh2.utils.sftp;
const USER = 'daq';
const HOME = '/home/daq';
const ECC_ARGS = '/opt/get/bin/getEccSoapServer --port 8083';

const scratch = mkdtempSync(join(tmpdir(), 'daq-worker-sim-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
function folder(name: string): string {
  const dir = join(scratch, `${++folders}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function keyFile(name: string): { path: string; publicKey: string } {
  const pair = generateEd25519KeyPair(name);
  const path = join(folder('keys'), name);
  writeFileSync(path, pair.private, { mode: 0o600 });
  return { path, publicKey: pair.public };
}

interface World {
  worker: WorkerSimulator;
  routers: SimulatedDataRouter[];
  eccPid: number;
  /** How the application connects: known_hosts holding the simulator's key, no ~/.ssh, no agent. */
  connect: SshConnectSettings;
  target: SshHost;
  knownHosts: string;
  identityFile: string;
  /** The host folder of a path on the simulated computer. */
  host(path: string): string;
}

const running: WorkerSimulator[] = [];
const openConnections: SshConnections[] = [];
afterEach(async () => {
  await Promise.all(openConnections.splice(0).map((c) => c.close()));
  await Promise.all(running.splice(0).map((w) => w.close()));
});

/** A worker computer running one ECC server and two data routers (ports 46005 and 46015). */
async function world(options: { maxSessions?: number } = {}): Promise<World> {
  const client = keyFile('client');
  const root = folder('root');
  const worker = await startWorkerSimulator({
    root,
    user: USER,
    authorizedKeys: [client.publicKey],
    home: HOME,
    processes: [{ args: ECC_ARGS, cwd: HOME, listenPorts: [8083] }, { args: 'tail -F /home/daq/log/dataRouter0.log' }],
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
  });
  running.push(worker);
  mkdirSync(worker.sandbox.hostPath(HOME), { recursive: true });
  const routers = [
    await worker.addDataRouter({ name: 'DataRouter0', port: 46005, stagingDirectory: '/data/cobo0', logPath: '/home/daq/log/DataRouter0.log', filePrefix: 'CoBo0_AsAd0', writeIntervalMs: 10, chunkBytes: 512, writesPerFile: 2 }),
    await worker.addDataRouter({ name: 'DataRouter1', port: 46015, stagingDirectory: '/data/cobo1', logPath: '/home/daq/log/DataRouter1.log', filePrefix: 'CoBo1_AsAd0', writeIntervalMs: 10, chunkBytes: 512, writesPerFile: 2 }),
  ];
  const dataDir = folder('data');
  const home = folder('home');
  const knownHosts = join(dataDir, 'known_hosts');
  writeFileSync(knownHosts, `${worker.knownHostsLine}\n`);
  return {
    worker,
    routers,
    eccPid: worker.processes.find((p) => p.args === ECC_ARGS)!.pid,
    connect: { dataDir, knownHostsFiles: [knownHosts], sshConfig: { home, env: {} }, readyTimeoutMs: 10_000 },
    target: { alias: worker.host, overrides: { user: USER, port: worker.port, identityFile: client.path } },
    knownHosts,
    identityFile: client.path,
    host: (path) => worker.sandbox.hostPath(path),
  };
}

/** A task's value, or the test fails with the task's own message. */
function value<T>(result: SshTaskResult<T>): T {
  if (!result.ok) throw new Error(`SSH task failed (${result.kind}): ${result.message}`);
  return result.value;
}

function task(w: World) {
  return { connect: w.connect, target: w.target, timeoutMs: 15_000 };
}

async function connection(w: World): Promise<SshConnection> {
  const connections = new SshConnections({ dataDir: w.connect.dataDir, knownHostsFiles: w.connect.knownHostsFiles!, sshConfig: w.connect.sshConfig!, readyTimeoutMs: 10_000 });
  openConnections.push(connections);
  return connections.connection(w.target.alias, w.target.overrides);
}

async function sftpOf(conn: SshConnection): Promise<SFTPWrapper> {
  return conn.ssh.requestSFTP();
}

/** The SFTP status code a call fails with (the test fails if it succeeds). */
function sftpFailure(start: (done: (error: Error | null | undefined) => void) => void): Promise<number> {
  return new Promise((resolve, reject) =>
    start((error) => {
      if (!error) reject(new Error('The SFTP call succeeded'));
      else resolve((error as Error & { code: number }).code);
    }),
  );
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function grawFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.graw')).sort();
}

/** Runs a data router until it has written at least `files` files, then stops the run. */
async function runUntil(router: SimulatedDataRouter, files: number): Promise<void> {
  const before = router.filesWritten;
  router.startRun();
  await until(() => router.filesWritten >= before + files, `${files} files from ${router.name}`);
  await router.stopRun();
}

describe('the simulated worker computer, seen by the application', () => {
  it('shows getEccSoapServer and dataRouter to the process check on their own ports, and not once they are stopped', async () => {
    const w = await world();
    expect(value(await checkEccServerProcess({ ...task(w), port: 8083 }))).toEqual({ running: true, process: { kind: 'running', port: 8083, pid: w.eccPid } });
    expect(value(await checkDataRouter({ ...task(w), port: 46005 })).process).toEqual({ kind: 'running', port: 46005, pid: w.routers[0]!.pid });

    expect(w.worker.stopProcess(w.eccPid)).toBe(true);
    expect(value(await checkEccServerProcess({ ...task(w), port: 8083 }))).toEqual({ running: false, process: { kind: 'not-running', port: 8083 } });
    // One router stopped among two: only its own check says so.
    await w.routers[0]!.stopProcess();
    expect(value(await checkDataRouter({ ...task(w), port: 46005 }))).toMatchObject({ processRunning: false, process: { kind: 'not-running', port: 46005 }, staging: { kind: 'not-listening' }, clean: null });
    expect(value(await checkDataRouter({ ...task(w), port: 46015 }))).toMatchObject({ processRunning: true, staging: { kind: 'found', directory: '/data/cobo1' } });
    await w.routers[1]!.stopProcess();
    expect(value(await checkDataRouter({ ...task(w), port: 46005 }))).toEqual({
      processRunning: false,
      process: { kind: 'not-running', port: 46005 },
      staging: { kind: 'no-data-router' },
      clean: null,
      disk: null,
      diskProblem: null,
      nextRunFolder: null,
      nextRunFolderProblem: null,
    });
  });

  it('answers df -Pk with the real size of the file system its sandbox is on, and refuses a folder that is not there', async () => {
    const w = await world();
    const conn = await connection(w);
    const simulated = await conn.exec(['df', '-Pk', '/data/cobo0']);
    const real = spawnSync('df', ['-Pk', w.worker.sandbox.root], { encoding: 'utf8' });
    const total = (out: string) => Number(out.trim().split('\n')[1]?.trim().split(/\s+/)[1]);
    expect(simulated.code).toBe(0);
    expect(total(simulated.stdout)).toBe(total(real.stdout));
    expect(await conn.exec(['df', '-Pk', '/data/none'])).toEqual({ code: 1, stdout: '', stderr: 'df: /data/none: No such file or directory\n' });
    expect((await conn.exec(['df', '-h', '/data/cobo0'])).code).toBe(1);
  });

  it('answers sha256sum -- <paths> as coreutils does, the checksum task reading it back, and says which file it cannot read', async () => {
    const w = await world();
    const folder = w.worker.sandbox.hostPath('/data/cobo0');
    writeFileSync(join(folder, 'a.graw'), 'first');
    writeFileSync(join(folder, 'b.graw'), '');
    const conn = await connection(w);
    const simulated = await conn.exec(['sha256sum', '--', '/data/cobo0/a.graw', '/data/cobo0/b.graw']);
    const real = spawnSync('sha256sum', ['--', join(folder, 'a.graw'), join(folder, 'b.graw')], { encoding: 'utf8' });
    expect(simulated).toEqual({ code: 0, stdout: real.stdout.replaceAll(folder, '/data/cobo0'), stderr: '' });
    expect(value(await checksumFiles({ ...task(w), folder: '/data/cobo0', names: ['a.graw'] }))).toEqual({ 'a.graw': real.stdout.slice(0, 64) });
    expect(await conn.exec(['sha256sum', '--', '/data/cobo0/none.graw'])).toEqual({ code: 1, stdout: '', stderr: 'sha256sum: /data/cobo0/none.graw: No such file or directory\n' });
    expect((await conn.exec(['sha256sum', '/data/cobo0/a.graw'])).code).toBe(1);
  });

  it('names another program listening on a port', async () => {
    const w = await world();
    const stranger = w.worker.startProcess({ args: '/usr/bin/python3 -m http.server 46025', listenPorts: [46025] });
    expect(value(await checkDataRouter({ ...task(w), port: 46025 })).process).toEqual({ kind: 'other-program', port: 46025, pid: stranger.pid, program: 'python3' });
  });

  it('reports the staging disk from df, a simulated nearly full one included, and whether the next run folder exists', async () => {
    const w = await world();
    const check = value(await checkDataRouter({ ...task(w), port: 46005, nextRun: { experiment: 'e20009', runNumber: 3 } }));
    expect(check.disk).toMatchObject({ directory: '/data/cobo0', mountPoint: '/' });
    expect(check.disk!.totalKb).toBeGreaterThan(0);
    expect(check.disk!.usedKb + check.disk!.availableKb).toBeLessThanOrEqual(check.disk!.totalKb);
    expect(check.nextRunFolder).toEqual({ path: '/data/cobo0/e20009/run_0003', exists: false });

    w.worker.setFileSystem('/data/cobo0', { totalKb: 1_000_000, availableKb: 20_000 });
    mkdirSync(w.host('/data/cobo0/e20009/run_0003'), { recursive: true });
    const full = value(await checkDataRouter({ ...task(w), port: 46005, nextRun: { experiment: 'e20009', runNumber: 3 } }));
    expect(full.disk).toEqual({ directory: '/data/cobo0', totalKb: 1_000_000, usedKb: 980_000, availableKb: 20_000, usedPercent: 98, mountPoint: '/data/cobo0' });
    expect(full.nextRunFolder).toEqual({ path: '/data/cobo0/e20009/run_0003', exists: true });
    // The other router's directory is not on that file system.
    expect(value(await checkDataRouter({ ...task(w), port: 46015 })).disk?.mountPoint).toBe('/');
  });

  it('prints the process list as procps does, full program paths in the arguments', async () => {
    const w = await world();
    const ps = await (await connection(w)).exec(['ps', '-e', '-o', 'pid=,stat=,args=']);
    expect(ps.code).toBe(0);
    const entries = parseProcessList(ps.stdout);
    expect(entries.find((e) => e.pid === w.eccPid)).toMatchObject({ program: 'getEccSoapServer', args: ECC_ARGS, zombie: false });
    expect(entries.filter((e) => e.program === 'dataRouter').map((e) => e.pid)).toEqual(w.routers.map((r) => r.pid));
    // A `tail` of a data router's log is not a data router.
    expect(entries.find((e) => e.program === 'tail')?.args).toContain('dataRouter0.log');
  });

  it('finds the staging directory of the router on the asked port when several run on one computer', async () => {
    const w = await world();
    expect(value(await checkDataRouter({ ...task(w), port: 46015 })).staging).toEqual({ kind: 'found', pid: w.routers[1]!.pid, directory: '/data/cobo1' });
    expect(value(await checkDataRouter({ ...task(w), port: 46005 })).staging).toEqual({ kind: 'found', pid: w.routers[0]!.pid, directory: '/data/cobo0' });
    const elsewhere = value(await checkDataRouter({ ...task(w), port: 46025 }));
    expect(elsewhere.staging).toMatchObject({ kind: 'not-listening', port: 46025 });
    expect(elsewhere.clean).toBeNull();
  });

  it('counts the .graw files a running data router wrote, and only those', async () => {
    const w = await world();
    await runUntil(w.routers[1]!, 3);
    const staging = w.host('/data/cobo1');
    writeFileSync(join(staging, 'notes.txt'), 'not data');
    const files = grawFiles(staging);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files[0]).toMatch(/^CoBo1_AsAd0_\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}_0000\.graw$/);
    const bytes = files.reduce((sum, name) => sum + statSync(join(staging, name)).size, 0);
    expect(bytes).toBe(w.routers[1]!.bytesWritten);

    const check = value(await checkDataRouter({ ...task(w), port: 46015 }));
    expect(check.clean).toEqual({ clean: false, grawFiles: files.length, totalBytes: bytes });
    // The other router wrote nothing.
    expect(value(await checkDataRouter({ ...task(w), port: 46005 })).clean).toEqual({ clean: true, grawFiles: 0, totalBytes: 0 });
  });

  it('starts a new series of files for each run, even one that starts while the last is being stopped', async () => {
    const w = await world();
    const router = w.routers[0]!;
    await runUntil(router, 2);
    const first = grawFiles(w.host('/data/cobo0'));
    router.startRun();
    await until(() => router.filesWritten > first.length, 'the second run to write');
    const stopping = router.stopRun();
    router.startRun();
    await stopping;
    const before = router.filesWritten;
    await until(() => router.filesWritten >= before + 2, 'the third run to write');
    await router.stopRun();
    const series = new Set(grawFiles(w.host('/data/cobo0')).map((name) => /_(\d{4}-[^_]+)_\d{4}\.graw$/.exec(name)?.[1]));
    expect(series.size).toBe(3);
    expect(grawFiles(w.host('/data/cobo0')).filter((name) => name.endsWith('_0000.graw'))).toHaveLength(3);
  });

  it('goes on writing after Stop for its drain time, new files included, as a real router empties its buffers', async () => {
    const w = await world();
    const router = await w.worker.addDataRouter({
      name: 'DataRouter2',
      port: 46025,
      stagingDirectory: '/data/cobo2',
      logPath: '/home/daq/log/DataRouter2.log',
      filePrefix: 'CoBo2_AsAd0',
      writeIntervalMs: 10,
      chunkBytes: 512,
      writesPerFile: 2,
      drainMs: 3_000,
    });
    await router.startProcess();
    // The connection made before the run: the listings below take no handshake.
    expect(value(await snapshotStaging({ ...task(w), stagingDirectory: '/data/cobo2' }))).toEqual([]);
    router.startRun();
    await until(() => router.filesWritten >= 2, 'two files from DataRouter2');
    const stopping = router.stopRun();
    const atStop = { files: router.filesWritten, bytes: router.bytesWritten };
    expect(router.writing).toBe(true);
    // What the organize job sees: the listing still changes after Stop.
    const first = value(await snapshotStaging({ ...task(w), stagingDirectory: '/data/cobo2' }));
    const seen = router.filesWritten;
    await until(() => router.filesWritten > Math.max(seen, atStop.files) + 1, 'new files after Stop');
    expect(value(await snapshotStaging({ ...task(w), stagingDirectory: '/data/cobo2' }))).not.toEqual(first);
    await stopping;
    expect(router.writing).toBe(false);
    const drained = router.bytesWritten;
    expect(drained).toBeGreaterThan(atStop.bytes);
    const listing = value(await snapshotStaging({ ...task(w), stagingDirectory: '/data/cobo2' }));
    expect(listing.reduce((sum, f) => sum + f.size, 0)).toBe(drained);
    // A clock: the other router writes on while this one stays still.
    const clock = w.routers[0]!;
    clock.startRun();
    await until(() => clock.bytesWritten >= 10 * 512, 'ten writes of DataRouter0');
    await clock.stopRun();
    expect(router.bytesWritten).toBe(drained);

    // A run started during the drain ends it: the last file is closed, a new series begins.
    router.startRun();
    await until(() => router.bytesWritten > drained, 'the next run to write');
    const ending = router.stopRun();
    router.startRun();
    await ending;
    expect(router.writing).toBe(true);
    await router.stopProcess();
    expect(router.writing).toBe(false);
  });

  it('lets the files be organized into <experiment>/run_NNNN without overwriting a file already there', async () => {
    const w = await world();
    await runUntil(w.routers[0]!, 3);
    const staging = w.host('/data/cobo0');
    const files = grawFiles(staging);
    const taken = files[1]!;
    mkdirSync(join(staging, 'e20009', 'run_0007'), { recursive: true });
    writeFileSync(join(staging, 'e20009', 'run_0007', taken), 'kept as it is');

    const answer = value(await organizeFiles({ ...task(w), port: 46005, experiment: 'e20009', runNumber: 7 }));
    expect(answer.staging).toMatchObject({ kind: 'found', directory: '/data/cobo0' });
    expect(answer.result).toEqual({ destination: '/data/cobo0/e20009/run_0007', moved: files.length - 1, changed: [], skippedExisting: [taken], errors: [], interrupted: false });
    expect(readFileSync(join(staging, 'e20009', 'run_0007', taken), 'utf8')).toBe('kept as it is');
    expect(grawFiles(staging)).toEqual([taken]);
    expect(grawFiles(join(staging, 'e20009', 'run_0007'))).toEqual(files);
    expect(value(await checkDataRouter({ ...task(w), port: 46005 })).clean).toMatchObject({ clean: false, grawFiles: 1 });
  });

  it("backs up an ECC server's three config files, and finds them already there when run again", async () => {
    const w = await world();
    const configs = w.host('/home/daq/config');
    mkdirSync(configs, { recursive: true });
    const names = ['describe-cobo.xcfg', 'prepare-beam.xcfg', 'configure-beam.xcfg'];
    for (const name of names) writeFileSync(join(configs, name), `<Setup id="${name}"/>\n`.repeat(100));
    const job = { ...task(w), configRoot: '/home/daq/config', files: names, backupFolder: '/home/daq/backup/e1/run_0001' };

    const first = value(await backupConfigs(job));
    expect(first.files.map((f) => f.status)).toEqual(['copied', 'copied', 'copied']);
    for (const name of names) expect(readFileSync(join(w.host('/home/daq/backup/e1/run_0001'), name), 'utf8')).toBe(readFileSync(join(configs, name), 'utf8'));
    const again = value(await backupConfigs(job));
    expect(again.files.map((f) => f.status)).toEqual(['already-backed-up', 'already-backed-up', 'already-backed-up']);
    // No temporary file is left behind.
    expect(readdirSync(w.host('/home/daq/backup/e1/run_0001')).sort()).toEqual([...names].sort());
  });

  it("serves the end of a log file, a data router's own log included", async () => {
    const w = await world();
    await w.worker.appendFile('/home/daq/log/ecc.log', Array.from({ length: 120 }, (_, i) => `line ${i}\n`).join(''));
    const tail = value(await tailLog({ ...task(w), path: '/home/daq/log/ecc.log', lines: 50 }));
    expect(tail.lines).toEqual(Array.from({ length: 50 }, (_, i) => `line ${70 + i}`));

    await runUntil(w.routers[0]!, 1);
    const routerLog = value(await tailLog({ ...task(w), path: '/home/daq/log/DataRouter0.log', lines: 50 }));
    expect(routerLog.lines.join('\n')).toMatch(/writing CoBo0_AsAd0_.*_0000\.graw[\s\S]*run ended/);
  });
});

describe('who may come in', () => {
  it('is refused by the application when its host key is not in known_hosts, showing the fingerprint', async () => {
    const w = await world();
    writeFileSync(w.knownHosts, '');
    const result = await checkEccServerProcess({ ...task(w), port: 8083 });
    expect(result).toMatchObject({ ok: false, kind: 'unknown-host', connecting: true });
    const key = Buffer.from(w.worker.hostPublicKey.split(' ')[1]!, 'base64');
    expect(!result.ok && result.hostKey?.fingerprint).toBe(fingerprintSha256(key));
    expect(w.worker.commands).toEqual([]);
  });

  it('refuses another user, even with the right key', async () => {
    const w = await world();
    const error = await connection({ ...w, target: { ...w.target, overrides: { ...w.target.overrides, user: 'root' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).kind).toBe('auth');
    expect(w.worker.refusals.some((r) => r.user === 'root')).toBe(true);
    expect(w.worker.commands).toEqual([]);
  });

  it('refuses a key that is not authorized', async () => {
    const w = await world();
    const stranger = keyFile('stranger');
    const error = await connection({ ...w, target: { ...w.target, overrides: { ...w.target.overrides, identityFile: stranger.path } } }).catch((e: unknown) => e);
    expect((error as SshError).kind).toBe('auth');
    expect(w.worker.refusals.some((r) => r.user === USER && r.method === 'publickey')).toBe(true);
  });

  it('allows as many channels per connection as it is told, like OpenSSH', async () => {
    const w = await world({ maxSessions: 2 });
    const conn = await connection(w);
    const first = await sftpOf(conn);
    await sftpOf(conn);
    await expect(sftpOf(conn)).rejects.toThrow();
    first.end();
    // Once a channel is closed, its place is free again.
    await expect.poll(async () => sftpOf(conn).then(() => 'opened', () => 'refused'), { timeout: 10_000 }).toBe('opened');
  });
});

describe('the SFTP sandbox', () => {
  /** A secret beside the sandbox on the host, and links to it from inside. */
  function secrets(w: World): { file: string; dir: string } {
    const outside = folder('outside');
    const file = join(outside, 'secret.txt');
    writeFileSync(file, 'not for the client');
    symlinkSync(file, w.host('/home/daq/secret-link'));
    symlinkSync(outside, w.host('/home/daq/outside-link'));
    return { file, dir: outside };
  }

  it('refuses every way out: .. above /, a host path, links that point outside', async () => {
    const w = await world();
    const secret = secrets(w);
    const sftp = await sftpOf(await connection(w));
    const read = (path: string) => sftpFailure((done) => sftp.readFile(path, (error) => done(error)));

    // Inside the sandbox, the simulated computer has no /etc/passwd at all.
    expect(await read('../../etc/passwd')).toBe(STATUS_CODE.NO_SUCH_FILE);
    expect(await read('../../../etc/passwd')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await read('/../../etc/passwd')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await read(secret.file)).toBe(STATUS_CODE.NO_SUCH_FILE);
    expect(await read('/home/daq/secret-link')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await read('/home/daq/outside-link/secret.txt')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await sftpFailure((done) => sftp.readdir('/home/daq/outside-link', (error) => done(error)))).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await sftpFailure((done) => sftp.stat('/home/daq/secret-link', (error) => done(error)))).toBe(STATUS_CODE.PERMISSION_DENIED);

    // Nothing can be written or moved out either.
    expect(await sftpFailure((done) => sftp.writeFile('/home/daq/outside-link/planted.txt', 'x', (error) => done(error)))).toBe(STATUS_CODE.PERMISSION_DENIED);
    writeFileSync(w.host('/home/daq/data.graw'), 'data');
    expect(await sftpFailure((done) => sftp.rename('/home/daq/data.graw', '/home/daq/outside-link/data.graw', (error) => done(error)))).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await sftpFailure((done) => sftp.mkdir('/home/daq/outside-link/made', (error) => done(error)))).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(readdirSync(secret.dir)).toEqual(['secret.txt']);
    expect(existsSync(w.host('/home/daq/data.graw'))).toBe(true);
  });

  it('still follows links that stay inside, and shows links as links in a listing', async () => {
    const w = await world();
    secrets(w);
    mkdirSync(w.host('/data/cobo0/sub'), { recursive: true });
    writeFileSync(w.host('/data/cobo0/sub/a.graw'), 'inside');
    symlinkSync(w.host('/data/cobo0'), w.host('/home/daq/staging'));
    const sftp = await sftpOf(await connection(w));
    const text = await new Promise<string>((resolve, reject) => sftp.readFile('staging/sub/a.graw', (error, data) => (error ? reject(error) : resolve(data.toString()))));
    expect(text).toBe('inside');
    const listing = await new Promise<{ filename: string; attrs: { isSymbolicLink(): boolean } }[]>((resolve, reject) =>
      sftp.readdir(HOME, (error, list) => (error ? reject(error) : resolve(list))),
    );
    expect(listing.filter((e) => e.attrs.isSymbolicLink()).map((e) => e.filename).sort()).toEqual(['outside-link', 'secret-link', 'staging']);
    const real = await new Promise<string>((resolve, reject) => sftp.realpath('staging/sub', (error, path) => (error ? reject(error) : resolve(path))));
    expect(real).toBe('/data/cobo0/sub');
  });

  it('never overwrites: rename onto an existing file, exclusive create and mkdir of an existing folder fail', async () => {
    const w = await world();
    writeFileSync(w.host('/home/daq/a'), 'a');
    writeFileSync(w.host('/home/daq/b'), 'b');
    const sftp = await sftpOf(await connection(w));
    expect(await sftpFailure((done) => sftp.rename('/home/daq/a', '/home/daq/b', (error) => done(error)))).toBe(STATUS_CODE.FAILURE);
    expect(readFileSync(w.host('/home/daq/b'), 'utf8')).toBe('b');
    expect(readFileSync(w.host('/home/daq/a'), 'utf8')).toBe('a');
    expect(await sftpFailure((done) => sftp.open('/home/daq/b', 'wx', (error) => done(error)))).toBe(STATUS_CODE.FAILURE);
    expect(await sftpFailure((done) => sftp.mkdir('/home/daq', (error) => done(error)))).toBe(STATUS_CODE.FAILURE);
    expect(await sftpFailure((done) => sftp.mkdir('/home/daq/x/y', (error) => done(error)))).toBe(STATUS_CODE.NO_SUCH_FILE);
    expect(await sftpFailure((done) => sftp.stat('/home/daq/none', (error) => done(error)))).toBe(STATUS_CODE.NO_SUCH_FILE);
    // And a rename to a free name works, leaving no second link behind.
    await new Promise<void>((resolve, reject) => sftp.rename('/home/daq/a', '/home/daq/c', (error) => (error ? reject(error) : resolve())));
    expect(existsSync(w.host('/home/daq/a'))).toBe(false);
    expect(statSync(w.host('/home/daq/c')).nlink).toBe(1);
  });
});

describe('commands over exec', () => {
  it('answers an unknown command with 127 and runs nothing', async () => {
    const w = await world();
    const conn = await connection(w);
    const marker = join(folder('marker'), 'touched');
    for (const argv of [['touch', marker], ['sh', '-c', `touch ${marker}`], ['/bin/touch', marker]]) {
      const result = await conn.exec(argv);
      expect(result).toEqual({ stdout: '', stderr: `sh: ${argv[0]}: command not found\n`, code: 127 });
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(w.host(marker))).toBe(false);
  });

  it('refuses a command line that is not quoted argv, rather than guessing at it', async () => {
    const w = await world();
    const conn = await connection(w);
    const raw = await new Promise<{ code: number; stderr: string }>((resolve, reject) =>
      conn.client.exec('ps -e; touch /tmp/x', (error, stream) => {
        if (error) return reject(error);
        let stderr = '';
        let code = -1;
        stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        stream.on('exit', (c: number) => (code = c));
        stream.on('close', () => resolve({ code, stderr }));
        stream.resume();
      }),
    );
    expect(raw.code).toBe(2);
    expect(raw.stderr).toMatch(/refuses this command line/);
    expect(w.worker.commands.at(-1)).toEqual({ line: 'ps -e; touch /tmp/x', argv: null, code: 2 });
  });

  it('reads every argument exactly as the application quoted it', async () => {
    const w = await world();
    const conn = await connection(w);
    const odd = ["it's", 'x y', '', "''\\''", '$(reboot)', 'new\nline'];
    for (const name of odd) {
      const result = await conn.exec(['lsof', '-a', '-d', 'cwd', '-c', name, '-Fpcn']);
      expect(w.worker.commands.at(-1)?.argv).toEqual(['lsof', '-a', '-d', 'cwd', '-c', name, '-Fpcn']);
      // No process has such a name (an empty one is not simulated): lsof says nothing or refuses.
      expect(result.stdout).toBe('');
    }
    for (const argv of [['a'], ["'"], ['', ''], ['x', "a'b'c", ' ']]) expect(parseCommandLine(commandLine(argv))).toEqual(argv);
    expect(() => parseCommandLine("'a' 'b")).toThrow(/Unterminated/);
    expect(() => parseCommandLine("'a'  'b'")).toThrow(/single-quoted/);
    expect(() => parseCommandLine('a')).toThrow(/single-quoted/);
  });

  it('answers lsof as lsof does: p/c/n groups with 15-character names, exit 1 and silence when nothing matches', async () => {
    const w = await world();
    const long = w.worker.startProcess({ args: '/opt/get/bin/dataRouterWithAVeryLongName', cwd: '/elsewhere' });
    const conn = await connection(w);
    const cwd = await conn.exec(['lsof', '-a', '-d', 'cwd', '-c', 'dataRouter', '-Fpcn']);
    expect(cwd.code).toBe(0);
    expect(cwd.stdout).toBe(
      `p${w.routers[0]!.pid}\ncdataRouter\nfcwd\nn/data/cobo0\np${w.routers[1]!.pid}\ncdataRouter\nfcwd\nn/data/cobo1\np${long.pid}\ncdataRouterWithA\nfcwd\nn/elsewhere\n`,
    );
    expect(await conn.exec(['lsof', '-a', '-iTCP:46015', '-sTCP:LISTEN', '-Fp'])).toEqual({ code: 0, stdout: `p${w.routers[1]!.pid}\nf3\n`, stderr: '' });
    expect(await conn.exec(['lsof', '-a', '-iTCP:1', '-sTCP:LISTEN', '-Fp'])).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(await conn.exec(['lsof', '-a', '-d', 'cwd', '-c', 'getEccSoapServerX', '-Fpcn'])).toEqual({ code: 1, stdout: '', stderr: '' });
    const other = await conn.exec(['lsof', '-i']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/does not answer/);
  });
});

it('makes key pairs that ssh2 and OpenSSH can read, every time (ssh2 alone spoils about one in 256)', () => {
  // OpenSSH is the independent reader: ssh-keygen lists every public key of a file it can read
  // (and skips the others), and derives the public key from a private one.
  const dir = folder('keygen');
  const pairs = Array.from({ length: 1000 }, () => generateEd25519KeyPair());
  for (const pair of pairs) expect(pair.public).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}=?$/);
  writeFileSync(join(dir, 'public'), pairs.map((p) => `${p.public}\n`).join(''));
  const listed = spawnSync('ssh-keygen', ['-l', '-f', join(dir, 'public')], { encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  const fingerprints = listed.stdout.trim().split('\n').map((line) => line.split(' ')[1]);
  expect(fingerprints).toEqual(pairs.map((p) => fingerprintSha256(Buffer.from(p.public.split(' ')[1] as string, 'base64'))));
  for (const [i, pair] of pairs.slice(0, 10).entries()) {
    writeFileSync(join(dir, `key${i}`), pair.private, { mode: 0o600 });
    const derived = spawnSync('ssh-keygen', ['-y', '-f', join(dir, `key${i}`)], { encoding: 'utf8' });
    expect(derived.status, derived.stderr).toBe(0);
    expect(derived.stdout.trim().split(' ').slice(0, 2).join(' ')).toBe(pair.public.trim().split(' ').slice(0, 2).join(' '));
  }
});
