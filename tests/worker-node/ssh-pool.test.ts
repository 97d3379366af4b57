// The SSH gateway: every SSH call as a task of one worker pool, against a real OpenSSH server on
// 127.0.0.1 and real `dataRouter` processes; failures come back as SshError with their kind.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';
import { createSshGateway, resolveSshWorker, type SshGateway } from '../../src/main/worker-node/ssh-pool';
import type { SshConnectSettings, SshHost } from '../../src/main/worker-node/ssh-worker';
import { tempDir } from '../support/store';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from './programs';
import { failure } from '../support/ssh-failure';


it('finds its worker module: ssh-worker.ts from the sources', () => {
  expect(resolveSshWorker().filename).toBe(join(__dirname, '../../src/main/worker-node/ssh-worker.ts'));
});

describe.skipIf(!sshdAvailable())(`the SSH gateway over a real OpenSSH server ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;
  let gateway: SshGateway;
  let host: SshHost;
  let connect: SshConnectSettings;
  const gateways: SshGateway[] = [];
  const silent: Socket[] = [];
  let silentServer: Server | undefined;
  const kept: string[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
    // Kept for the whole file (tempDir folders go after each test; the threads' connections stay).
    const dataDir = mkdtempSync(join(tmpdir(), 'daq-data-'));
    const home = mkdtempSync(join(tmpdir(), 'daq-home-'));
    kept.push(dataDir, home);
    mkdirSync(join(home, '.ssh'));
    trustHostKey(join(dataDir, 'known_hosts'), sshd.host, sshd.port, Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64'));
    connect = { dataDir, sshConfig: { home, env: {} } };
    host = { alias: sshd.host, overrides: { user: sshd.user, port: sshd.port, identityFile: sshd.privateKeyPath } };
    gateway = createSshGateway({ connect });
    gateways.push(gateway);
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    for (const socket of silent) socket.destroy();
    silentServer?.close();
    programs?.close();
    await sshd?.close();
    for (const dir of kept) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a data router running, its staging directory, and whether it is clean', async () => {
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    const router = await programs.start('dataRouter', { cwd: staging, port });
    const clean = await gateway.checkDataRouter(host, port);
    expect(clean).toMatchObject({
      processRunning: true,
      process: { kind: 'running', port, pid: router.pid },
      staging: { kind: 'found', pid: router.pid, directory: staging },
      clean: { clean: true, grawFiles: 0, totalBytes: 0 },
      diskProblem: null,
      nextRunFolder: null,
    });
    expect(clean.disk?.directory).toBe(staging);
    writeFileSync(join(staging, 'CoBo0_AsAd0_0000.graw'), 'abcd');
    expect((await gateway.checkDataRouter(host, port)).clean).toEqual({ clean: false, grawFiles: 1, totalBytes: 4 });
    const idle = await freePort();
    // A data router runs on this computer, but not on that port: not running, for that router.
    expect(await gateway.checkDataRouter(host, idle)).toMatchObject({ processRunning: false, process: { kind: 'not-running', port: idle }, staging: { kind: 'not-listening', port: idle }, clean: null });
  }, 60_000);

  it('reports whether an ECC server process listens on its SOAP port', async () => {
    const port = await freePort();
    expect(await gateway.checkEccServerProcess(host, port)).toEqual({ running: false, process: { kind: 'not-running', port } });
    const server = await programs.start('getEccSoapServer', { cwd: programs.dir, port });
    expect(await gateway.checkEccServerProcess(host, port)).toEqual({ running: true, process: { kind: 'running', port, pid: server.pid } });
    server.kill('SIGKILL');
  });

  it('organizes a run’s files, backs up config files and reads the end of a log', async () => {
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    writeFileSync(join(staging, 'a.graw'), 'a');
    writeFileSync(join(staging, 'b.graw'), 'b');
    const answer = await gateway.organizeFiles(host, { port, experiment: 'e20009', runNumber: 3 });
    expect(answer.result).toMatchObject({ destination: join(staging, 'e20009', 'run_0003'), moved: 2, skippedExisting: [], interrupted: false });
    expect(readFileSync(join(staging, 'e20009', 'run_0003', 'a.graw'), 'utf8')).toBe('a');

    const configRoot = realpathSync(tempDir('daq-configs-'));
    writeFileSync(join(configRoot, 'describe-x.xcfg'), 'd');
    const backupFolder = join(configRoot, 'backup', 'e20009', 'run_0003');
    const backup = await gateway.backupConfigs(host, { configRoot, files: ['describe-x.xcfg'], backupFolder });
    expect(backup.files).toEqual([{ name: 'describe-x.xcfg', status: 'copied', bytes: 1, sha256: createHash('sha256').update('d').digest('hex') }]);
    expect(existsSync(join(backupFolder, 'describe-x.xcfg'))).toBe(true);

    writeFileSync(join(configRoot, 'server.log'), 'one\ntwo\nthree\n');
    expect((await gateway.tailLog(host, join(configRoot, 'server.log'), 2)).lines).toEqual(['two', 'three']);
  });

  it('refuses a server whose host key is not known, with the fingerprint to check', async () => {
    const stranger = createSshGateway({ connect: { ...connect, dataDir: tempDir('daq-data-') } });
    gateways.push(stranger);
    const error = await failure(stranger.checkEccServerProcess(host, 8083));
    expect(error.kind).toBe('unknown-host');
    expect(error.hostKey).toMatchObject({ host: sshd.host, port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
    expect(error.message).toContain(sshd.hostKeyFingerprint);
  });

  it('answers unreachable for a closed port, and a timeout by the task’s own limit for a server that never speaks', async () => {
    const closed = await freePort();
    expect((await failure(gateway.checkEccServerProcess({ alias: '127.0.0.1', overrides: { ...host.overrides, port: closed } }, 8083))).kind).toBe('unreachable');

    silentServer = createServer((socket) => silent.push(socket));
    await new Promise<void>((resolve) => silentServer?.listen(0, '127.0.0.1', resolve));
    const address = silentServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const error = await failure(gateway.checkEccServerProcess({ alias: '127.0.0.1', overrides: { ...host.overrides, port } }, 8083, { softMs: 500, hardMs: 3_000 }));
    // The task's own limit ended it (its message names it), not the pool's hard limit.
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('No answer from 127.0.0.1 within 500 ms');
  });
});
