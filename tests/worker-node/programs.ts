// Test support: REAL processes named like the GET programs (the node binary under another name),
// each listening on a port in a working directory of our choice, plus a local `exec(argv)`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput } from '../../src/main/worker-node/staging';

export interface FakePrograms {
  dir: string;
  /** Starts `<dir>/<name>` listening on 127.0.0.1:<port> (when given) in `cwd`; resolves once it listens. */
  start(name: string, options: { cwd: string; port?: number }): Promise<ChildProcess>;
  /** A zombie named `name`: a child that exits while its parent (`sleep`) never waits for it. */
  zombie(name: string): ChildProcess;
  close(): void;
}

export function fakePrograms(): FakePrograms {
  const dir = mkdtempSync(join(tmpdir(), 'daq-programs-'));
  const children: ChildProcess[] = [];
  const binary = (name: string): string => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      // A hard link is as good as a copy for the process name (taken from the exec'd path).
      try {
        linkSync(process.execPath, path);
      } catch {
        copyFileSync(process.execPath, path);
      }
    }
    return path;
  };
  return {
    dir,
    async start(name, { cwd, port }) {
      const script = port === undefined ? 'setInterval(()=>{},1e9)' : `require('net').createServer().listen(${port},'127.0.0.1'); setInterval(()=>{},1e9)`;
      const child = spawn(binary(name), ['-e', script], { cwd, stdio: 'ignore' });
      children.push(child);
      if (port !== undefined) await waitForListener(port, child);
      else await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
      return child;
    },
    zombie(name) {
      const child = spawn('sh', ['-c', `'${binary(name)}' -e 0 & exec sleep 60`], { stdio: 'ignore' });
      children.push(child);
      return child;
    },
    close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForListener(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (child.exitCode !== null) throw new Error(`The program for port ${port} exited (${child.exitCode})`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Nothing listens on port ${port}`);
}

/** Runs a command here, like the connection layer's `exec(argv)` runs one on a worker computer. */
export function runLocally(argv: string[]): Promise<CommandOutput> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    execFile(file ?? '', args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : error.signal ? null : 127) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
