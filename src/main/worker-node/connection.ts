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
  /**
   * SSH keepalives, so a worker computer that died under an idle connection is noticed: the
   * connection closes after KEEPALIVE_COUNT_MAX + 1 unanswered ones (default every 5 s: 15 s).
   */
  keepaliveIntervalMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_CHANNELS = 8;
const DEFAULT_KEEPALIVE_INTERVAL_MS = 5_000;
/** ssh2 gives up after this many unanswered keepalives plus one: with 5 s, 15 s of silence, one check period. */
const KEEPALIVE_COUNT_MAX = 2;

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

  /**
   * Closes it at once, without the polite goodbye of close(): a peer that stopped answering
   * would never answer that either, and the half-closed socket would stay open for good
   * (keepalives stop once the socket is ended).
   */
  destroy(): void {
    this.markClosed();
    this.client.destroy();
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

/** Opens one connection to a host already resolved (see openConnection); `abandon` gives it up while it is still connecting. */
async function openResolved(target: SshTarget, options: ConnectOptions, abandon?: AbortSignal): Promise<SshConnection> {
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
    keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    ...(algorithms ? { algorithms } : {}),
    hostVerifier: (key: Buffer): boolean => {
      const verdict = checkHostKey(entries, target.host, target.port, key);
      if (verdict.status === 'trusted') return true;
      refusal = hostKeyError(target, verdict, key);
      return false;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbandon: (() => void) | undefined;
  try {
    config.authHandler = authMethods(target);
    const limit = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new SshError('timeout', `Connecting to ${target.alias} took longer than ${connectTimeoutMs} ms`)), connectTimeoutMs);
      onAbandon = () => reject(new SshError('timeout', `Connecting to ${target.alias} was given up: no task waits for it any more`));
      if (abandon?.aborted) onAbandon();
      else abandon?.addEventListener('abort', onAbandon, { once: true });
    });
    await Promise.race([ssh.connect(config), limit]);
  } catch (error) {
    // At once, not politely: a peer that says nothing would keep a half-closed socket until ssh2's readyTimeout.
    ssh.connection?.destroy();
    ssh.dispose();
    throw refusal ?? normalizeConnectError(error, target);
  } finally {
    clearTimeout(timer);
    if (onAbandon) abandon?.removeEventListener('abort', onAbandon);
  }
  return new SshConnection(target, ssh, options.maxChannels ?? DEFAULT_MAX_CHANNELS);
}

/** One task's use of a host's connection (SshConnections.lease). */
export interface ConnectionLease {
  /** The host's connection, opened for this task or reused. */
  readonly connection: Promise<SshConnection>;
  /**
   * The task has ended. `suspect`: it got no answer in time (timed out), so the connection may
   * be hung: it is given to no other task, and closed as soon as no task uses it. Once only.
   */
  release(suspect?: boolean): void;
}

/** A host's connection as SshConnections keeps it: connecting or open, and the tasks using it. */
class HostConnection {
  users = 0;
  /** Given to no new task (a task using it timed out); closed once `users` is 0. */
  retired = false;
  readonly ready: Promise<SshConnection>;
  private readonly abandon = new AbortController();

  constructor(
    readonly key: string,
    target: SshTarget,
    options: ConnectOptions,
  ) {
    this.ready = openResolved(target, options, this.abandon.signal);
  }

  /** Closes it whatever its state: a connect under way is given up, an open connection destroyed. */
  destroy(): void {
    this.abandon.abort();
    this.ready.then(
      (conn) => conn.destroy(),
      () => {},
    );
  }

  /** Closes an open connection politely (on quit); a connect under way is given up. */
  close(): void {
    this.abandon.abort();
    this.ready.then(
      (conn) => conn.close(),
      () => {},
    );
  }
}

/**
 * One connection per host (user@host:port), opened on first use and reused by every task; a
 * closed one is opened again on the next call. Concurrent first calls share one connect.
 *
 * A connection that a task got no answer on is never reused (issue 11): it may belong to a peer
 * that stopped answering (a hung computer, a stopped sshd, a network that drops everything),
 * which the keepalives would notice only later, while every task handed the same connection
 * would time out. The next task connects afresh; tasks still running on the suspect one keep it
 * until they end, then it is closed. The same goes for a connect that did not finish in time.
 */
export class SshConnections {
  /** The connection each host's next task gets. */
  private readonly open = new Map<string, HostConnection>();
  /** Every connection not closed yet, retired ones too (closed on close()). */
  private readonly live = new Set<HostConnection>();
  private isClosed = false;

  constructor(private readonly options: ConnectOptions) {}

  /** The application's own known_hosts file (where trusted keys are added). */
  get appKnownHostsFile(): string {
    return appKnownHostsFile(this.options.dataDir);
  }

  /** The host's connection for one task, to be released when the task ends (see ConnectionLease). */
  lease(alias: string, overrides: HostOverrides = {}): ConnectionLease {
    if (this.isClosed) throw new SshError('other', 'The SSH connections are closed');
    let target: SshTarget;
    try {
      target = resolveSshTarget(alias, overrides, this.options.sshConfig);
    } catch (error) {
      throw new SshError('other', (error as Error).message);
    }
    // The keys are part of it: after a change of identity file, a connection made with the old one is not reused.
    const key = `${target.user}@${knownHostsName(target.host, target.port)} ${target.identityFiles.join('\0')}`;
    // ~/.ssh/config is read once per task (a change applies to the next one), not again to connect.
    let host = this.take(key, target);
    let released = false;
    const connection = (async () => {
      const conn = await host.ready;
      if (!conn.closed || released) return conn;
      // It closed between its connect and this task (the computer went away): one fresh try.
      this.give(host, false);
      if (this.isClosed) throw new SshError('other', 'The SSH connections are closed');
      host = this.take(key, target);
      return host.ready;
    })();
    // The task sees the failure through its own await; a task released before it looks needs no report.
    connection.catch(() => {});
    return {
      connection,
      release: (suspect = false) => {
        if (released) return;
        released = true;
        this.give(host, suspect);
      },
    };
  }

  /**
   * A host's connection without a task's end (for a caller that keeps it): reused like the
   * others, and closed by close(), by the peer, or once retired and no task uses it.
   */
  connection(alias: string, overrides: HostOverrides = {}): Promise<SshConnection> {
    return this.lease(alias, overrides).connection;
  }

  /** Runs a program with arguments on a host over its shared connection. */
  async exec(alias: string, argv: readonly string[], options: ExecOptions & { overrides?: HostOverrides } = {}): Promise<ExecResult> {
    const lease = this.lease(alias, options.overrides);
    let suspect = false;
    try {
      return await (await lease.connection).exec(argv, options);
    } catch (error) {
      suspect = error instanceof SshError && error.kind === 'timeout';
      throw error;
    } finally {
      lease.release(suspect);
    }
  }

  /** Closes every connection (on quit); further calls are refused. */
  async close(): Promise<void> {
    this.isClosed = true;
    const all = [...this.live];
    this.open.clear();
    this.live.clear();
    for (const host of all) host.close();
    await Promise.allSettled(all.map((host) => host.ready));
  }

  private take(key: string, target: SshTarget): HostConnection {
    let host = this.open.get(key);
    if (!host) {
      const created = new HostConnection(key, target, this.options);
      host = created;
      this.open.set(key, created);
      this.live.add(created);
      const forget = (): void => {
        if (this.open.get(key) === created) this.open.delete(key);
        this.live.delete(created);
      };
      // A failed connect is never kept: the next task tries again.
      created.ready.then((conn) => conn.onClose(forget), forget);
    }
    host.users++;
    return host;
  }

  private give(host: HostConnection, suspect: boolean): void {
    host.users--;
    if (suspect && !host.retired) {
      host.retired = true;
      if (this.open.get(host.key) === host) this.open.delete(host.key);
    }
    if (host.retired && host.users === 0) {
      this.live.delete(host);
      host.destroy();
    }
  }
}
