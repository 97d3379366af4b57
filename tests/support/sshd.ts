// Test fixture: a REAL OpenSSH server on 127.0.0.1 and a free port, with its own config, host key
// and one authorized client key pair, all in a temporary folder.
//
// Usage:
//   import { sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
//   describe.skipIf(!sshdAvailable())(`over SSH ${sshdUnavailableReason() ?? ''}`, () => {
//     let sshd: TestSshd;
//     beforeAll(async () => { sshd = await startSshd(); });
//     afterAll(() => sshd?.close());
//     it('…', async () => { /* connect to sshd.host:sshd.port as sshd.user with sshd.privateKey */ });
//   });
// The host key fields (hostKeyFingerprint, hostPublicKey, knownHostsLine) always describe the
// CURRENT key: read them again after rotateHostKey(). Servers are independent, so a test file
// may start several (each costs about 50 ms).
//
// ENVIRONMENT.md ("SSH") traps handled here: the server is started by its absolute path (sshd
// refuses to re-exec otherwise), the host key is mode 0600 (else ignored as unprotected),
// /run/sshd (the privilege-separation directory) is created when missing, and no system sshd is
// needed. PAM is off, so sshd itself decides whether the account is locked: a password field of
// `!…` (or `*LK*`) in /etc/shadow means locked and key logins are refused, while `*` (root here,
// as in Debian's images) or a hash is fine. sshdUnavailableReason() checks that too.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';

export const SSHD_PATH = '/usr/sbin/sshd';
const SSH_KEYGEN = 'ssh-keygen';

export interface SshdOptions {
  /** The account the client key is authorized for (default: the current user). */
  user?: string;
  /** More `sshd_config` lines, appended to the generated config. */
  extraConfig?: string[];
  /** Sessions (channels) per connection; OpenSSH's default is 10, like a real worker computer. */
  maxSessions?: number;
  /** How long to wait for the server to listen (default 10 s). */
  startTimeoutMs?: number;
}

export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** The temporary folder holding the config, keys and pid file (removed by close()). */
  readonly dir: string;
  /** The authorized client key (OpenSSH format, no passphrase). */
  readonly privateKeyPath: string;
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA…` of the client key. */
  readonly publicKey: string;
  /** `SHA256:…` of the current host key, as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA…` of the current host key (known_hosts line material, no comment). */
  readonly hostPublicKey: string;
  /** `[127.0.0.1]:port ssh-ed25519 AAAA…` for the current host key. */
  readonly knownHostsLine: string;
  /** The server's log so far (sshd -e writes it to stderr), for failure messages. */
  log(): string;
  /** Restarts the server on the same port with a NEW host key (the changed-key case). */
  rotateHostKey(): Promise<void>;
  /**
   * Takes the server down like a computer that went away: the listener stops and every open
   * connection is dropped (OpenSSH's per-connection processes would otherwise outlive it).
   */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port with the same host key. */
  start(): Promise<void>;
  /**
   * Makes the connections open now hang like a worker computer that stopped answering mid-
   * connection: their sshd processes are stopped (SIGSTOP), so their TCP peer holds the socket
   * and says nothing; new connections are served as before. Returns the stopped pids (empty when
   * no connection is open). resumeConnections() (and close()) lets them go on (SIGCONT).
   */
  hangConnections(): number[];
  resumeConnections(): void;
  /** Stops the server and removes its folder. Safe to call twice. */
  close(): Promise<void>;
}

let cachedReason: string | null | undefined;

/**
 * Why a real sshd cannot run here, or undefined when it can. Checked once: the binaries, the
 * privilege-separation directory (as root) and whether the account is locked.
 */
export function sshdUnavailableReason(): string | undefined {
  if (cachedReason !== undefined) return cachedReason ?? undefined;
  cachedReason = findUnavailableReason() ?? null;
  return cachedReason ?? undefined;
}

/** True when startSshd() can run here: use with `describe.skipIf(!sshdAvailable())`. */
export function sshdAvailable(): boolean {
  return sshdUnavailableReason() === undefined;
}

function findUnavailableReason(): string | undefined {
  if (process.platform === 'win32') return '(skipped: no OpenSSH server on Windows)';
  if (!existsSync(SSHD_PATH)) return `(skipped: ${SSHD_PATH} is missing; install openssh-server)`;
  if (spawnSync(SSH_KEYGEN, ['-?'], { stdio: 'ignore' }).error) return '(skipped: ssh-keygen is not on the PATH)';
  const user = userInfo().username;
  if (process.getuid?.() === 0) {
    try {
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    } catch (error) {
      return `(skipped: cannot create /run/sshd: ${(error as Error).message})`;
    }
  }
  const field = shadowPasswordField(user);
  if (field !== undefined && (field.startsWith('!') || field.startsWith('*LK*'))) {
    return `(skipped: the account ${user} is locked (password field "${field.slice(0, 1)}…"); with PAM off sshd refuses it; run "usermod -p '*' ${user}")`;
  }
  return undefined;
}

/** The password field of /etc/shadow, when readable (as root); undefined otherwise. */
function shadowPasswordField(user: string): string | undefined {
  try {
    const line = readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${user}:`));
    return line?.split(':')[1];
  } catch {
    return undefined;
  }
}

/** The installed OpenSSH version as [major, minor], e.g. [9, 2]. */
function sshdVersion(): [number, number] {
  const out = spawnSync(SSHD_PATH, ['-V'], { encoding: 'utf8' });
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(`${out.stdout}${out.stderr}`);
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

function keygen(args: string[]): string {
  const out = spawnSync(SSH_KEYGEN, args, { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    throw new Error(`ssh-keygen ${args.join(' ')} failed: ${out.error?.message ?? out.stderr}`);
  }
  return out.stdout;
}

/** A new ed25519 key pair without passphrase; mode 0600 (ssh-keygen's own). */
function newKeyPair(path: string, comment: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  keygen(['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** `SHA256:…` of a key file, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKeyPath: string): string {
  const fields = keygen(['-l', '-E', 'sha256', '-f', publicKeyPath]).trim().split(/\s+/);
  if (!fields[1]?.startsWith('SHA256:')) throw new Error(`Unexpected ssh-keygen -l output: ${fields.join(' ')}`);
  return fields[1];
}

/** `type base64` of a .pub file, without the comment. */
function publicKeyMaterial(publicKeyPath: string): string {
  const [type, blob] = readFileSync(publicKeyPath, 'utf8').trim().split(/\s+/);
  return `${type} ${blob}`;
}

/** A port nobody listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A test that forgot close() must not leave a server listening after the run.
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

/** Starts a real OpenSSH server; resolves once it listens. */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const reason = sshdUnavailableReason();
  if (reason) throw new Error(`startSshd: ${reason}`);
  const user = options.user ?? userInfo().username;
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'daq-sshd-'));
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const clientKeyPath = join(dir, 'client_ed25519');
  const authorizedKeysPath = join(dir, 'authorized_keys');
  const configPath = join(dir, 'sshd_config');

  newKeyPair(hostKeyPath, 'test-sshd-host');
  newKeyPair(clientKeyPath, 'test-sshd-client');
  const publicKey = publicKeyMaterial(`${clientKeyPath}.pub`);
  writeFileSync(authorizedKeysPath, `${publicKey} test-sshd-client\n`, { mode: 0o600 });
  const [major, minor] = sshdVersion();

  function writeConfig(port: number): void {
    const lines = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKeyPath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temporary folder is not laid out like a home directory.
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      // Tests open bursts of connections; a real server refuses about 10 unauthenticated ones.
      'MaxStartups 200:30:400',
      `MaxSessions ${options.maxSessions ?? 10}`,
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'LogLevel VERBOSE',
      // For the file-organizing tasks (SFTP rename / copy); built in, no binary path needed.
      'Subsystem sftp internal-sftp',
      // OpenSSH 9.8 penalizes sources with failed logins (the wrong-user tests) by refusing them.
      ...(major > 9 || (major === 9 && minor >= 8) ? ['PerSourcePenalties no'] : []),
      ...(options.extraConfig ?? []),
    ];
    writeFileSync(configPath, `${lines.join('\n')}\n`, { mode: 0o600 });
  }

  let logText = '';
  let child: ChildProcess | undefined;

  function launch(port: number): Promise<void> {
    writeConfig(port);
    const proc = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    trackChild(proc);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`sshd did not listen on port ${port} within ${startTimeoutMs} ms:\n${logText}`));
      }, startTimeoutMs);
      proc.stderr?.setEncoding('utf8');
      proc.stderr?.on('data', (chunk: string) => {
        logText += chunk;
        if (/Server listening on 127\.0\.0\.1 port \d+/.test(logText.slice(-2000))) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited (${signal ?? code}) before listening on port ${port}:\n${logText}`));
      });
    });
  }

  /**
   * The per-connection sshd processes (the listener's sshd descendants), killed with it by
   * stop({ connections: true }). Only sshd's own: the commands a client runs are left to end as
   * they do when their connection drops (a shell killed outright skips its exit traps, and a
   * login script's lock, e.g. pyenv's rehash lock, would then stay behind for every later login).
   */
  function connectionPids(listener: number): number[] {
    const children = (pid: number) =>
      spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((l) => /^\s*(\d+)\s+(\S+)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null && m[2]!.startsWith('sshd'))
        .map((m) => Number(m[1]));
    const found: number[] = [];
    for (let queue = children(listener); queue.length > 0; ) {
      const pid = queue.shift() as number;
      found.push(pid);
      queue.push(...children(pid));
    }
    return found;
  }

  function stop(options: { connections?: boolean } = {}): Promise<void> {
    const proc = child;
    if (options.connections && proc?.pid !== undefined) {
      for (const pid of connectionPids(proc.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      proc.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  }

  // The free port may be taken between the probe and sshd's bind: try a few.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      logText = '';
      await launch(port);
      break;
    } catch (error) {
      await stop();
      if (attempt >= 3 || !/Address already in use/i.test(logText)) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const stopped = new Set<number>();
  function signalStopped(signal: NodeJS.Signals): void {
    for (const pid of stopped) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  let closed = false;
  const sshd: TestSshd = {
    host: '127.0.0.1',
    port,
    user,
    dir,
    privateKeyPath: clientKeyPath,
    privateKey: readFileSync(clientKeyPath, 'utf8'),
    publicKey,
    get hostKeyFingerprint() {
      return fingerprintOf(`${hostKeyPath}.pub`);
    },
    get hostPublicKey() {
      return publicKeyMaterial(`${hostKeyPath}.pub`);
    },
    get knownHostsLine() {
      return `[127.0.0.1]:${port} ${publicKeyMaterial(`${hostKeyPath}.pub`)}`;
    },
    log: () => logText,
    async stop() {
      if (closed) throw new Error('stop: the server is closed');
      await stop({ connections: true });
    },
    async start() {
      if (closed) throw new Error('start: the server is closed');
      if (child) return;
      await launch(port);
    },
    hangConnections() {
      if (closed) throw new Error('hangConnections: the server is closed');
      const pids = child?.pid !== undefined ? connectionPids(child.pid) : [];
      for (const pid of pids) stopped.add(pid);
      signalStopped('SIGSTOP');
      return pids;
    },
    resumeConnections() {
      signalStopped('SIGCONT');
      stopped.clear();
    },
    async rotateHostKey() {
      if (closed) throw new Error('rotateHostKey: the server is closed');
      await stop();
      newKeyPair(hostKeyPath, 'test-sshd-host');
      await launch(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      sshd.resumeConnections();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sshd;
}

// The two below make their folders inside the server's own (removed by its close()): this module
// is also the benchmark's (bench/scenarios/organize.ts), which runs outside vitest.

/**
 * A home folder whose ~/.ssh/config reaches `server` under the name the setups give the worker
 * computer, 127.0.0.1, as a real alias would (its port, user and key); for `sshConfig.home`.
 */
export function sshHomeFor(server: Pick<TestSshd, 'dir' | 'port' | 'user' | 'privateKeyPath'>): string {
  const home = mkdtempSync(join(server.dir, 'home-'));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'config'), `Host 127.0.0.1\n  Port ${server.port}\n  User ${server.user}\n  IdentityFile ${server.privateKeyPath}\n`);
  return home;
}

/** A fresh data directory whose known_hosts trusts `server`'s host key (as an operator's Trust would). */
export function dataDirTrusting(server: Pick<TestSshd, 'dir' | 'host' | 'port' | 'hostPublicKey'>, prefix = 'daq-ssh-'): string {
  const dataDir = mkdtempSync(join(server.dir, prefix));
  trustHostKey(join(dataDir, 'known_hosts'), server.host, server.port, Buffer.from(server.hostPublicKey.split(' ')[1] ?? '', 'base64'));
  return dataDir;
}
