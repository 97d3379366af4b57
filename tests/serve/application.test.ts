// The application on its data directory: created private, one instance at a time, with an API
// token that survives restarts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openApplication, type Application } from '../../src/main/app/application';
import { DataDirLockedError, LOCK_FILE, LOCK_OWNER_FILE } from '../../src/main/app/lock';
import { TOKEN_FILE } from '../../src/main/app/token';
import { operator, tempDir } from '../support/store';

const opened: Application[] = [];
function open(dataDir: string, readOnly = false): Application {
  const application = openApplication({ dataDir, readOnly });
  opened.push(application);
  return application;
}
afterEach(async () => {
  while (opened.length > 0) await opened.pop()?.close();
});

const mode = (path: string) => statSync(path).mode & 0o777;
const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The pid of a process that has certainly ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

describe('openApplication', () => {
  it('creates a private data directory with the database, a 0600 token file and a lock', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const application = open(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
    expect(application.token).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim()).toBe(application.token);
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_OWNER_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('keeps the same token across restarts', async () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    const token = first.token;
    await first.close();
    const second = open(dataDir);
    expect(second.token).toBe(token);
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600);
  });

  it('makes a token file that was opened up private again', async () => {
    const dataDir = tempDir();
    await open(dataDir).close();
    chmodSync(join(dataDir, TOKEN_FILE), 0o644);
    open(dataDir);
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600);
  });

  it('replaces a damaged token file with a new token', () => {
    const dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, TOKEN_FILE), 'short\n');
    const application = open(dataDir);
    expect(application.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a second instance on the same data directory while the first holds it, and allows it after close', async () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    let refusal: unknown;
    try {
      open(dataDir);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as Error).message).toContain(`Another instance is using ${dataDir} (pid ${process.pid})`);
    // The refused attempt left the first instance's lock alone.
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_OWNER_FILE), 'utf8'))).toMatchObject({ pid: process.pid });

    await first.close();
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(false);
    const second = open(dataDir);
    expect(second.store.db.open).toBe(true);
  });

  it('takes over the pid file an earlier version left', () => {
    const dataDir = tempDir();
    const pid = deadPid();
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), nonce: 'old' }));
    const application = open(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_OWNER_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(application.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes over a lock file that holds no valid owner', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, LOCK_FILE), 'garbage');
    expect(() => open(dataDir)).not.toThrow();
  });

  it('serves the API with the version from package.json and keeps data across restarts', async () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    expect(await first.service.call('experiments.create', { name: 'e1' }, operator)).toMatchObject({ ok: true });
    expect(await first.service.call('app.info', {}, operator)).toEqual({
      ok: true,
      value: { version: packageVersion, schemaVersion: first.store.schemaVersion, readOnly: false, dataDir },
    });
    await first.close();
    const second = open(dataDir);
    expect(await second.service.call('experiments.list', {}, operator)).toMatchObject({ ok: true, value: [{ name: 'e1' }] });
  });

  it('closes everything on close, and a second close does nothing', async () => {
    const dataDir = tempDir();
    const application = open(dataDir);
    await application.close();
    expect(application.store.db.open).toBe(false);
    await expect(application.close()).resolves.toBeUndefined();
    await application.closed;
  });
});
