// The remote log view in the running application, over a real OpenSSH server on 127.0.0.1: the
// worker computer is reached through the application's own SSH settings (no ~/.ssh/config), a
// call reads the end of the log, a subscription follows it while it grows, nothing is read once
// nobody watches, and an unreachable or unknown host is an answer with its reason.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';
import type { RemoteLogTail } from '../../src/shared/api/contract';
import { operator, tempDir } from '../support/store';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { call, openApp, refusal, waitFor } from '../runs/support';

const WAIT_MS = 30_000;

describe.skipIf(!sshdAvailable())(`remote logs ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.close();
  });

  /** The application with an empty home (no ~/.ssh/config, no keys): only its own SSH settings apply. */
  function app(trusted: boolean): Application {
    const dataDir = tempDir('daq-logs-');
    if (trusted) trustHostKey(join(dataDir, 'known_hosts'), sshd.host, sshd.port, Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64'));
    return openApp(dataDir, {
      ssh: {
        connect: { sshConfig: { home: tempDir('daq-home-'), env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 } },
        schedule: false,
        remoteLogs: { followIntervalMs: 100 },
      },
    });
  }

  async function eccServerWithLog(a: Application, logPath: string): Promise<number> {
    await call(a, 'experiments.create', { name: 'e-logs' });
    const server = await call(a, 'eccServers.add', {
      name: 'ECC0',
      address: '127.0.0.1',
      logPath,
      configRoot: '/home/daq/configs',
      configBackupRoot: '/home/daq/backup',
    });
    return server.id;
  }

  it('reads the end of a log through the stored SSH settings and follows it while watched', async () => {
    const a = app(true);
    const log = join(tempDir('daq-remote-'), 'ecc.log');
    writeFileSync(log, Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const id = await eccServerWithLog(a, log);

    // Without settings, 127.0.0.1 means port 22 as the local user: not this server.
    await call(a, 'sshHosts.set', { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.privateKeyPath });
    expect(await call(a, 'sshHosts.list', {})).toMatchObject([{ host: '127.0.0.1', port: sshd.port, user: sshd.user }]);

    const once = await call(a, 'remoteLogs.tail', { component: 'eccServer', id, lines: 3 });
    expect(once).toMatchObject({ name: 'ECC0', host: '127.0.0.1', path: log, lines: ['line 497', 'line 498', 'line 499'], truncated: true, error: null });
    expect(a.remoteLogs.followedCount).toBe(0);

    // Followed: each new line reaches the watcher without it asking again.
    const seen: RemoteLogTail[] = [];
    const stop = a.service.subscribe('remoteLogs.tail', { component: 'eccServer', id, lines: 3 }, operator, (r) => {
      if (r.ok) seen.push(r.value as RemoteLogTail);
    });
    try {
      expect(a.remoteLogs.followedCount).toBe(1);
      appendFileSync(log, 'line 500\n');
      await waitFor(a, 'remoteLogs.tail', { component: 'eccServer', id, lines: 3 }, (t) => t.lines.at(-1) === 'line 500', WAIT_MS);
      appendFileSync(log, 'Configure done\n');
      await expect.poll(() => seen.at(-1)?.lines, { timeout: WAIT_MS }).toEqual(['line 499', 'line 500', 'Configure done']);
    } finally {
      stop();
    }
    expect(a.remoteLogs.followedCount).toBe(0);

    await call(a, 'sshHosts.remove', { host: '127.0.0.1' });
    expect(await call(a, 'sshHosts.list', {})).toEqual([]);
    expect((await refusal(a, 'sshHosts.remove', { host: '127.0.0.1' })).code).toBe('NOT_FOUND');
  }, 60_000);

  it('answers with the reason when the log cannot be read: unknown host key, nobody listening, no such file', async () => {
    const a = app(false);
    const id = await eccServerWithLog(a, '/nonexistent/ecc.log');
    await call(a, 'sshHosts.set', { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.privateKeyPath });

    const unknown = await call(a, 'remoteLogs.tail', { component: 'eccServer', id, lines: 10 });
    expect(unknown).toMatchObject({ lines: [], fileSize: null, error: { kind: 'unknown-host' } });
    expect(unknown.error?.message).toContain(sshd.hostKeyFingerprint);

    await call(a, 'sshHosts.set', { host: '127.0.0.1', port: await freePort(), user: sshd.user, identityFile: sshd.privateKeyPath });
    expect((await call(a, 'remoteLogs.tail', { component: 'eccServer', id, lines: 10 })).error).toMatchObject({ kind: 'unreachable' });

    const b = app(true);
    const other = await eccServerWithLog(b, '/nonexistent/ecc.log');
    await call(b, 'sshHosts.set', { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.privateKeyPath });
    const missing = await call(b, 'remoteLogs.tail', { component: 'eccServer', id: other, lines: 10 });
    expect(missing.error?.message).toMatch(/No such file|does not exist/i);

    expect((await refusal(b, 'remoteLogs.tail', { component: 'dataRouter', id: 999, lines: 10 })).code).toBe('NOT_FOUND');
    expect((await refusal(b, 'remoteLogs.tail', { component: 'eccServer', id: other, lines: 0 })).code).toBe('INVALID_INPUT');
    expect((await refusal(b, 'sshHosts.set', { host: '127.0.0.1', user: 'x; rm -rf ~' })).field).toBe('user');
    expect((await refusal(b, 'sshHosts.set', { host: '127.0.0.1', identityFile: 'relative/key' })).field).toBe('identityFile');
  }, 60_000);
});
