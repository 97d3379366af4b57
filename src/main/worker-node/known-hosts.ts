// Host key checking for the SSH connections to the worker computers, as OpenSSH does it: the
// user's ~/.ssh/known_hosts and the application's own `<dataDir>/known_hosts` are read, and the
// key a server presents is trusted, unknown, changed (possible man-in-the-middle) or revoked.
// ssh2 accepts any key unless told otherwise (ENVIRONMENT.md, "SSH"), so this is the only gate.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const APP_KNOWN_HOSTS_FILE = 'known_hosts';

export interface KnownHostsEntry {
  /** `@revoked` refuses the key; `@cert-authority` lines are read but never trust anything. */
  marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written: a comma list of patterns, or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  /** The key blob (the base64 field decoded): what keys are compared by. */
  key: Buffer;
  file: string;
  /** 1-based line number, for messages. */
  line: number;
}

export interface PresentedKey {
  keyType: string;
  /** `SHA256:…` as OpenSSH prints it. */
  fingerprint: string;
}

export type HostKeyVerdict =
  | ({ status: 'trusted'; file: string; line: number } & PresentedKey)
  | ({ status: 'unknown'; otherKnownTypes: string[] } & PresentedKey)
  | ({ status: 'changed'; file: string; line: number; knownFingerprint: string } & PresentedKey)
  | ({ status: 'revoked'; file: string; line: number } & PresentedKey);

/** The name a host is looked up by: `host` on port 22, else `[host]:port` (as OpenSSH writes it). */
export function knownHostsName(host: string, port = 22): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** `SHA256:` and the unpadded base64 of the blob's SHA-256, exactly like `ssh-keygen -l`. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) throw new Error('Not an SSH public key: too short');
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > key.length) throw new Error('Not an SSH public key: bad type field');
  return key.subarray(4, 4 + length).toString('latin1');
}

export function describeKey(key: Buffer): PresentedKey {
  return { keyType: keyTypeOf(key), fingerprint: fingerprintSha256(key) };
}

/** The user's file and the application's own, in the order they are consulted. */
export function defaultKnownHostsFiles(dataDir: string, home: string = homedir()): string[] {
  return [join(home, '.ssh', 'known_hosts'), appKnownHostsFile(dataDir)];
}

export function appKnownHostsFile(dataDir: string): string {
  return join(dataDir, APP_KNOWN_HOSTS_FILE);
}

/** Entries of one known_hosts text; lines that cannot be read are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string, file = '<text>'): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    try {
      // A blob naming another type than its line is corrupt (or tampered with): skip it.
      if (keyTypeOf(key) !== keyType) return;
    } catch {
      return;
    }
    entries.push({ marker, hosts, keyType, key, file, line: index + 1 });
  });
  return entries;
}

/** Entries of the given files; a missing file is simply empty. */
export function readKnownHosts(files: string[]): KnownHostsEntry[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseKnownHosts(text, file);
  });
}

/** OpenSSH's wildcard match: `*` any run, `?` one character; case-insensitive. */
function wildcardMatch(name: string, pattern: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

function hashedMatch(name: string, field: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether an entry's host field names this host: any pattern matches and no negated one does. */
export function entryNamesHost(hosts: string, host: string, port = 22): boolean {
  const name = knownHostsName(host, port);
  if (hosts.startsWith('|')) return hashedMatch(name, hosts);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern === '') continue;
    if (pattern.startsWith('!')) {
      if (wildcardMatch(name, pattern.slice(1))) return false;
    } else if (wildcardMatch(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * What the known_hosts entries say about the key this host presents. Like OpenSSH: a revoked key
 * is refused whatever else is known; any matching key trusts; a different key of the SAME type
 * is a changed key; keys of other types only leave the presented one unknown (the server may
 * simply offer another type; the caller asks for the known types first).
 */
export function checkHostKey(entries: KnownHostsEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const presented = describeKey(key);
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryNamesHost(e.hosts, host, port));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', file: revoked.file, line: revoked.line, ...presented };
  const plain = forHost.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'trusted', file: same.file, line: same.line, ...presented };
  const differing = plain.find((e) => e.keyType === presented.keyType);
  if (differing) {
    return { status: 'changed', file: differing.file, line: differing.line, knownFingerprint: fingerprintSha256(differing.key), ...presented };
  }
  return { status: 'unknown', otherKnownTypes: [...new Set(plain.map((e) => e.keyType))], ...presented };
}

/** The key types known (not revoked) for this host, for ordering the host key algorithms. */
export function knownKeyTypes(entries: KnownHostsEntry[], host: string, port: number): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && entryNamesHost(e.hosts, host, port)).map((e) => e.keyType))];
}

export interface TrustOptions {
  /**
   * Drop the application file's earlier plain entries of this host and key type first (the
   * operator confirmed a new key after a host was reinstalled). Entries in ~/.ssh/known_hosts
   * are never touched: a changed key there still refuses.
   */
  replace?: boolean;
}

/**
 * Records a host key as trusted in the application's known_hosts (`[host]:port` form for ports
 * other than 22). Written atomically (a temporary file renamed over the old one), mode 0600.
 */
export function trustHostKey(file: string, host: string, port: number, key: Buffer, options: TrustOptions = {}): void {
  const keyType = keyTypeOf(key);
  const name = knownHostsName(host, port);
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (lines.at(-1) === '') lines.pop();
  if (options.replace) {
    lines = lines.filter((line) => {
      const entry = parseKnownHosts(line)[0];
      return !(entry && entry.marker === undefined && entry.keyType === keyType && entryNamesHost(entry.hosts, host, port));
    });
  }
  const entry = `${name} ${keyType} ${key.toString('base64')}`;
  if (!lines.includes(entry)) lines.push(entry);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, `${lines.join('\n')}\n`, { mode: 0o600, flush: true });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
