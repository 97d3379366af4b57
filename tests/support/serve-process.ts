// The serve-mode server as a real process: started with node, its printed link read (address
// and token), stopped with SIGTERM (SIGKILL if it does not end). Used by the tests, the
// end-to-end tests and the benchmark alike, so it imports no test framework.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServeProcessOptions {
  /** The script node runs: a built `serve.js`, or `scripts/serve.mjs` (which builds first). */
  script: string;
  /** Its arguments, e.g. `['--data', dir, '--port', '0']`. */
  args: readonly string[];
  cwd?: string;
  /** How long it may take to print its link (default 20 s; longer when it builds first). */
  startTimeoutMs?: number;
  /** It serves a monitor too (--monitor-port): wait for its "Monitor:" line as well. */
  monitor?: boolean;
}

export interface ServeProcess {
  child: ChildProcess;
  /** The link it printed, with its token. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  token: string;
  /** The monitor link it printed (with the monitor token), when asked to wait for it. */
  monitorUrl?: string;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the exit code (null after a signal) once it has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

export async function startServeProcess(options: ServeProcessOptions): Promise<ServeProcess> {
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const child = spawn(process.execPath, [options.script, ...options.args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  // Read all along, so that a full pipe never blocks the server.
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.script} printed no "Open:" line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: string) => {
      output += chunk;
      const match = /Open:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1] && (!options.monitor || /Monitor:\s+http:\/\/\S+/.test(output))) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited (${code ?? child.signalCode}) before it was ready:\n${output}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token');
  if (!token) throw new Error(`The printed link has no token: ${url}`);
  const monitorUrl = options.monitor ? /Monitor:\s+(http:\/\/\S+)/.exec(output)?.[1] : undefined;
  return {
    child,
    url,
    ...(monitorUrl ? { monitorUrl } : {}),
    origin: parsed.origin,
    port: Number(parsed.port),
    token,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
  };
}
