// SSH connections to the worker computers: host resolved through ~/.ssh/config (ssh-config.ts),
// host key checked against known_hosts (known-hosts.ts: never any key), failures sorted into a
// few kinds the operator can act on, one reused connection per host with a bounded number of
// channels (OpenSSH allows about 10), and commands sent as argv with every argument quoted.
import { NodeSSH, type Config } from 'node-ssh';
import type { Algorithms, Client, ClientChannel } from 'ssh2';
import {
  appKnownHostsFile,
  checkHostKey,
  defaultKnownHostsFiles,
  knownHostsName,
  knownKeyTypes,
  readKnownHosts,
  type HostKeyVerdict,
} from './known-hosts';
import { authMethods, resolveSshTarget, SshConfigError, type HostOverrides, type ResolveOptions, type SshTarget } from './ssh-config';

export type SshErrorKind = 'unknown-host' | 'host-key-changed' | 'host-key-revoked' | 'auth' | 'unreachable' | 'timeout' | 'other';

/** The key a refused server presented, so the operator can check it and trust it (trustHostKey). */
export interface PresentedHostKey {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  /** The key blob, base64 (plain data: crosses worker threads). */
  keyBase64: string;
}

export class SshError extends Error {
  override name = 'SshError';
  constructor(
    readonly kind: SshErrorKind,
    message: string,
    readonly hostKey?: PresentedHostKey,
    /** It happened before the connection was ready: the computer, not one program on it, failed. */
    readonly connecting = false,
  ) {
    super(message);
  }
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The exit status; null when the command ended by a signal. */
  code: number | null;
  signal?: string;
}

export interface ExecOptions {
  /** Overall limit for the command (default 30 s); the channel is closed when it passes. */
  timeoutMs?: number;
  /** Written to the command's standard input, which is then closed. */
  stdin?: string | Buffer;
}

export interface ConnectOptions {
  /** The application's data directory: its known_hosts is `<dataDir>/known_hosts`. */
  dataDir: string;
  /** Default: ~/.ssh/known_hosts, then `<dataDir>/known_hosts`. */
  knownHostsFiles?: string[];
  /** Where ~/.ssh/config is, and the environment (SSH_AUTH_SOCK). */
  sshConfig?: ResolveOptions;
  /** ssh2's readyTimeout: TCP connect, handshake and authentication (default 10 s). */
  readyTimeoutMs?: number;
  /** A safety limit over the whole connect, beyond readyTimeout (default readyTimeout + 5 s). */
  connectTimeoutMs?: number;
  /** Channels (commands, SFTP sessions) open at once per connection (default 8; OpenSSH allows 10). */
  maxChannels?: number;
  /** SSH keepalives, so a dead worker computer is noticed (default every 15 s, 3 missed). */
  keepaliveIntervalMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_CHANNELS = 8;

/**
 * One argument for a POSIX shell (sh, bash, zsh: the remote login shell runs the command line):
 * inside single quotes nothing is special, and a single quote is written as '\''.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new SshError('other', 'A command argument cannot contain a NUL character');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line for an argv: every argument quoted, the program name too. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new SshError('other', 'No command given');
  return argv.map(quoteArg).join(' ');
}

/** ssh2's algorithm names for a known_hosts key type. */
const ALGORITHMS_OF_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Like OpenSSH, ask first for the key types already known for this host, so a server with
 * several host keys presents the one we can check rather than an "unknown" one.
 */
function hostKeyAlgorithms(knownTypes: string[]): Algorithms | undefined {
  const preferred = knownTypes.flatMap((type) => ALGORITHMS_OF_KEY_TYPE[type] ?? []);
  if (preferred.length === 0) return undefined;
  // ssh2 unshifts prepended names one by one: give them in reverse to keep this order.
  return { serverHostKey: { remove: preferred, prepend: [...preferred].reverse() } } as Algorithms;
}

function hostKeyError(target: SshTarget, verdict: Exclude<HostKeyVerdict, { status: 'trusted' }>, key: Buffer): SshError {
  const name = knownHostsName(target.host, target.port);
  const where = target.alias === target.host ? name : `${target.alias} (${name})`;
  const hostKey: PresentedHostKey = {
    host: target.host,
    port: target.port,
    keyType: verdict.keyType,
    fingerprint: verdict.fingerprint,
    keyBase64: key.toString('base64'),
  };
  switch (verdict.status) {
    case 'unknown': {
      const others = verdict.otherKnownTypes.length > 0 ? ` Keys of other types (${verdict.otherKnownTypes.join(', ')}) are known for it.` : '';
      return new SshError(
        'unknown-host',
        `The host key of ${where} is not known: ${verdict.keyType} ${verdict.fingerprint}.${others} ` +
          `Compare it with the worker computer's own (ssh-keygen -lf /etc/ssh/ssh_host_${verdict.keyType.replace(/^ssh-|-.*$/g, '')}_key.pub there), ` +
          `then trust it in the application (or connect once with ssh ${target.alias} and accept it).`,
        hostKey,
      );
    }
    case 'changed':
      return new SshError(
        'host-key-changed',
        `WARNING: THE HOST KEY OF ${where} HAS CHANGED. Someone could be intercepting the connection (man-in-the-middle), ` +
          `or the computer was reinstalled. Known: ${verdict.knownFingerprint} (${verdict.file}, line ${verdict.line}); ` +
          `presented: ${verdict.keyType} ${verdict.fingerprint}. Connection refused. If the change is expected, remove the old key ` +
          `(ssh-keygen -R '${name}' -f ${verdict.file}) and trust the new one.`,
        hostKey,
      );
    case 'revoked':
      return new SshError(
        'host-key-revoked',
        `REFUSED: ${where} presented a REVOKED host key, ${verdict.keyType} ${verdict.fingerprint} ` +
          `(marked @revoked in ${verdict.file}, line ${verdict.line}). Do not trust this computer until it has a new key.`,
        hostKey,
      );
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTDOWN', 'ECONNRESET', 'EPIPE', 'EADDRNOTAVAIL']);

/** Any failure while connecting, as an SshError of the kind the operator can act on. */
function normalizeConnectError(error: unknown, target: SshTarget): SshError {
  if (error instanceof SshError) return error;
  if (error instanceof SshConfigError) return new SshError('auth', error.message);
  const e = error as Error & { code?: string; level?: string };
  const where = `${target.user}@${target.alias} (${target.host}:${target.port})`;
  if (e.level === 'client-authentication') {
    return new SshError('auth', `Authentication refused for ${where}: check the user name and that the key is authorized there (${e.message})`);
  }
  if (e.level === 'client-timeout' || /timed out/i.test(e.message ?? '')) {
    return new SshError('timeout', `No SSH answer from ${where} in time: ${e.message}`);
  }
  if (e.code && UNREACHABLE_CODES.has(e.code)) {
    return new SshError('unreachable', `Cannot reach ${where}: ${e.code === 'ECONNREFUSED' ? 'connection refused (no SSH server on that port?)' : e.message}`);
  }
  if (/No response from server/.test(e.message ?? '')) {
    return new SshError('unreachable', `${where} closed the connection before it was ready`);
  }
  return new SshError('other', `SSH connection to ${where} failed: ${e.message ?? String(error)}`);
}

/** A counting semaphore: at most `limit` channels open on one connection. */
class ChannelSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    }
  }
}

/** One open, authenticated connection to a worker computer. */
export class SshConnection {
  private readonly slots: ChannelSlots;
  private isClosed = false;
  private readonly closeListeners = new Set<() => void>();
  /** node-ssh forgets its client when it closes; this one stays for the listeners. */
  readonly client: Client;

  constructor(
    readonly target: SshTarget,
    /** node-ssh over the ssh2 client, for SFTP; open channels through withChannel(). */
    readonly ssh: NodeSSH,
    maxChannels: number,
  ) {
    this.slots = new ChannelSlots(maxChannels);
    const client = ssh.connection;
    if (!client) throw new SshError('other', 'The SSH connection is not open');
    this.client = client;
    // After `ready`, a transport error would otherwise be thrown as an unhandled 'error' event.
    client.on('error', () => this.markClosed());
    client.on('close', () => this.markClosed());
    client.on('end', () => this.markClosed());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Calls the listener once the connection is closed; returns a function that unsubscribes. */
  onClose(listener: () => void): () => void {
    if (this.isClosed) listener();
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const listener of listeners) listener();
  }

  /** Runs work that holds one channel (a command, an SFTP session) within the channel limit. */
  withChannel<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return this.slots.run(() => {
      if (this.isClosed) throw new SshError('unreachable', `The connection to ${this.target.alias} is closed`);
      return work(this.client);
    });
  }

  /**
   * Runs a program with arguments (never a shell string): each argument arrives verbatim. The
   * time limit starts when the command gets its channel (waiting for a free one is bounded by
   * the others' limits). The channel's slot is given back only when the server has closed the channel, also after a
   * timeout: OpenSSH counts a session until then, and would refuse the next one.
   */
  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const line = commandLine(argv);
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const alias = this.target.alias;
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let channel: ClientChannel | undefined;
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const startClock = (): void => {
        timer = setTimeout(() => {
          settle(() => reject(new SshError('timeout', `${argv[0]} on ${alias} did not end within ${timeoutMs} ms`)));
          if (channel) {
            try {
              channel.signal('KILL');
            } catch {
              // The channel may already be closing.
            }
            channel.close();
          }
        }, timeoutMs);
      };
      this.withChannel(
        (client) =>
          new Promise<void>((resolveSlot) => {
            startClock();
            const unsubscribe = this.onClose(() => resolveSlot());
            const release = (): void => {
              unsubscribe();
              resolveSlot();
            };
            client.exec(line, (error, stream) => {
              if (error) {
                release();
                settle(() => reject(new SshError('other', `Could not run ${argv[0]} on ${alias}: ${error.message}`)));
                return;
              }
              channel = stream;
              const stdout: Buffer[] = [];
              const stderr: Buffer[] = [];
              let exit: { code: number | null; signal?: string } | undefined;
              stream.on('data', (chunk: Buffer) => stdout.push(chunk));
              stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
              stream.on('exit', (code: number | null, signal?: string) => {
                exit = { code: typeof code === 'number' ? code : null, ...(signal ? { signal } : {}) };
              });
              stream.on('close', () => {
                release();
                settle(() => {
                  if (!exit) reject(new SshError('unreachable', `The connection to ${alias} closed before ${argv[0]} ended`));
                  else resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), ...exit });
                });
              });
              if (settled) {
                // The limit passed while the channel was opening.
                stream.close();
                return;
              }
              if (options.stdin !== undefined) stream.end(options.stdin);
              else stream.end();
            });
          }),
      ).catch((error: unknown) => settle(() => reject(error)));
    });
  }

  close(): void {
    this.markClosed();
    this.ssh.dispose();
  }
}

/** Opens one connection: resolve the host, check its key, authenticate; errors as SshError. */
export async function openConnection(alias: string, overrides: HostOverrides, options: ConnectOptions): Promise<SshConnection> {
  let target: SshTarget;
  try {
    target = resolveSshTarget(alias, overrides, options.sshConfig);
  } catch (error) {
    throw new SshError('other', (error as Error).message);
  }
  return openResolved(target, options);
}

/** Opens one connection to a host already resolved (see openConnection). */
async function openResolved(target: SshTarget, options: ConnectOptions): Promise<SshConnection> {
  const entries = readKnownHosts(options.knownHostsFiles ?? defaultKnownHostsFiles(options.dataDir, options.sshConfig?.home));
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? readyTimeoutMs + 5_000;
  let refusal: SshError | undefined;

  const ssh = new NodeSSH();
  const algorithms = hostKeyAlgorithms(knownKeyTypes(entries, target.host, target.port));
  const config: Config = {
    host: target.host,
    port: target.port,
    username: target.user,
    authHandler: [],
    readyTimeout: readyTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: 3,
    ...(algorithms ? { algorithms } : {}),
    hostVerifier: (key: Buffer): boolean => {
      const verdict = checkHostKey(entries, target.host, target.port, key);
      if (verdict.status === 'trusted') return true;
      refusal = hostKeyError(target, verdict, key);
      return false;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    config.authHandler = authMethods(target);
    const limit = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new SshError('timeout', `Connecting to ${target.alias} took longer than ${connectTimeoutMs} ms`)), connectTimeoutMs);
    });
    await Promise.race([ssh.connect(config), limit]);
  } catch (error) {
    ssh.dispose();
    throw refusal ?? normalizeConnectError(error, target);
  } finally {
    clearTimeout(timer);
  }
  return new SshConnection(target, ssh, options.maxChannels ?? DEFAULT_MAX_CHANNELS);
}

/**
 * One connection per host (user@host:port), opened on first use and reused; a closed one is
 * opened again on the next call. Concurrent first calls share one connect.
 */
export class SshConnections {
  private readonly open = new Map<string, Promise<SshConnection>>();
  private isClosed = false;

  constructor(private readonly options: ConnectOptions) {}

  /** The application's own known_hosts file (where trusted keys are added). */
  get appKnownHostsFile(): string {
    return appKnownHostsFile(this.options.dataDir);
  }

  async connection(alias: string, overrides: HostOverrides = {}): Promise<SshConnection> {
    if (this.isClosed) throw new SshError('other', 'The SSH connections are closed');
    let target: SshTarget;
    try {
      target = resolveSshTarget(alias, overrides, this.options.sshConfig);
    } catch (error) {
      throw new SshError('other', (error as Error).message);
    }
    // The keys are part of it: after a change of identity file, a connection made with the old one is not reused.
    const key = `${target.user}@${knownHostsName(target.host, target.port)} ${target.identityFiles.join('\0')}`;
    let pending = this.open.get(key);
    if (!pending) {
      // ~/.ssh/config is read once per task (a change applies to the next one), not again to connect.
      pending = openResolved(target, this.options);
      this.open.set(key, pending);
      pending.then(
        (conn) => conn.onClose(() => this.open.get(key) === pending && this.open.delete(key)),
        () => this.open.get(key) === pending && this.open.delete(key),
      );
    }
    const conn = await pending;
    if (conn.closed) {
      if (this.open.get(key) === pending) this.open.delete(key);
      return this.connection(alias, overrides);
    }
    return conn;
  }

  /** Runs a program with arguments on a host over its shared connection. */
  async exec(alias: string, argv: readonly string[], options: ExecOptions & { overrides?: HostOverrides } = {}): Promise<ExecResult> {
    const conn = await this.connection(alias, options.overrides);
    return conn.exec(argv, options);
  }

  /** Closes every connection (on quit); further calls are refused. */
  async close(): Promise<void> {
    this.isClosed = true;
    const pending = [...this.open.values()];
    this.open.clear();
    const settled = await Promise.allSettled(pending);
    for (const result of settled) if (result.status === 'fulfilled') result.value.close();
  }
}
