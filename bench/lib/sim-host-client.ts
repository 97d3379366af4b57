// The benchmark's side of the simulator host: starts sim-host.ts as a child process (compiled by
// tsx, like the benchmark itself) and asks it to start and close simulators.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import type { SimBehaviour, SimHostReply, SimHostRequest } from './sim-host-protocol';

type Pending = { resolve: (reply: SimHostReply) => void; reject: (error: Error) => void };
type RequestBody = SimHostRequest extends infer R ? (R extends SimHostRequest ? Omit<R, 'id'> : never) : never;

export class SimHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const reply = raw as SimHostReply;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiting.reject(new Error(`Simulator host: ${reply.message}`));
      else waiting.resolve(reply);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`The simulator host exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Starts the host process; resolves once it is ready for requests. */
  static async launch(): Promise<SimHost> {
    const child = fork(fileURLToPath(new URL('./sim-host.ts', import.meta.url)), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`The simulator host exited (${code}) before it was ready`)));
    });
    return new SimHost(child);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  private request(body: RequestBody): Promise<SimHostReply> {
    if (this.exited) return Promise.reject(new Error('The simulator host has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...body, id } as SimHostRequest);
    });
  }

  /** Starts `count` simulators on loopback; resolves with their endpoints in order. */
  async start(count: number, options: SimBehaviour = {}): Promise<EccEndpoint[]> {
    const reply = await this.request({ type: 'start', count, options });
    if (reply.type !== 'started') throw new Error(`Unexpected answer ${reply.type}`);
    return reply.endpoints;
  }

  /** The host's CPU time so far (µs) and resident memory (bytes). */
  async usage(): Promise<{ cpu: NodeJS.CpuUsage; rss: number }> {
    const reply = await this.request({ type: 'usage' });
    if (reply.type !== 'usage') throw new Error(`Unexpected answer ${reply.type}`);
    return { cpu: reply.cpu, rss: reply.rss };
  }

  /** Closes every simulator and ends the process. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request({ type: 'close' });
    } finally {
      this.child.disconnect();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
