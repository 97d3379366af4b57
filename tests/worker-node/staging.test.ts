// The staging directory of a data router is the working directory of the `dataRouter` process
// listening on its port, found with lsof among several routers on one computer.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DATA_ROUTER_CWD_COMMAND,
  LsofError,
  findStagingDirectory,
  lsofAnswer,
  parseDataRouterCwds,
  parseLsofFields,
  pickStagingDirectory,
  describeStagingAnswer,
} from '../../src/main/worker-node/staging';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, runLocally, type FakePrograms } from './programs';
import { openSession, type TestSession } from './ssh-session';

// lsof -a -d cwd -c dataRouter -Fpcn on a Mac running two routers and a look-alike.
const MACOS_SAMPLE = 'p512\ncdataRouter\nfcwd\nn/Users/daq/staging/cobo0\np513\ncdataRouterOld\nfcwd\nn/Users/daq/old\np514\ncdataRouter\nfcwd\nn/Users/daq/staging/cobo1\n';

describe('lsof output', () => {
  it('is read as one p/c/n group per process, ignoring other fields', () => {
    expect(parseLsofFields(MACOS_SAMPLE)).toEqual([
      { pid: 512, command: 'dataRouter', names: ['/Users/daq/staging/cobo0'] },
      { pid: 513, command: 'dataRouterOld', names: ['/Users/daq/old'] },
      { pid: 514, command: 'dataRouter', names: ['/Users/daq/staging/cobo1'] },
    ]);
    expect(parseDataRouterCwds(MACOS_SAMPLE).map((r) => r.pid)).toEqual([512, 514]);
  });

  it('picks the router listening on the port, never the first one by default', () => {
    const routers = parseDataRouterCwds(MACOS_SAMPLE);
    expect(pickStagingDirectory(routers, [514], 46015)).toEqual({ kind: 'found', pid: 514, directory: '/Users/daq/staging/cobo1' });
    expect(pickStagingDirectory(routers, [513], 46005)).toEqual({ kind: 'not-listening', port: 46005, others: routers });
    expect(pickStagingDirectory([], [], 46005)).toEqual({ kind: 'no-data-router' });
    expect(describeStagingAnswer(pickStagingDirectory(routers, [], 46005))).toMatch(/No dataRouter process listens on port 46005.*pid 512/);
  });

  it('treats exit 1 without output as "nothing matches" and anything else that fails as an lsof failure', async () => {
    expect(lsofAnswer({ code: 1, stdout: '', stderr: '' })).toBe('');
    expect(lsofAnswer({ code: 1, stdout: '', stderr: 'lsof: WARNING: can\'t stat() fuse.gvfsd-fuse file system /run/user/1000/gvfs\n      Output information may be incomplete.\n' })).toBe('');
    const none = await runLocally(['lsof', '-a', '-d', 'cwd', '-c', 'noSuchProg', '-Fpcn']);
    expect(none.code).toBe(1);
    expect(lsofAnswer(none)).toBe('');
    const bad = await runLocally(['lsof', '--no-such-option']);
    expect(() => lsofAnswer(bad)).toThrow(LsofError);
    expect(() => lsofAnswer({ code: 127, stdout: '', stderr: 'sh: lsof: command not found' })).toThrow(/exit 127.*not found/);
  });
});

describe('two data routers on one computer', () => {
  let programs: FakePrograms;
  const dirs: Record<'a' | 'b' | 'old', string> = { a: '', b: '', old: '' };
  const ports: Record<'a' | 'b' | 'old' | 'idle', number> = { a: 0, b: 0, old: 0, idle: 0 };
  const pids: Record<'a' | 'b', number> = { a: 0, b: 0 };

  beforeAll(async () => {
    programs = fakePrograms();
    for (const key of ['a', 'b', 'old'] as const) {
      dirs[key] = realpathSync(mkdtempSync(join(tmpdir(), `daq-staging-${key}-`)));
      writeFileSync(join(dirs[key], `CoBo0_AsAd0_2025-01-01T00:00:00.000_0000.graw`), 'x');
    }
    for (const key of ['a', 'b', 'old', 'idle'] as const) ports[key] = await freePort();
    const a: ChildProcess = await programs.start('dataRouter', { cwd: dirs.a, port: ports.a });
    const b: ChildProcess = await programs.start('dataRouter', { cwd: dirs.b, port: ports.b });
    await programs.start('dataRouterOld', { cwd: dirs.old, port: ports.old });
    pids.a = a.pid ?? 0;
    pids.b = b.pid ?? 0;
  });
  afterAll(() => {
    programs?.close();
    for (const dir of Object.values(dirs)) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are each found by their port, with real lsof', async () => {
    const raw = lsofAnswer(await runLocally([...DATA_ROUTER_CWD_COMMAND]));
    expect(parseDataRouterCwds(raw)).toEqual(expect.arrayContaining([{ pid: pids.a, cwd: dirs.a }, { pid: pids.b, cwd: dirs.b }]));
    expect(await findStagingDirectory(runLocally, ports.a)).toEqual({ kind: 'found', pid: pids.a, directory: dirs.a });
    expect(await findStagingDirectory(runLocally, ports.b)).toEqual({ kind: 'found', pid: pids.b, directory: dirs.b });
  });

  it('do not stand in for a look-alike on its port, nor for a port nobody listens on', async () => {
    expect(await findStagingDirectory(runLocally, ports.old)).toMatchObject({ kind: 'not-listening', port: ports.old });
    expect(await findStagingDirectory(runLocally, ports.idle)).toMatchObject({ kind: 'not-listening', port: ports.idle });
  });

  describe.skipIf(!sshdAvailable())(`over SSH ${sshdUnavailableReason() ?? ''}`, () => {
    let sshd: TestSshd;
    let session: TestSession;
    beforeAll(async () => {
      sshd = await startSshd();
      session = await openSession(sshd);
    });
    afterAll(async () => {
      session?.close();
      await sshd?.close();
    });

    it('are found the same way through an SSH exec', async () => {
      expect(await findStagingDirectory((argv) => session.exec(argv), ports.b)).toEqual({ kind: 'found', pid: pids.b, directory: dirs.b });
    });
  });
});
