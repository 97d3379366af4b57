// The one-instance lock with real processes: the kernel holds it, so a live holder refuses a
// second instance by name, and a holder killed with SIGKILL leaves nothing that blocks.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDirLockedError, LOCK_FILE, LOCK_OWNER_FILE, lockDataDir } from '../../src/main/app/lock';
import { tempDir } from '../support/store';

const holderScript = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Holder {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stderr: string }>;
  /** Resolves once it printed that it holds the lock (rejects if it ended first). */
  locked: Promise<number>;
}

function startHolder(dataDir: string): Holder {
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  const locked = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /locked (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(({ code }) => reject(new Error(`the holder ended (${code ?? child.signalCode}) without the lock: ${stderr}`)));
  });
  // A holder that is meant to be refused never resolves it: not an unhandled rejection.
  locked.catch(() => {});
  return { child, exited, locked };
}

/** A process's state letter as ps shows it (Z: a zombie), or '' when it is gone. */
function processState(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().charAt(0);
  } catch {
    return '';
  }
}

describe('the data directory lock', () => {
  it('refuses a second process while a live process holds it, naming its pid', async () => {
    const dataDir = tempDir();
    const first = startHolder(dataDir);
    const pid = await first.locked;
    const second = startHolder(dataDir);
    const { code, stderr } = await second.exited;
    expect(code).toBe(3);
    expect(stderr).toContain(`Another instance is using ${dataDir} (pid ${pid})`);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    // The refusals left the holder's lock as it was.
    expect(first.child.exitCode).toBeNull();
  });

  it('is free at once after its holder was killed with SIGKILL, while the dead holder is still a zombie', async () => {
    const dataDir = tempDir();
    // The holder's parent is a `sleep` that never reaps it: once killed, it stays a zombie, whose
    // pid answers `kill -0` (what fooled the pid-file lock).
    const parent = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${holderScript}" "${dataDir}" & exec sleep 600`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(parent);
    let stdout = '';
    parent.stdout!.setEncoding('utf8');
    const pid = await new Promise<number>((resolve) =>
      parent.stdout!.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /locked (\d+)/.exec(stdout);
        if (match) resolve(Number(match[1]));
      }),
    );
    process.kill(pid, 'SIGKILL');
    await vi.waitFor(() => expect(processState(pid)).toBe('Z'), { timeout: 5_000, interval: 20 });
    expect(() => process.kill(pid, 0)).not.toThrow();
    const next = startHolder(dataDir);
    await expect(next.locked).resolves.toBe(next.child.pid);
  });

  it('refuses a second lock in the same process, and takes it again once released', () => {
    const dataDir = tempDir();
    const lock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(`Another instance is using ${dataDir} (pid ${process.pid}). Close it first.`);
    lock.release();
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(false);
    lockDataDir(dataDir).release();
  });

  it('is not blocked by the pid file of an earlier version, even one naming a live process', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, LOCK_FILE), `${JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'old' })}\n`);
    const holder = startHolder(dataDir);
    await expect(holder.locked).resolves.toBe(holder.child.pid);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
  });

  it('is not blocked by a lock file that holds garbage', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, LOCK_FILE), 'garbage');
    lockDataDir(dataDir).release();
  });
});
