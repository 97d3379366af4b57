// The fault matrix, a worker computer that hangs mid-connection: each worker thread keeps one SSH
// connection per host for every task, so a connection whose peer stopped answering must not be
// handed to the next task. Against a REAL OpenSSH server on 127.0.0.1 whose per-connection
// processes are stopped (SIGSTOP: the TCP peer holds the socket and says nothing), and a real TCP
// front that swallows one handshake; through the product's SSH gateway (its worker thread and the
// connections that thread keeps).
import { readFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';
import { createSshGateway, type SshGateway } from '../../src/main/worker-node/ssh-pool';
import type { SshConnectSettings, SshHost } from '../../src/main/worker-node/ssh-worker';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { failure } from '../support/ssh-failure';


/** True while the process exists and is not a zombie (ENVIRONMENT.md: `kill -0` succeeds on one). */
function alive(pid: number): boolean {
  try {
    // The state follows the parenthesized command name in /proc/<pid>/stat.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for a condition to hold, polling; fails with `what` when it has not within `timeoutMs`. */
async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!sshdAvailable())(`a worker computer that hangs mid-connection ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let connect: SshConnectSettings;
  let host: SshHost;
  const gateways: SshGateway[] = [];
  const fronts: { server: Server; sockets: Set<Socket> }[] = [];
  const kept: string[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    const dataDir = mkdtempSync(join(tmpdir(), 'daq-data-'));
    const home = mkdtempSync(join(tmpdir(), 'daq-home-'));
    kept.push(dataDir, home);
    mkdirSync(join(home, '.ssh'));
    trustHostKey(join(dataDir, 'known_hosts'), sshd.host, sshd.port, Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64'));
    // A long connect limit: a connect left waiting would hold the next task far beyond its own limit.
    connect = { dataDir, sshConfig: { home, env: {} }, readyTimeoutMs: 30_000 };
    host = { alias: sshd.host, overrides: { user: sshd.user, port: sshd.port, identityFile: sshd.privateKeyPath } };
  });
  afterEach(async () => {
    sshd.resumeConnections();
    await Promise.all(gateways.splice(0).map((g) => g.close()));
    for (const front of fronts.splice(0)) {
      for (const socket of front.sockets) socket.destroy();
      front.server.close();
    }
  });
  afterAll(async () => {
    await sshd?.close();
    for (const dir of kept) rmSync(dir, { recursive: true, force: true });
  });

  /** One worker thread, so every task shares that thread's connection to the host. */
  function gateway(): SshGateway {
    const created = createSshGateway({ connect, maxThreads: 1, checkLimits: { softMs: 2_000, hardMs: 20_000 } });
    gateways.push(created);
    return created;
  }

  it('a check on a connection whose peer stopped fails within its limit, and the next one connects afresh and answers while that peer still hangs', async () => {
    const g = gateway();
    const port = await freePort();
    expect(await g.checkEccServerProcess(host, port)).toEqual({ running: false, process: { kind: 'not-running', port } });
    const hung = sshd.hangConnections();
    expect(hung.length).toBeGreaterThan(0);

    const error = await failure(g.checkEccServerProcess(host, port));
    // The task's own (soft) limit, the task's or its command's clock, not the gateway's hard limit behind it.
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/^(No answer from 127\.0\.0\.1|lsof on 127\.0\.0\.1 did not end) within (2000|1\d{3}) ms$/);

    // The hung connection's processes are still stopped: an answer now came over a new connection.
    expect(await g.checkEccServerProcess(host, port)).toEqual({ running: false, process: { kind: 'not-running', port } });
    expect(hung.every(alive)).toBe(true);

    // Nothing left open: the hung connection was closed on this side, so once its processes go
    // on they find it gone and end (a connection kept would keep them).
    sshd.resumeConnections();
    await until(`the hung connection's sshd processes ${hung.join(', ')} end`, () => !hung.some(alive), 10_000);
  }, 60_000);

  it('a handshake that never completes fails within its limit, and the next check does not wait behind it', async () => {
    // A TCP front for the worker computer: the first connection it accepts is held and never
    // answered (a computer that hung during the handshake); later ones go through to sshd.
    const sockets = new Set<Socket>();
    let held: Socket | undefined;
    let heldClosed = false;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      if (!held) {
        held = socket;
        // Read and drop what the client says, so its end (or reset) is seen.
        socket.resume();
        socket.on('end', () => (heldClosed = true));
        socket.on('close', () => (heldClosed = true));
        return;
      }
      const upstream = tcpConnect(sshd.port, sshd.host);
      sockets.add(upstream);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    fronts.push({ server, sockets });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const frontPort = typeof address === 'object' && address ? address.port : 0;
    trustHostKey(join(connect.dataDir, 'known_hosts'), sshd.host, frontPort, Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64'));
    const front: SshHost = { alias: sshd.host, overrides: { ...host.overrides, port: frontPort } };

    const g = gateway();
    const port = await freePort();
    const error = await failure(g.checkEccServerProcess(front, port));
    expect(error).toMatchObject({ kind: 'timeout', message: `No answer from ${sshd.host} within 2000 ms`, connecting: true });
    expect(held).toBeDefined();

    expect(await g.checkEccServerProcess(front, port)).toEqual({ running: false, process: { kind: 'not-running', port } });
    // The abandoned connect was closed, not left to its own 30 s limit.
    await until('the abandoned connection is closed', () => heldClosed, 10_000);
  }, 60_000);
});
