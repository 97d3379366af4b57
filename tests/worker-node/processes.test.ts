// The process check reads `ps -e -o pid=,stat=,args=` from Linux and macOS and matches the exact
// program name, here against real processes named like the GET programs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_LIST_COMMAND, checkProcess, parseProcessList, processOnPort, programName } from '../../src/main/worker-node/processes';
import { listeningPidsCommand, lsofAnswer, parseLsofFields } from '../../src/main/worker-node/staging';
import { freePort } from '../support/sshd';
import { fakePrograms, runLocally, type FakePrograms } from './programs';

const LINUX_SAMPLE = `      1 Ss   /sbin/init splash
      2 S    [kthreadd]
   2211 Sl   /opt/get/bin/getEccSoapServer -p 8083
   2212 Ssl  /opt/get/bin/dataRouter --port 46005
   2213 Sl   /opt/get/bin/dataRouter --port 46015
   2230 Z    [dataRouter] <defunct>
   2231 S+   less /var/log/getEccSoapServer.log
   2232 Sl   /opt/get/bin/dataRouterOld
   2233 Zs   /opt/get/bin/getEccSoapServer -p 8084
`;

const MACOS_SAMPLE = `    1 Ss     /sbin/launchd
  312 Ss     /usr/libexec/logd
  901 S      /Users/daq/GET/bin/getEccSoapServer --config-path /Users/daq/configs
  902 S      ./dataRouter -i 10.0.0.11:46005 -t TCP
  903 Z      (dataRouter)
  904 S+     tail -f /Users/daq/logs/dataRouter.log
  905 -bash
`;

describe('the program name of a process', () => {
  it('is the base name of argv[0], compared as a whole word', () => {
    expect(programName('/opt/get/bin/getEccSoapServer -p 8083')).toBe('getEccSoapServer');
    expect(programName('./dataRouter')).toBe('dataRouter');
    expect(programName('dataRouterOld --port 1')).toBe('dataRouterOld');
    expect(programName('tail -f /x/dataRouter')).toBe('tail');
    expect(programName('-bash')).toBe('bash');
    expect(programName('')).toBe('');
  });
});

describe('the process check on fixed ps output', () => {
  it('finds the Linux programs by full name, skipping zombies, look-alikes and kernel threads', () => {
    expect(checkProcess(LINUX_SAMPLE, 'getEccSoapServer')).toEqual({ program: 'getEccSoapServer', running: true, pids: [2211] });
    expect(checkProcess(LINUX_SAMPLE, 'dataRouter')).toEqual({ program: 'dataRouter', running: true, pids: [2212, 2213] });
    const zombies = parseProcessList(LINUX_SAMPLE).filter((p) => p.zombie);
    expect(zombies.map((z) => z.pid)).toEqual([2230, 2233]);
  });

  it('reads the macOS form (full paths, a zombie in parentheses, a line without arguments)', () => {
    expect(checkProcess(MACOS_SAMPLE, 'getEccSoapServer').pids).toEqual([901]);
    expect(checkProcess(MACOS_SAMPLE, 'dataRouter').pids).toEqual([902]);
    expect(parseProcessList(MACOS_SAMPLE)).toHaveLength(7);
  });

  it('says not running when the program is absent or the output is empty', () => {
    expect(checkProcess(LINUX_SAMPLE, 'getEccSoapServe')).toEqual({ program: 'getEccSoapServe', running: false, pids: [] });
    expect(checkProcess('', 'dataRouter').running).toBe(false);
  });
});

describe('the program listening on a port, on fixed lsof pids and ps output', () => {
  it('is running when the listener is the program, by its full name', () => {
    expect(processOnPort(LINUX_SAMPLE, [2212], 'dataRouter', 46005)).toEqual({ kind: 'running', port: 46005, pid: 2212 });
    expect(processOnPort(MACOS_SAMPLE, [902], 'dataRouter', 46005)).toEqual({ kind: 'running', port: 46005, pid: 902 });
    // A forked child sharing the socket: the right program among the listeners is enough.
    expect(processOnPort(LINUX_SAMPLE, [2231, 2213], 'dataRouter', 46015)).toEqual({ kind: 'running', port: 46015, pid: 2213 });
  });

  it('is not running when nobody listens, or the listener is gone or a zombie by the time ps looks', () => {
    expect(processOnPort(LINUX_SAMPLE, [], 'dataRouter', 46005)).toEqual({ kind: 'not-running', port: 46005 });
    expect(processOnPort(LINUX_SAMPLE, [2230], 'dataRouter', 46005)).toEqual({ kind: 'not-running', port: 46005 });
    expect(processOnPort(LINUX_SAMPLE, [9999], 'dataRouter', 46005)).toEqual({ kind: 'not-running', port: 46005 });
  });

  it('names another program that listens, a look-alike or another GET program included', () => {
    expect(processOnPort(LINUX_SAMPLE, [2232], 'dataRouter', 46005)).toEqual({ kind: 'other-program', port: 46005, pid: 2232, program: 'dataRouterOld' });
    expect(processOnPort(LINUX_SAMPLE, [2211], 'dataRouter', 8083)).toEqual({ kind: 'other-program', port: 8083, pid: 2211, program: 'getEccSoapServer' });
    expect(processOnPort(MACOS_SAMPLE, [904], 'dataRouter', 46005)).toEqual({ kind: 'other-program', port: 46005, pid: 904, program: 'tail' });
  });
});

describe('the process check on this computer', () => {
  let programs: FakePrograms;
  let ecc: ChildProcess;
  let routers: ChildProcess[];
  let old: ChildProcess;
  let zombieParent: ChildProcess;
  let staging = '';
  const ports = { ecc: 0, routers: [0, 0], old: 0 };

  beforeAll(async () => {
    programs = fakePrograms();
    staging = mkdtempSync(join(tmpdir(), 'daq-staging-'));
    ports.ecc = await freePort();
    ecc = await programs.start('getEccSoapServer', { cwd: staging, port: ports.ecc });
    ports.routers = [await freePort(), await freePort()];
    routers = [];
    for (const port of ports.routers) routers.push(await programs.start('dataRouter', { cwd: staging, port }));
    ports.old = await freePort();
    old = await programs.start('dataRouterOld', { cwd: staging, port: ports.old });
    zombieParent = programs.zombie('dataRouter');
  });
  afterAll(() => {
    programs?.close();
    if (staging) rmSync(staging, { recursive: true, force: true });
  });

  it('finds getEccSoapServer by its full name although Linux keeps only 15 characters of it', async () => {
    const ps = await runLocally([...PROCESS_LIST_COMMAND]);
    expect(ps.code).toBe(0);
    expect(checkProcess(ps.stdout, 'getEccSoapServer').pids).toContain(ecc.pid);
    if (process.platform === 'linux') {
      const comm = await runLocally(['ps', '-o', 'comm=', '-p', String(ecc.pid)]);
      expect(comm.stdout.trim()).toBe('getEccSoapServe');
      expect(checkProcess(ps.stdout, 'getEccSoapServe').pids).not.toContain(ecc.pid);
    }
  });

  it('counts both data routers and neither dataRouterOld nor a zombie dataRouter', async () => {
    // The zombie exists once its parent (sleep, which never waits) has outlived it.
    let zombiePid: number | undefined;
    for (let attempt = 0; attempt < 250 && zombiePid === undefined; attempt++) {
      const children = await runLocally(['ps', '-o', 'pid=,stat=,args=', '--ppid', String(zombieParent.pid)]);
      const found = parseProcessList(children.stdout).find((p) => p.zombie);
      zombiePid = found?.pid;
      if (zombiePid === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(zombiePid).toBeDefined();

    const ps = await runLocally([...PROCESS_LIST_COMMAND]);
    const entries = parseProcessList(ps.stdout);
    expect(entries.find((e) => e.pid === zombiePid)?.zombie).toBe(true);
    const check = checkProcess(ps.stdout, 'dataRouter');
    expect(check.running).toBe(true);
    expect(check.pids).toEqual(expect.arrayContaining(routers.map((r) => r.pid)));
    expect(check.pids).not.toContain(old.pid);
    expect(check.pids).not.toContain(zombiePid);
    expect(checkProcess(ps.stdout, 'dataRouterOld').pids).toEqual([old.pid]);
  });

  it('finds the program on each port with the real lsof and ps: each instance, another program, nobody', async () => {
    const onPort = async (program: string, port: number) => {
      const pids = parseLsofFields(lsofAnswer(await runLocally(listeningPidsCommand(port)))).map((p) => p.pid);
      return processOnPort((await runLocally([...PROCESS_LIST_COMMAND])).stdout, pids, program, port);
    };
    expect(await onPort('dataRouter', ports.routers[0]!)).toEqual({ kind: 'running', port: ports.routers[0], pid: routers[0]!.pid });
    expect(await onPort('dataRouter', ports.routers[1]!)).toEqual({ kind: 'running', port: ports.routers[1], pid: routers[1]!.pid });
    expect(await onPort('getEccSoapServer', ports.ecc)).toEqual({ kind: 'running', port: ports.ecc, pid: ecc.pid });
    // lsof's command name is cut to 15 characters on Linux; ps's argv[0] names it whole.
    expect(await onPort('dataRouter', ports.old)).toEqual({ kind: 'other-program', port: ports.old, pid: old.pid, program: 'dataRouterOld' });
    const nobody = await freePort();
    expect(await onPort('dataRouter', nobody)).toEqual({ kind: 'not-running', port: nobody });
  });
});
