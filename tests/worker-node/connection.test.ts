// SSH connections against a real OpenSSH server on 127.0.0.1 (tests/support/sshd.ts): host key
// checking, authentication, unreachable and silent servers, argument quoting, connection reuse.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnections, SshError, commandLine, type ConnectOptions } from '../../src/main/worker-node/connection';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';
import type { HostOverrides } from '../../src/main/worker-node/ssh-config';
import { tempDir } from '../support/store';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { failure } from '../support/ssh-failure';

/** A data directory and a home (with no ~/.ssh/config, known_hosts or agent) for one test. */
function setting(sshd: TestSshd, extra: Partial<ConnectOptions> = {}, config?: string): { options: ConnectOptions; appFile: string; overrides: HostOverrides } {
  const dataDir = tempDir('daq-data-');
  const home = tempDir('daq-home-');
  mkdirSync(join(home, '.ssh'));
  if (config !== undefined) writeFileSync(join(home, '.ssh', 'config'), config);
  return {
    options: { dataDir, sshConfig: { home, env: {} }, readyTimeoutMs: 5_000, ...extra },
    appFile: join(dataDir, 'known_hosts'),
    overrides: { user: sshd.user, port: sshd.port, identityFile: sshd.privateKeyPath },
  };
}

function hostKeyBlob(sshd: TestSshd): Buffer {
  return Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64');
}


const open: SshConnections[] = [];
function connections(options: ConnectOptions): SshConnections {
  const created = new SshConnections(options);
  open.push(created);
  return created;
}

describe.skipIf(!sshdAvailable())(`SSH connections to a real OpenSSH server ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await sshd?.close();
  });

  it("runs a command on a server whose key is in the application's known_hosts", async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const result = await connections(options).exec(sshd.host, ['echo', 'x y'], { overrides });
    expect(result).toEqual({ stdout: 'x y\n', stderr: '', code: 0 });
  });

  it('refuses an unknown host and shows the same fingerprint as ssh-keygen', async () => {
    const { options, overrides } = setting(sshd);
    const error = await failure(connections(options).exec(sshd.host, ['true'], { overrides }));
    expect(error.kind).toBe('unknown-host');
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(error.message).toContain('ssh-ed25519');
    expect(error.hostKey).toMatchObject({ host: sshd.host, port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint });
  });

  it('connects once the presented key is trusted, written as OpenSSH writes it', async () => {
    const { options, appFile, overrides } = setting(sshd);
    const ssh = connections(options);
    const error = await failure(ssh.exec(sshd.host, ['true'], { overrides }));
    const presented = error.hostKey!;
    trustHostKey(appFile, presented.host, presented.port, Buffer.from(presented.keyBase64, 'base64'));
    expect(readFileSync(appFile, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
    expect(statSync(appFile).mode & 0o777).toBe(0o600);
    expect((await ssh.exec(sshd.host, ['true'], { overrides })).code).toBe(0);
  });

  it("uses the user's ~/.ssh/known_hosts too, and matches its hashed entries", async () => {
    const { options, overrides } = setting(sshd);
    const userFile = join(options.sshConfig!.home!, '.ssh', 'known_hosts');
    writeFileSync(userFile, `${sshd.knownHostsLine}\n`);
    expect(spawnSync('ssh-keygen', ['-H', '-f', userFile], { stdio: 'ignore' }).status).toBe(0);
    expect(readFileSync(userFile, 'utf8')).toMatch(/^\|1\|/);
    expect((await connections(options).exec(sshd.host, ['true'], { overrides })).code).toBe(0);
  });

  it('refuses a revoked host key even when it is also listed as trusted', async () => {
    const { options, appFile, overrides } = setting(sshd);
    writeFileSync(appFile, `${sshd.knownHostsLine}\n@revoked ${sshd.knownHostsLine}\n`);
    const error = await failure(connections(options).exec(sshd.host, ['true'], { overrides }));
    expect(error.kind).toBe('host-key-revoked');
    expect(error.message).toMatch(/REVOKED/);
  });

  it('refuses a wrong user as an authentication failure', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const error = await failure(connections(options).exec(sshd.host, ['true'], { overrides: { ...overrides, user: 'no-such-daq-user' } }));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('no-such-daq-user');
  });

  it('refuses a key that is not authorized as an authentication failure', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const stranger = join(tempDir(), 'stranger');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger], { stdio: 'ignore' });
    const error = await failure(connections(options).exec(sshd.host, ['true'], { overrides: { ...overrides, identityFile: stranger } }));
    expect(error.kind).toBe('auth');
  });

  it('passes arguments with spaces, quotes and shell syntax through verbatim', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const args = ['x y', "it's", '"double"', '$(reboot)', '`id`', '; rm -rf ~', '$HOME', '*', 'a\\b', '', 'new\nline', "'", "''\\''"];
    const result = await connections(options).exec(sshd.host, ['printf', '%s\\n', ...args], { overrides });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it('quotes every argument, the program name included', () => {
    expect(commandLine(['ls', '-l', "it's"])).toBe(`'ls' '-l' 'it'\\''s'`);
    expect(() => commandLine([])).toThrow(SshError);
    expect(() => commandLine(['echo', 'a\0b'])).toThrow(/NUL/);
  });

  it('returns the exit status and standard error of a failing command', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const result = await connections(options).exec(sshd.host, ['sh', '-c', 'echo oops >&2; exit 3'], { overrides });
    expect(result).toEqual({ stdout: '', stderr: 'oops\n', code: 3 });
  });

  it('ends a command that outlives its limit', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const error = await failure(connections(options).exec(sshd.host, ['sleep', '30'], { overrides, timeoutMs: 500 }));
    // Ended by its own limit (the message names it); the command would otherwise run 30 s, past the test's time.
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`sleep on ${sshd.host} did not end within 500 ms`);
  });

  it('reuses one connection per host and keeps many commands under the channel limit', async () => {
    const { options, appFile, overrides } = setting(sshd, { maxChannels: 8 });
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const ssh = connections(options);
    const first = await ssh.connection(sshd.host, overrides);
    expect(await ssh.connection(sshd.host, overrides)).toBe(first);
    // More at once than OpenSSH's MaxSessions (10): without the limit, some would be refused.
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => ssh.exec(sshd.host, ['echo', String(i)], { overrides })));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 14 }, (_, i) => `${i}\n`));
  }, 60_000);

  it('opens a new connection after the old one was closed', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const ssh = connections(options);
    const first = await ssh.connection(sshd.host, overrides);
    first.close();
    const second = await ssh.connection(sshd.host, overrides);
    expect(second).not.toBe(first);
    expect((await second.exec(['true'])).code).toBe(0);
  });

  it('gives a connection a task timed out on to no new task, keeps it for the tasks still on it, and closes it after the last', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const ssh = connections(options);
    const timedOut = ssh.lease(sshd.host, overrides);
    const stillRunning = ssh.lease(sshd.host, overrides);
    const suspect = await timedOut.connection;
    expect(await stillRunning.connection).toBe(suspect);

    timedOut.release(true);
    const next = ssh.lease(sshd.host, overrides);
    const fresh = await next.connection;
    expect(fresh).not.toBe(suspect);
    // The other task on it goes on undisturbed.
    expect((await suspect.exec(['echo', 'still here'])).stdout).toBe('still here\n');
    const closed = new Promise<void>((resolve) => suspect.onClose(resolve));
    stillRunning.release();
    await closed;
    expect(suspect.closed).toBe(true);

    // A task that ended well leaves its connection for the next.
    next.release();
    const after = ssh.lease(sshd.host, overrides);
    expect(await after.connection).toBe(fresh);
    after.release();
    expect(fresh.closed).toBe(false);
  });

  it('connects afresh after a command that timed out', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const ssh = connections(options);
    const first = await ssh.connection(sshd.host, overrides);
    expect((await failure(ssh.exec(sshd.host, ['sleep', '30'], { overrides, timeoutMs: 500 }))).kind).toBe('timeout');
    const second = await ssh.connection(sshd.host, overrides);
    expect(second).not.toBe(first);
    expect((await second.exec(['true'])).code).toBe(0);
  });

  it('does not make the next command wait behind commands that timed out and still run there', async () => {
    // OpenSSH holds a session until its command ends (a timed-out one is not killed: the
    // signal request goes unanswered), so each holds one of the connection's channels.
    const { options, appFile, overrides } = setting(sshd, { maxChannels: 2 });
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const ssh = connections(options);
    const stuck = await Promise.all([0, 1].map(() => failure(ssh.exec(sshd.host, ['sleep', '20'], { overrides, timeoutMs: 300 }))));
    expect(stuck.map((e) => e.kind)).toEqual(['timeout', 'timeout']);
    let bound: NodeJS.Timeout | undefined;
    const waited = new Promise<never>((_resolve, reject) => {
      bound = setTimeout(() => reject(new Error('the next command waited for a channel held by the timed-out ones')), 10_000);
    });
    try {
      expect(await Promise.race([ssh.exec(sshd.host, ['echo', 'next'], { overrides, timeoutMs: 5_000 }), waited])).toMatchObject({ stdout: 'next\n', code: 0 });
    } finally {
      clearTimeout(bound);
    }
  }, 30_000);

  it('resolves a host alias through ~/.ssh/config', async () => {
    const config = `Host worker1\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${sshd.privateKeyPath}\n`;
    const { options, appFile } = setting(sshd, {}, config);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const result = await connections(options).exec('worker1', ['echo', 'via alias']);
    expect(result.stdout).toBe('via alias\n');
  });

  it('refuses to run commands after close()', async () => {
    const { options } = setting(sshd);
    const ssh = new SshConnections(options);
    await ssh.close();
    expect((await failure(ssh.exec(sshd.host, ['true']))).kind).toBe('other');
  });
});

describe.skipIf(!sshdAvailable())(`a server whose host key changed ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.close());

  it('is refused loudly as a possible man-in-the-middle', async () => {
    const { options, appFile, overrides } = setting(sshd);
    trustHostKey(appFile, sshd.host, sshd.port, hostKeyBlob(sshd));
    const before = new SshConnections(options);
    expect((await before.exec(sshd.host, ['true'], { overrides })).code).toBe(0);
    await before.close();
    const oldFingerprint = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    const after = new SshConnections(options);
    try {
      const error = await failure(after.exec(sshd.host, ['true'], { overrides }));
      expect(error.kind).toBe('host-key-changed');
      expect(error.message).toMatch(/HAS CHANGED/);
      expect(error.message).toMatch(/man-in-the-middle/);
      expect(error.message).toContain(oldFingerprint);
      expect(error.message).toContain(sshd.hostKeyFingerprint);
    } finally {
      await after.close();
    }
  });
});

describe('servers that cannot be used', () => {
  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const home = tempDir();
    const ssh = new SshConnections({ dataDir, sshConfig: { home, env: {} } });
    const key = join(home, 'key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
    const error = await failure(ssh.exec('127.0.0.1', ['true'], { overrides: { port, identityFile: key } }));
    expect(error.kind).toBe('unreachable');
    await ssh.close();
  });

  it('reports a port that accepts TCP but never speaks SSH as a timeout of the handshake’s own limit', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const home = tempDir();
    const key = join(home, 'key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
    const ssh = new SshConnections({ dataDir: tempDir(), sshConfig: { home, env: {} }, readyTimeoutMs: 1_000 });
    const started = Date.now();
    try {
      const error = await failure(ssh.exec('127.0.0.1', ['true'], { overrides: { port, identityFile: key } }));
      // The SSH handshake's own limit ended it, and not before it.
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/^No SSH answer from .* in time: /);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await ssh.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
