// The file tasks over SFTP against a real OpenSSH server on this computer: the clean check,
// organizing a run's files after Stop, backing up config files and the end of a log.
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupConfigFiles, checkClean, organizeRunFiles, tailLines } from '../../src/main/worker-node/files';
import { RemotePathError } from '../../src/main/worker-node/remote-paths';
import { sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { openSession, type TestSession } from './ssh-session';

/** A staging directory with `count` .graw files named like the data router's. */
function stagingWith(count: number, root: string, name = 'staging'): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, grawName(i)), `data of file ${i}\n`);
  return dir;
}

function grawName(i: number): string {
  return `CoBo${i % 10}_AsAd${Math.floor(i / 10) % 4}_2025-06-01T12:00:00.000_${String(i).padStart(4, '0')}.graw`;
}

/** Every file under a folder with its size and time of change, to show nothing else changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const info = statSync(path);
    out[path] = entry.isFile() ? `${info.size} ${info.mtimeMs}` : '<dir>';
  }
  return out;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe.skipIf(!sshdAvailable())(`file tasks over SFTP ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let session: TestSession;
  let sandbox: string;
  let caseNumber = 0;
  /** A fresh folder per test inside the sandbox. */
  const fresh = () => {
    const dir = join(sandbox, `case${++caseNumber}`);
    mkdirSync(dir);
    return dir;
  };

  beforeAll(async () => {
    sshd = await startSshd();
    session = await openSession(sshd);
    sandbox = mkdtempSync(join(tmpdir(), 'daq-files-'));
  });
  afterAll(async () => {
    session?.close();
    await sshd?.close();
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
  });

  describe('the clean check', () => {
    it('counts the .graw files at the top of the staging directory and their size, nothing else', async () => {
      const staging = fresh();
      writeFileSync(join(staging, 'a.graw'), 'x'.repeat(10));
      writeFileSync(join(staging, 'b.graw'), 'x'.repeat(20));
      writeFileSync(join(staging, 'c.graw'), 'x'.repeat(30));
      writeFileSync(join(staging, 'notes.txt'), 'not data');
      mkdirSync(join(staging, 'folder.graw'));
      mkdirSync(join(staging, 'e1', 'run_0000'), { recursive: true });
      writeFileSync(join(staging, 'e1', 'run_0000', 'old.graw'), 'already organized');
      expect(await checkClean(session.sftp, staging)).toEqual({ clean: false, grawFiles: 3, totalBytes: 60 });
    });

    it('calls a staging directory without .graw files clean', async () => {
      const staging = fresh();
      writeFileSync(join(staging, 'dataRouter.log'), 'log');
      expect(await checkClean(session.sftp, staging)).toEqual({ clean: true, grawFiles: 0, totalBytes: 0 });
    });
  });

  describe('organizing after Stop', () => {
    it('moves 2,000 files into <staging>/<experiment>/run_NNNN in one go, pipelined', async () => {
      const staging = stagingWith(2000, fresh());
      const started = performance.now();
      const result = await organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e20009', runNumber: 7 });
      const seconds = (performance.now() - started) / 1000;
      console.log(`organize: 2000 files in ${seconds.toFixed(2)} s = ${Math.round(2000 / seconds)} files/s (64 renames in flight)`);

      expect(result).toEqual({ destination: join(staging, 'e20009', 'run_0007'), moved: 2000, changed: [], skippedExisting: [], errors: [], interrupted: false });
      expect(readdirSync(join(staging, 'e20009', 'run_0007'))).toHaveLength(2000);
      expect(readFileSync(join(staging, 'e20009', 'run_0007', grawName(1234)), 'utf8')).toBe('data of file 1234\n');
      expect(await checkClean(session.sftp, staging)).toMatchObject({ clean: true });
    });

    it('finishes the job when run again after being stopped partway', async () => {
      const staging = stagingWith(2000, fresh());
      const destination = join(staging, 'e1', 'run_0002');
      const stop = new AbortController();
      const first = organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: 2 }, { signal: stop.signal });
      await until(() => statSync(destination, { throwIfNoEntry: false }) !== undefined && readdirSync(destination).length >= 300, '300 files moved');
      stop.abort();
      const partial = await first;
      expect(partial.interrupted).toBe(true);
      expect(partial.moved).toBeGreaterThanOrEqual(300);
      expect(partial.moved).toBeLessThan(2000);
      expect(partial.errors).toEqual([]);

      const second = await organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: 2 });
      expect(second).toMatchObject({ moved: 2000 - partial.moved, skippedExisting: [], errors: [], interrupted: false });
      expect(readdirSync(destination).sort()).toEqual(Array.from({ length: 2000 }, (_, i) => grawName(i)).sort());
    });

    it('finishes the job when run again after the connection dropped in the middle, losing no file', async () => {
      const staging = stagingWith(2000, fresh());
      const destination = join(staging, 'e1', 'run_0003');
      const doomed = await openSession(sshd);
      const first = organizeRunFiles(doomed.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: 3 });
      await until(() => statSync(destination, { throwIfNoEntry: false }) !== undefined && readdirSync(destination).length >= 300, '300 files moved');
      doomed.close();
      const broken = await first;
      expect(broken.moved).toBeLessThan(2000);
      expect(broken.interrupted).toBe(true);
      console.log(`organize cut off: ${broken.moved} moved, ${broken.errors.length} errors, e.g. ${broken.errors[0]?.message ?? '-'}`);

      const second = await organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: 3 });
      expect(second.errors).toEqual([]);
      expect(second.skippedExisting).toEqual([]);
      expect(readdirSync(destination)).toHaveLength(2000);
      expect(readdirSync(staging).filter((n) => n.endsWith('.graw'))).toEqual([]);
    });

    it('never overwrites a file already in the run folder and reports its name', async () => {
      const staging = stagingWith(0, fresh());
      const destination = join(staging, 'e1', 'run_0004');
      mkdirSync(destination, { recursive: true });
      writeFileSync(join(destination, 'a.graw'), 'older data');
      writeFileSync(join(staging, 'a.graw'), 'newer data');
      writeFileSync(join(staging, 'b.graw'), 'b');

      const result = await organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: 4 });
      expect(result).toMatchObject({ moved: 1, skippedExisting: ['a.graw'], errors: [] });
      expect(readFileSync(join(destination, 'a.graw'), 'utf8')).toBe('older data');
      expect(readFileSync(join(staging, 'a.graw'), 'utf8')).toBe('newer data');
      expect(readFileSync(join(destination, 'b.graw'), 'utf8')).toBe('b');
    });

    it('refuses a run folder where a file of that name stands', async () => {
      const staging = stagingWith(1, fresh());
      mkdirSync(join(staging, 'e1'));
      writeFileSync(join(staging, 'e1', 'run_0005'), 'a file, not a folder');
      await expect(organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: 5 })).rejects.toThrow(/a file of that name exists/);
    });
  });

  describe('backing up config files', () => {
    const files = ['describe-cobo.xcfg', 'prepare-cobo.xcfg', 'configure-beam.xcfg'];
    function configRoot(): string {
      const dir = join(fresh(), 'configs');
      mkdirSync(dir);
      for (const [i, name] of files.entries()) writeFileSync(join(dir, name), `<Setup name="${name}">${'x'.repeat(1000 * (i + 1))}</Setup>\n`);
      return dir;
    }

    it('copies the three files into <backup root>/<experiment>/run_NNNN, creating folders, verified by size', async () => {
      const root = configRoot();
      const backupFolder = join(root, '..', 'backup', 'e1', 'run_0009');
      const result = await backupConfigFiles(session.sftp, { configRoot: root, files, backupFolder });
      expect(result.files.map((f) => f.status)).toEqual(['copied', 'copied', 'copied']);
      for (const name of files) expect(readFileSync(join(backupFolder, name))).toEqual(readFileSync(join(root, name)));
      expect(result.files.map((f) => (f.status === 'copied' ? f.bytes : 0))).toEqual(files.map((n) => statSync(join(root, n)).size));
      expect(readdirSync(backupFolder).sort()).toEqual([...files].sort());
    });

    it('leaves an identical backup alone and never overwrites a different one', async () => {
      const root = configRoot();
      const backupFolder = join(root, '..', 'backup', 'e1', 'run_0010');
      await backupConfigFiles(session.sftp, { configRoot: root, files, backupFolder });
      writeFileSync(join(backupFolder, 'prepare-cobo.xcfg'), 'edited by hand');

      const again = await backupConfigFiles(session.sftp, { configRoot: root, files, backupFolder });
      expect(again.files.map((f) => f.status)).toEqual(['already-backed-up', 'conflict', 'already-backed-up']);
      expect(readFileSync(join(backupFolder, 'prepare-cobo.xcfg'), 'utf8')).toBe('edited by hand');
      expect(readdirSync(backupFolder).sort()).toEqual([...files].sort());
    });

    it('reports a missing config file and still backs up the others', async () => {
      const root = configRoot();
      const backupFolder = join(root, '..', 'backup', 'e1', 'run_0011');
      const result = await backupConfigFiles(session.sftp, { configRoot: root, files: [...files.slice(0, 2), 'configure-missing.xcfg'], backupFolder });
      expect(result.files.map((f) => f.status)).toEqual(['copied', 'copied', 'error']);
      expect(readdirSync(backupFolder).sort()).toEqual(files.slice(0, 2).sort());
    });
  });

  describe('the end of a log', () => {
    it('gives the last 50 lines of a 200 MB file, reading only its end', async () => {
      // A hole of 199 MB (sparse: nothing written to disk), then the last 10,000 lines of a log
      // (101 bytes each).
      const HOLE = 200_000_000 - 10_000 * 101;
      const path = join(fresh(), 'dataRouter.log');
      const fd = openSync(path, 'w');
      ftruncateSync(fd, HOLE);
      const block: string[] = [];
      for (let lineNumber = 1_990_001; lineNumber <= 2_000_000; lineNumber++) {
        block.push(`${`${String(lineNumber).padStart(8, '0')} INFO dataRouter: frame received from CoBo[0] AsAd 2, 8192 bytes, queue ok`.padEnd(100, '.')}\n`);
      }
      writeSync(fd, block.join(''), HOLE);
      closeSync(fd);
      const size = statSync(path).size;
      expect(size).toBe(200_000_000);

      const started = performance.now();
      const tail = await tailLines(session.sftp, path, 50);
      const ms = performance.now() - started;
      console.log(`tail: last 50 lines of ${(size / 1e6).toFixed(0)} MB in ${ms.toFixed(1)} ms, ${tail.bytesRead} bytes read`);
      expect(tail.lines).toHaveLength(50);
      expect(tail.lines[0]).toMatch(/^01999951 INFO/);
      expect(tail.lines[49]).toMatch(/^02000000 INFO/);
      expect(tail.fileBytes).toBe(size);
      expect(tail.bytesRead).toBeLessThanOrEqual(64 * 1024);
    });

    it('gives every line of a short file, with or without a final newline or CRLF', async () => {
      const dir = fresh();
      const write = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      expect((await tailLines(session.sftp, write('a.log', 'one\ntwo\nthree\n'), 50)).lines).toEqual(['one', 'two', 'three']);
      expect((await tailLines(session.sftp, write('b.log', 'one\ntwo\nthree'), 2)).lines).toEqual(['two', 'three']);
      expect((await tailLines(session.sftp, write('c.log', 'one\r\ntwo\r\n'), 50)).lines).toEqual(['one', 'two']);
      expect((await tailLines(session.sftp, write('d.log', ''), 50)).lines).toEqual([]);
      expect((await tailLines(session.sftp, write('e.log', 'a\n\nb\n'), 50)).lines).toEqual(['a', '', 'b']);
    });

    it('finds the line boundaries across small chunks and multi-byte characters', async () => {
      const dir = fresh();
      const lines = Array.from({ length: 500 }, (_, i) => `ligne ${i} — état Prêt ✓`);
      writeFileSync(join(dir, 'f.log'), `${lines.join('\n')}\n`);
      const tail = await tailLines(session.sftp, join(dir, 'f.log'), 50, { chunkBytes: 1024 });
      expect(tail.lines).toEqual(lines.slice(-50));
    });
  });

  describe('hostile names', () => {
    it('are refused before anything touches the server, and nothing outside the sandbox changes', async () => {
      const staging = stagingWith(3, fresh());
      const configs = join(fresh(), 'configs');
      mkdirSync(configs);
      writeFileSync(join(configs, 'describe-a.xcfg'), 'a');
      const before = snapshot(sandbox);
      const homeBefore = readdirSync(process.env.HOME ?? '/root');

      for (const experiment of ['x; rm -rf ~', '../../etc', '$(reboot)', '..', '', 'e1/../../..']) {
        await expect(organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment, runNumber: 1 }), experiment).rejects.toThrow(RemotePathError);
      }
      await expect(organizeRunFiles(session.sftp, { stagingDirectory: `${staging}/../..`, experiment: 'e1', runNumber: 1 })).rejects.toThrow(RemotePathError);
      await expect(organizeRunFiles(session.sftp, { stagingDirectory: staging, experiment: 'e1', runNumber: -1 })).rejects.toThrow(RemotePathError);
      await expect(backupConfigFiles(session.sftp, { configRoot: configs, files: ['../../../etc/passwd'], backupFolder: join(sandbox, 'b') })).rejects.toThrow(RemotePathError);
      await expect(backupConfigFiles(session.sftp, { configRoot: configs, files: ['describe-a.xcfg'], backupFolder: `${sandbox}/../../etc` })).rejects.toThrow(RemotePathError);
      await expect(tailLines(session.sftp, 'relative/log.txt')).rejects.toThrow(RemotePathError);
      await expect(checkClean(session.sftp, '/tmp/../etc')).rejects.toThrow(RemotePathError);

      expect(snapshot(sandbox)).toEqual(before);
      expect(readdirSync(process.env.HOME ?? '/root')).toEqual(homeBefore);
    });
  });
});
