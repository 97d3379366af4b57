// A simulated worker computer (the Mac or Linux box running getEccSoapServer and dataRouter) for
// the demo, the tests and the benchmarks: an SSH server on loopback (ssh2's Server) that lets in
// one user by public key only, answers the commands the application sends over exec (commands.ts:
// ps, lsof, df)
// without ever running anything, and serves SFTP over a sandbox folder (sftp-server.ts). Its
// processes are simulated and can be changed while it runs.
import { timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import ssh2, { type AuthContext, type Connection, type ParsedKey } from 'ssh2';
import { knownHostsName } from '../known-hosts';
import { answerCommandLine } from './commands';
import { SimulatedDataRouter, type DataRouterSpec } from './data-router';
import { SimulatedDisks, type SimulatedFileSystem } from './disks';
import { ProcessTable, type SimulatedProcess, type SimulatedProcessSpec } from './process-table';
import { Sandbox } from './sandbox';
import { serveSftp } from './sftp-server';

const { Server, utils } = ssh2;

export interface WorkerSimulatorOptions {
  /** The host folder that is `/` on the simulated computer (must exist). */
  root: string;
  /** The one user allowed in. */
  user: string;
  /** Public keys allowed for that user (`ssh-ed25519 AAAA… comment` lines, as in authorized_keys). */
  authorizedKeys: string[];
  /** The host's private key (OpenSSH format); default a new ed25519 key. */
  hostKey?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** The user's home on the simulated computer, where relative SFTP paths start (default `/`). */
  home?: string;
  /** Channels (commands, SFTP sessions) open at once per connection, like OpenSSH's MaxSessions (default 10). */
  maxSessions?: number;
  /** Programs running from the start. */
  processes?: SimulatedProcessSpec[];
  /** Simulated file systems mounted from the start, by mount point (see setFileSystem). */
  fileSystems?: Record<string, SimulatedFileSystem>;
  /** Unexpected errors (a data router that cannot write, an internal SFTP error); default console.error. */
  log?: (line: string) => void;
}

/** One command received over exec, and how it was answered. */
export interface ExecRecord {
  /** The command line as received. */
  line: string;
  /** Its argv, or null when it was not the strictly quoted form the application sends. */
  argv: string[] | null;
  code: number;
}

export interface WorkerSimulator {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly home: string;
  readonly sandbox: Sandbox;
  /** `ssh-ed25519 AAAA…` of the host key (no comment). */
  readonly hostPublicKey: string;
  /** The known_hosts line for this server: `[127.0.0.1]:port ssh-ed25519 AAAA…`. */
  readonly knownHostsLine: string;
  readonly processes: readonly SimulatedProcess[];
  readonly dataRouters: readonly SimulatedDataRouter[];
  /** Every command received over exec, in order. */
  readonly commands: readonly ExecRecord[];
  /** Authentications refused (user and method), for tests. */
  readonly refusals: readonly { user: string; method: string }[];
  startProcess(spec: SimulatedProcessSpec): SimulatedProcess;
  /** Whether the process was running (it is gone now). */
  stopProcess(pid: number): boolean;
  /**
   * Mounts a simulated file system of the given size at a folder (null: unmounts it): `df` of
   * any directory below then reports it, e.g. a nearly full staging disk. Without one, `df`
   * reports the real file system of the sandbox folder.
   */
  setFileSystem(mountPoint: string, size: SimulatedFileSystem | null): void;
  /** Adds a data router and starts its process. */
  addDataRouter(spec: DataRouterSpec): Promise<SimulatedDataRouter>;
  /** Appends text to a file of the simulated computer, making its folder if needed (the simulated programs' logs). */
  appendFile(path: string, text: string): Promise<void>;
  /** Stops listening, drops every connection, stops every data router. */
  close(): Promise<void>;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseOne(text: string, what: string): ParsedKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) throw new Error(`${what}: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error(`${what}: no key found`);
  return key;
}

/**
 * A new ed25519 key pair in OpenSSH format. ssh2's generator drops a leading zero byte of the
 * public key, so about one key in 256 comes out unreadable (by ssh2 itself and by OpenSSH):
 * such a pair is thrown away and another made.
 */
export function generateEd25519KeyPair(comment?: string): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519', comment === undefined ? {} : { comment });
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

/** `type base64` of a key (private or public). */
export function publicKeyLine(key: string): string {
  const parsed = parseOne(key, 'Key');
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
}

class Simulator implements WorkerSimulator {
  readonly commands: ExecRecord[] = [];
  readonly refusals: { user: string; method: string }[] = [];
  readonly dataRouters: SimulatedDataRouter[] = [];
  readonly host: string;
  readonly user: string;
  readonly home: string;
  readonly sandbox: Sandbox;
  readonly hostPublicKey: string;
  readonly #table = new ProcessTable();
  readonly #disks: SimulatedDisks;
  readonly #authorized: ParsedKey[];
  readonly #maxSessions: number;
  readonly #log: (line: string) => void;
  readonly #ssh: InstanceType<typeof Server>;
  readonly #net: NetServer;
  readonly #sockets = new Set<Socket>();
  #port = 0;
  #closed = false;

  constructor(options: WorkerSimulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.user = options.user;
    this.home = Sandbox.normalize(options.home ?? '/');
    this.sandbox = new Sandbox(options.root);
    this.#disks = new SimulatedDisks(this.sandbox);
    for (const [mountPoint, size] of Object.entries(options.fileSystems ?? {})) this.#disks.mount(mountPoint, size);
    this.#maxSessions = options.maxSessions ?? 10;
    this.#log = options.log ?? ((line) => console.error(line));
    this.#authorized = options.authorizedKeys.map((k, i) => parseOne(k, `Authorized key ${i + 1}`));
    if (this.#authorized.length === 0) throw new Error('A simulated worker computer needs at least one authorized key');
    const hostKey = options.hostKey ?? generateEd25519KeyPair().private;
    this.hostPublicKey = publicKeyLine(hostKey);
    for (const spec of options.processes ?? []) this.#table.start(spec);
    this.#ssh = new Server({ hostKeys: [hostKey], ident: 'ATTPC_worker_simulator' }, (client) => this.#serve(client));
    // Our own listener, so that close() can drop every socket at once.
    this.#net = createServer((socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      this.#ssh.injectSocket(socket);
    });
  }

  get port(): number {
    return this.#port;
  }
  get knownHostsLine(): string {
    return `${knownHostsName(this.host, this.#port)} ${this.hostPublicKey}`;
  }
  get processes(): SimulatedProcess[] {
    return this.#table.processes;
  }

  startProcess(spec: SimulatedProcessSpec): SimulatedProcess {
    return this.#table.start(spec);
  }

  stopProcess(pid: number): boolean {
    return this.#table.stop(pid);
  }

  setFileSystem(mountPoint: string, size: SimulatedFileSystem | null): void {
    this.#disks.mount(mountPoint, size);
  }

  async addDataRouter(spec: DataRouterSpec): Promise<SimulatedDataRouter> {
    const router = new SimulatedDataRouter(this.#table, this.sandbox, spec, (error) =>
      this.#log(`[worker-sim] data router ${spec.name}: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.dataRouters.push(router);
    await router.startProcess();
    return router;
  }

  async appendFile(path: string, text: string): Promise<void> {
    const hostPath = this.sandbox.hostPath(path);
    await mkdir(dirname(hostPath), { recursive: true });
    await appendFile(hostPath, text);
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#net.once('error', onError);
      this.#net.listen({ host: this.host, port }, () => {
        this.#net.off('error', onError);
        resolve();
      });
    });
    const address = this.#net.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Promise<void>((resolve) => (this.#net.listening ? this.#net.close(() => resolve()) : resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await Promise.all(this.dataRouters.map((r) => r.close()));
    await closed;
  }

  #serve(client: Connection): void {
    // A client that vanishes mid-handshake is no error of ours.
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => this.#authenticate(ctx));
    client.on('ready', () => {
      let open = 0;
      client.on('session', (accept, reject) => {
        // Like OpenSSH's MaxSessions: the application must stay within it.
        if (open >= this.#maxSessions) {
          reject();
          return;
        }
        open++;
        const session = accept();
        let counted = true;
        session.once('close', () => {
          if (counted) open--;
          counted = false;
        });
        session.on('exec', (acceptExec, _rejectExec, info) => {
          const answer = answerCommandLine(info.command, this.#table, this.#disks);
          this.commands.push({ line: info.command, argv: answer.argv, code: answer.code });
          const channel = acceptExec();
          if (answer.stdout) channel.write(answer.stdout);
          if (answer.stderr) channel.stderr.write(answer.stderr);
          channel.exit(answer.code);
          channel.end();
        });
        session.on('sftp', (acceptSftp) => {
          serveSftp(acceptSftp(), { sandbox: this.sandbox, home: this.home, log: this.#log });
        });
        // No shell, no terminal, no environment, no forwarding: none of it is simulated.
        for (const refused of ['shell', 'pty', 'env', 'subsystem', 'x11', 'auth-agent'] as const) {
          session.on(refused, (_accept: unknown, reject?: () => void) => reject?.());
        }
      });
      client.on('tcpip', (_accept, reject) => reject());
      client.on('request', (_accept, reject) => reject?.());
    });
  }

  /** Public key only, for the one user; everything else is refused with "try publickey". */
  #authenticate(ctx: AuthContext): void {
    const refuse = (): void => {
      this.refusals.push({ user: ctx.username, method: ctx.method });
      ctx.reject(['publickey']);
    };
    if (ctx.method !== 'publickey' || ctx.username !== this.user) return refuse();
    const key = this.#authorized.find((k) => sameBytes(k.getPublicSSH(), ctx.key.data));
    if (!key) return refuse();
    // Without a signature the client only asks whether the key would do.
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return refuse();
    ctx.accept();
  }
}

/** Starts a simulated worker computer; resolves once it listens. */
export async function startWorkerSimulator(options: WorkerSimulatorOptions): Promise<WorkerSimulator> {
  const simulator = new Simulator(options);
  try {
    await simulator.listen(options.port ?? 0);
  } catch (error) {
    await simulator.close();
    throw error;
  }
  return simulator;
}
