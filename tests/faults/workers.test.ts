// The fault matrix, worker computers (issue 11): each cell against a REAL OpenSSH server on
// 127.0.0.1 and real processes named like the GET programs listening on their ports, through the
// whole application (workers.status as the Status view reads it, the log in its database). Each
// waits for the state the application reports, then checks what is kept and how it recovers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import type { WorkersStatus } from '../../src/shared/api/contract';
import type { LogEntry } from '../../src/shared/domain';
import { diskSpaceCommand, parseDiskSpace } from '../../src/main/worker-node/disk';
import { call, openApp, refusal, waitFor, type AppOptions } from '../runs/support';
import { tempDir } from '../support/store';
import { dataDirTrusting, fingerprintOf, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, runLocally, type FakePrograms } from '../worker-node/programs';

// Each SSH command costs up to ~1 s on a loaded machine.
const WAIT_MS = 45_000;

function sshLog(app: Application, address = '127.0.0.1'): LogEntry[] {
  return (app.store.db.prepare("SELECT * FROM log_entry WHERE source = 'ssh' AND subject = ? ORDER BY id").all(address) as Record<string, unknown>[]).map((r) => ({
    id: r.id as number,
    experimentId: r.experiment_id as number | null,
    time: r.time as string,
    level: r.level as LogEntry['level'],
    source: r.source as string,
    subject: r.subject as string,
    message: r.message as string,
    details: r.details as string,
    count: r.count as number,
    lastAt: r.last_at as string,
  }));
}

describe.skipIf(!sshdAvailable())(`worker computer faults over a real OpenSSH server ${sshdUnavailableReason() ?? ''}`, () => {
  let programs: FakePrograms;
  const servers: TestSshd[] = [];
  const folders: string[] = [];

  beforeAll(() => {
    programs = fakePrograms();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    programs?.close();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  async function sshd(): Promise<TestSshd> {
    const server = await startSshd();
    servers.push(server);
    return server;
  }

  /** The application checking often, its data directory trusting the server's key, 127.0.0.1 reached through ~/.ssh/config. */
  function app(server: TestSshd, options: { trusted?: boolean } = {}): Application {
    const dataDir = options.trusted === false ? tempDir('daq-faults-') : dataDirTrusting(server, 'daq-faults-');
    const home = sshHomeFor(server);
    const ssh: AppOptions['ssh'] = {
      connect: { sshConfig: { home, env: {} } },
      gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 } },
      schedule: { checkIntervalMs: 200, jobIntervalMs: 200 },
    };
    return openApp(dataDir, { ssh });
  }

  function staging(base = tmpdir()): string {
    const dir = realpathSync(mkdtempSync(join(base, 'daq-staging-')));
    folders.push(dir);
    return dir;
  }

  /** Data routers (and ECC servers) of one experiment on 127.0.0.1, each a real program listening on its port. */
  async function setup(a: Application, routers: { port: number }[], eccServers: { port: number }[] = []) {
    await call(a, 'experiments.create', { name: 'e20009' });
    const routerIds: number[] = [];
    for (const [i, r] of routers.entries()) {
      routerIds.push((await call(a, 'dataRouters.add', { name: `DataRouter${i}`, address: '127.0.0.1', port: r.port, connectionType: 'TCP', logPath: '/log/router.log' })).id);
    }
    const serverIds: number[] = [];
    for (const [i, s] of eccServers.entries()) {
      serverIds.push(
        (await call(a, 'eccServers.add', { name: `ECC${i}`, address: '127.0.0.1', port: s.port, logPath: '/log/ecc.log', configRoot: '/configs', configBackupRoot: '/backups' })).id,
      );
    }
    return { routerIds, serverIds };
  }

  async function router(dir: string): Promise<{ port: number; dir: string; child: ChildProcess }> {
    const port = await freePort();
    return { port, dir, child: await programs.start('dataRouter', { cwd: dir, port }) };
  }

  function killed(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  const routerOf = (s: WorkersStatus, id: number) => s.dataRouters.find((r) => r.id === id);

  it('one of three data routers killed on one computer: only it shows not running, the others running in their own staging directories', async () => {
    const server = await sshd();
    const a = app(server);
    const three = [await router(staging()), await router(staging()), await router(staging())];
    const { routerIds } = await setup(a, three);
    const allFound = (s: WorkersStatus) => routerIds.every((id, i) => routerOf(s, id)?.stagingDirectory === three[i]!.dir && routerOf(s, id)?.cleanCurrent === true);
    const before = await waitFor(a, 'workers.status', {}, allFound, WAIT_MS);
    for (const [i, id] of routerIds.entries()) {
      expect(routerOf(before, id)).toMatchObject({ processRunning: true, process: { kind: 'running', port: three[i]!.port, pid: three[i]!.child.pid }, clean: true, error: null });
    }

    await killed(three[1]!.child);
    const after = await waitFor(a, 'workers.status', {}, (s) => routerOf(s, routerIds[1]!)?.processRunning === false, WAIT_MS);
    expect(routerOf(after, routerIds[1]!)).toMatchObject({
      processRunning: false,
      process: { kind: 'not-running', port: three[1]!.port },
      stagingDirectory: null,
      stagingProblem: expect.stringContaining(`No dataRouter process listens on port ${three[1]!.port}`),
      error: null,
      // What was known of its folder is history now.
      clean: true,
      cleanCurrent: false,
    });
    for (const i of [0, 2]) {
      expect(routerOf(after, routerIds[i]!)).toMatchObject({ processRunning: true, process: { kind: 'running', pid: three[i]!.child.pid }, stagingDirectory: three[i]!.dir, cleanCurrent: true });
    }
    expect((await call(a, 'runs.status', {})).dataRouters.find((r) => r.id === routerIds[1])).toMatchObject({ clean: true, current: false });
    expect(sshLog(a).filter((e) => e.level === 'error')).toEqual([]);
  }, 120_000);

  it('an ECC server process killed among two on one computer: only that one shows not running', async () => {
    const server = await sshd();
    const a = app(server);
    const ports = [await freePort(), await freePort()];
    const ecc = [await programs.start('getEccSoapServer', { cwd: programs.dir, port: ports[0] }), await programs.start('getEccSoapServer', { cwd: programs.dir, port: ports[1] })];
    const { serverIds } = await setup(a, [], ports.map((port) => ({ port })));
    const serverOf = (s: WorkersStatus, id: number) => s.eccServers.find((e) => e.id === id);
    await waitFor(a, 'workers.status', {}, (s) => serverIds.every((id) => serverOf(s, id)?.processRunning === true), WAIT_MS);

    await killed(ecc[0]!);
    const after = await waitFor(a, 'workers.status', {}, (s) => serverOf(s, serverIds[0]!)?.processRunning === false, WAIT_MS);
    expect(serverOf(after, serverIds[0]!)).toMatchObject({ port: ports[0], process: { kind: 'not-running', port: ports[0] }, error: null });
    expect(serverOf(after, serverIds[1]!)).toMatchObject({ port: ports[1], processRunning: true, process: { kind: 'running', port: ports[1], pid: ecc[1]!.pid } });
  }, 120_000);

  it('another program listening on a router’s port is named, and the router is not running', async () => {
    const server = await sshd();
    const a = app(server);
    const port = await freePort();
    const stranger = await programs.start('nginx', { cwd: staging(), port });
    const { routerIds } = await setup(a, [{ port }]);
    const status = await waitFor(a, 'workers.status', {}, (s) => routerOf(s, routerIds[0]!)?.process?.kind === 'other-program', WAIT_MS);
    expect(routerOf(status, routerIds[0]!)).toMatchObject({ processRunning: false, process: { kind: 'other-program', port, pid: stranger.pid, program: 'nginx' }, stagingDirectory: null });
  }, 120_000);

  it('sshd down: one problem for the computer, logged once, the clean state kept as history; it recovers when sshd answers', async () => {
    const server = await sshd();
    const a = app(server);
    const two = [await router(staging()), await router(staging())];
    const eccPort = await freePort();
    await programs.start('getEccSoapServer', { cwd: programs.dir, port: eccPort });
    const { routerIds } = await setup(a, two, [{ port: eccPort }]);
    const checked = await waitFor(a, 'workers.status', {}, (s) => s.dataRouters.every((r) => r.cleanCurrent) && s.eccServers[0]?.processRunning === true, WAIT_MS);
    const cleanAt = new Map(routerIds.map((id) => [id, routerOf(checked, id)?.cleanCheckedAt]));
    expect(checked.hosts).toEqual([{ address: '127.0.0.1', reachable: true, error: null, checkedAt: expect.any(String), hostKey: null }]);

    await server.stop();
    const down = await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.reachable === false, WAIT_MS);
    // The first failing round may meet the connection closing under it, the next ones a refusal: both unreachable.
    expect(down.hosts[0]).toMatchObject({ address: '127.0.0.1', error: { kind: 'unreachable', message: expect.stringMatching(/connection refused|closed/) } });
    // Kept as history: the time of the last answer (a round may have answered after the one seen above), not of the failures.
    const lastAnswer = new Map(routerIds.map((id) => [id, routerOf(down, id)?.cleanCheckedAt ?? '']));
    for (const id of routerIds) {
      expect(routerOf(down, id)).toMatchObject({ clean: true, cleanCurrent: false, error: { kind: 'unreachable' } });
      expect(lastAnswer.get(id)! >= (cleanAt.get(id) ?? '')).toBe(true);
    }
    expect((await call(a, 'runs.status', {})).dataRouters.every((r) => r.clean === true && !r.current)).toBe(true);
    // Rounds go on failing: still one entry for the computer, none per program.
    const firstFailure = down.hosts[0]!.checkedAt!;
    await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.reachable === false && (s.hosts[0]?.checkedAt ?? '') > firstFailure, WAIT_MS);
    await waitFor(a, 'workers.status', {}, (s) => (s.hosts[0]?.checkedAt ?? '') > firstFailure && s.hosts[0]?.reachable === false, WAIT_MS);
    const later = await call(a, 'workers.status', {});
    for (const id of routerIds) expect(routerOf(later, id)?.cleanCheckedAt).toBe(lastAnswer.get(id));
    const errors = sshLog(a).filter((e) => e.level === 'error');
    expect(errors.map((e) => e.details)).toEqual(['unreachable']);
    expect(errors[0]?.message).toMatch(/^The worker computer 127\.0\.0\.1 cannot be reached \(data router DataRouter0, data router DataRouter1, ECC server ECC0 not checked\): /);

    await server.start();
    const back = await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.reachable === true && s.dataRouters.every((r) => r.cleanCurrent && r.error === null), WAIT_MS);
    expect(back.hosts[0]).toMatchObject({ error: null, hostKey: null });
    expect(sshLog(a).filter((e) => e.level === 'info').map((e) => e.message)).toEqual(['The worker computer 127.0.0.1 answers again']);
  }, 180_000);

  it('a changed host key is refused with the new fingerprint, and nothing is trusted silently', async () => {
    const server = await sshd();
    const a = app(server);
    const one = await router(staging());
    await setup(a, [one]);
    await waitFor(a, 'workers.status', {}, (s) => s.dataRouters[0]?.processRunning === true, WAIT_MS);
    const knownHosts = join(a.dataDir, 'known_hosts');
    const trustedBefore = readText(knownHosts);

    await server.stop();
    await server.rotateHostKey();
    const refused = await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.error?.kind === 'host-key-changed', WAIT_MS);
    expect(refused.hosts[0]).toMatchObject({ reachable: false, hostKey: { host: server.host, port: server.port, fingerprint: server.hostKeyFingerprint } });
    expect(refused.dataRouters[0]).toMatchObject({ error: { kind: 'host-key-changed' }, cleanCurrent: false });
    // Down while the key changed (unreachable, when a round fell in between), then refused for the key, once.
    const details = sshLog(a)
      .filter((e) => e.level === 'error')
      .map((e) => e.details);
    expect(details.filter((d) => d !== 'unreachable')).toEqual([`host-key-changed: ${keyTypeOf(server)} ${server.hostKeyFingerprint}`]);
    // Trusting a changed key is not offered by the API either: the operator edits known_hosts after checking the computer.
    expect((await refusal(a, 'hosts.trust', { host: server.host, port: server.port, keyType: keyTypeOf(server), fingerprint: server.hostKeyFingerprint })).code).toBe('NOT_FOUND');
    expect(readText(knownHosts)).toBe(trustedBefore);
  }, 120_000);

  it('a wrong user or a key the computer does not accept: one authentication problem for the computer, until the settings are mended', async () => {
    const server = await sshd();
    const a = app(server);
    const one = await router(staging());
    await setup(a, [one]);
    await waitFor(a, 'workers.status', {}, (s) => s.dataRouters[0]?.processRunning === true, WAIT_MS);

    await call(a, 'sshHosts.set', { host: '127.0.0.1', user: 'nobody-here', port: null, identityFile: null });
    const wrongUser = await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.error?.kind === 'auth', WAIT_MS);
    expect(wrongUser.hosts[0]).toMatchObject({ reachable: false, error: { message: expect.stringContaining('nobody-here@127.0.0.1') } });

    const stranger = join(tempDir('daq-key-'), 'id_ed25519');
    runKeygen(stranger);
    expect(fingerprintOf(`${stranger}.pub`)).not.toBe(fingerprintOf(`${server.privateKeyPath}.pub`));
    await call(a, 'sshHosts.set', { host: '127.0.0.1', user: null, port: null, identityFile: stranger });
    await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.error?.kind === 'auth' && s.hosts[0].error.message.includes(`${server.user}@127.0.0.1`), WAIT_MS);

    await call(a, 'sshHosts.remove', { host: '127.0.0.1' });
    await waitFor(a, 'workers.status', {}, (s) => s.hosts[0]?.reachable === true && s.dataRouters[0]?.processRunning === true, WAIT_MS);
    const errors = sshLog(a).filter((e) => e.level === 'error');
    expect(errors.map((e) => e.details)).toEqual(['auth', 'auth']);
  }, 120_000);

  it("feeds Start all's checklist: process, clean, next run folder and free disk from the real checks; a failing check makes them not known", async () => {
    const server = await sshd();
    const a = app(server);
    const one = await router(staging());
    const { routerIds } = await setup(a, [one]);
    const id = routerIds[0]!;
    const items = async () => new Map((await call(a, 'runs.status', {})).checklist.map((i) => [i.key.replace(/:\d+$/, ''), i]));
    const passed = (keys: string[]) => (s: { checklist: { key: string; status: string }[] }) => keys.every((k) => s.checklist.find((i) => i.key === `${k}:${id}`)?.status === 'pass');
    await waitFor(a, 'runs.status', {}, passed(['process', 'clean', 'run-folder', 'disk']), WAIT_MS);
    expect((await items()).get('run-folder')?.reason).toBe(`${one.dir}/e20009/run_0000 does not exist`);

    // The next run's folder exists already on the worker computer: refused, and no override can let it through.
    mkdirSync(join(one.dir, 'e20009', 'run_0000'), { recursive: true });
    await waitFor(a, 'runs.status', {}, (s) => s.checklist.find((i) => i.key === `run-folder:${id}`)?.status === 'fail', WAIT_MS);
    expect((await items()).get('run-folder')).toMatchObject({ overridable: false, reason: `${one.dir}/e20009/run_0000 exists already on 127.0.0.1: files of two runs would mix (move it away first)` });
    expect((await refusal(a, 'runs.overrideChecklistItem', { key: `run-folder:${id}`, reason: 'go anyway' })).message).toMatch(/cannot be overridden/);
    rmSync(join(one.dir, 'e20009'), { recursive: true });

    // A threshold above the real free space fails the disk item (an operator may override it).
    const free = (parseDiskSpace(one.dir, await runLocally(diskSpaceCommand(one.dir))).availableKb * 1024) / 1e9;
    await call(a, 'settings.update', { minFreeDiskGb: Math.ceil(free) + 1000 });
    const low = await waitFor(a, 'runs.status', {}, (s) => s.checklist.find((i) => i.key === `disk:${id}`)?.status === 'fail', WAIT_MS);
    expect(low.checklist.find((i) => i.key === `disk:${id}`)).toMatchObject({ overridable: true, reason: expect.stringMatching(/^Only \d+\.\d GB free on .* below \d+ GB$/) });
    await call(a, 'settings.update', { minFreeDiskGb: 0 });
    await waitFor(a, 'runs.status', {}, passed(['process', 'clean', 'run-folder', 'disk']), WAIT_MS);

    // sshd down: what was known is history; every item of the router is not known, not passed.
    await server.stop();
    const down = await waitFor(a, 'runs.status', {}, (s) => s.checklist.filter((i) => i.key.endsWith(`:${id}`)).every((i) => i.status === 'unknown'), WAIT_MS);
    expect(down.checklist.find((i) => i.key === `clean:${id}`)?.reason).toMatch(/clean at .*, but the checks since fail/);
  }, 180_000);

  it('reports the staging disk as the real df -Pk of that folder there', async () => {
    const server = await sshd();
    const a = app(server);
    // A quiet file system where there is one, so both readings can agree.
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const one = await router(staging(base));
    await setup(a, [one]);
    // Compared with df here right after each check: equal once no other writer changed the file
    // system in between (at once on a quiet one); ten checks in a row that differ fail.
    let status = await waitFor(a, 'workers.status', {}, (s) => s.dataRouters[0]?.disk != null, WAIT_MS);
    let local = parseDiskSpace(one.dir, await runLocally(diskSpaceCommand(one.dir)));
    for (let round = 0; round < 10 && JSON.stringify(status.dataRouters[0]?.disk) !== JSON.stringify(local); round++) {
      const last = status.dataRouters[0]?.checkedAt ?? '';
      status = await waitFor(a, 'workers.status', {}, (s) => (s.dataRouters[0]?.checkedAt ?? '') > last, WAIT_MS);
      local = parseDiskSpace(one.dir, await runLocally(diskSpaceCommand(one.dir)));
    }
    expect(status.dataRouters[0]?.disk).toEqual(local);
    expect(status.dataRouters[0]).toMatchObject({ diskProblem: null, disk: { directory: one.dir } });
  }, 120_000);
});

function keyTypeOf(server: TestSshd): string {
  return server.hostPublicKey.split(' ')[0] ?? '';
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function runKeygen(path: string): void {
  const out = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  if (out.status !== 0) throw new Error(`ssh-keygen failed: ${String(out.stderr)}`);
}
