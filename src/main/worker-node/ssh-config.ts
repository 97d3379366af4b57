// Where and as whom to connect to a worker computer: the host as the operator named it is
// resolved through ~/.ssh/config (as the earlier system did, DOMAIN.md), then the application's
// own per-host settings win; credentials are the ssh-agent and the identity files.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
// Types only: ssh2 comes with node-ssh, which the bundle keeps external.
import type { AnyAuthMethod } from 'ssh2';

/** What the application itself stores for a host; each value beats ~/.ssh/config. */
export interface HostOverrides {
  user?: string;
  port?: number;
  identityFile?: string;
}

export interface SshTarget {
  /** The name as given (a ~/.ssh/config alias or a real host name). */
  alias: string;
  /** The host to connect to (HostName, else the alias); also the known_hosts name. */
  host: string;
  port: number;
  user: string;
  /** Identity files to try, in order, `~` expanded. Explicit ones, else OpenSSH's defaults. */
  identityFiles: string[];
  /** True when the files come from IdentityFile or an override (a missing one is an error). */
  identityFilesExplicit: boolean;
  /** The ssh-agent socket (SSH_AUTH_SOCK), unless IdentityAgent none. */
  agent: string | undefined;
  /** IdentitiesOnly yes: the agent is used only for the listed files, so it is not offered. */
  identitiesOnly: boolean;
}

export interface ResolveOptions {
  /** Default ~/.ssh/config; a missing file means no aliases. */
  configPath?: string;
  /** The config text itself (tests); wins over configPath. */
  configText?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** OpenSSH's default identities, tried when no IdentityFile is given (those that exist). */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk'];

export class SshConfigError extends Error {
  override name = 'SshConfigError';
}

function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** The few `%` tokens that make sense before connecting: %h host, %p port, %r user, %u local user, %d home, %%. */
function expandTokens(value: string, tokens: Record<string, string>): string {
  return value.replace(/%(.)/g, (whole, letter: string) => (letter === '%' ? '%' : (tokens[letter] ?? whole)));
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readConfig(options: ResolveOptions, home: string): SSHConfig {
  if (options.configText !== undefined) return SSHConfig.parse(options.configText);
  const path = options.configPath ?? join(home, '.ssh', 'config');
  try {
    return SSHConfig.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return SSHConfig.parse('');
    throw new SshConfigError(`Could not read the SSH config ${path}: ${(error as Error).message}`);
  }
}

/**
 * The connection target for a host name. Like OpenSSH, the first value found for each setting
 * wins (Host blocks in file order); then the application's overrides replace user, port and
 * identity file.
 */
export function resolveSshTarget(alias: string, overrides: HostOverrides = {}, options: ResolveOptions = {}): SshTarget {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  // `Match exec` would run a shell command from the file: never from this application.
  const computed = readConfig(options, home).compute(alias, { ignoreCase: true, matchExec: false });
  const localUser = userInfo().username;

  const portText = overrides.port ?? first(computed.port);
  const port = portText === undefined ? 22 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new SshConfigError(`Bad SSH port for ${alias}: ${String(portText)}`);
  const user = overrides.user ?? first(computed.user) ?? localUser;
  const host = expandTokens(first(computed.hostname) ?? alias, { h: alias });

  const tokens = { h: host, p: String(port), r: user, u: localUser, d: home };
  const configured = overrides.identityFile !== undefined ? [overrides.identityFile] : toList(computed.identityfile);
  const explicit = configured.length > 0 && !configured.every((f) => f.toLowerCase() === 'none');
  const identityFiles = explicit
    ? configured.filter((f) => f.toLowerCase() !== 'none').map((f) => absolute(expandTilde(expandTokens(f, tokens), home), home))
    : DEFAULT_IDENTITIES.map((name) => join(home, '.ssh', name));

  const identityAgent = first(computed.identityagent);
  let agent: string | undefined = env.SSH_AUTH_SOCK || undefined;
  if (identityAgent !== undefined) {
    if (identityAgent.toLowerCase() === 'none') agent = undefined;
    else if (identityAgent !== 'SSH_AUTH_SOCK') agent = expandTilde(expandTokens(identityAgent.replace(/^\$SSH_AUTH_SOCK$/, 'SSH_AUTH_SOCK'), tokens), home);
  }
  const identitiesOnly = first(computed.identitiesonly)?.toLowerCase() === 'yes';
  return { alias, host, port, user, identityFiles, identityFilesExplicit: explicit, agent, identitiesOnly };
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function absolute(path: string, home: string): string {
  // OpenSSH reads relative identity files from ~/.ssh's parent (the home directory).
  return isAbsolute(path) ? path : join(home, path);
}

/** Whether a private key file needs a passphrase (OpenSSH, PEM and PKCS#8 formats). */
export function isEncryptedKey(text: string): boolean {
  if (/^Proc-Type:\s*4,ENCRYPTED/m.test(text) || text.includes('BEGIN ENCRYPTED PRIVATE KEY')) return true;
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
  if (!body) return false;
  // "openssh-key-v1\0", then the cipher name as an SSH string: "none" when not encrypted.
  const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (blob.toString('latin1', 0, magic.length) !== magic || blob.length < magic.length + 4) return false;
  const length = blob.readUInt32BE(magic.length);
  return blob.toString('latin1', magic.length + 4, magic.length + 4 + length) !== 'none';
}

/**
 * The authentication methods to try, in order: the agent (unless IdentitiesOnly), then each
 * readable identity file. Nothing prompts for a passphrase: an encrypted key is left to the
 * agent, and with no agent it is a clear error instead of a silent failure.
 */
export function authMethods(target: SshTarget): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  const problems: string[] = [];
  let encrypted = false;
  for (const file of target.identityFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !target.identityFilesExplicit) continue;
      problems.push(`${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
      continue;
    }
    if (!/PRIVATE KEY-----|^PuTTY-User-Key-File/m.test(text)) {
      problems.push(`${file} is not a private key`);
    } else if (isEncryptedKey(text)) {
      encrypted = true;
      problems.push(`${file} is protected by a passphrase`);
    } else {
      methods.push({ type: 'publickey', username: target.user, key: text });
    }
  }
  if (target.agent) {
    // IdentitiesOnly: the files first, and the agent only for a key it holds unlocked.
    const agent: AnyAuthMethod = { type: 'agent', username: target.user, agent: target.agent };
    if (!target.identitiesOnly) methods.unshift(agent);
    else if (encrypted) methods.push(agent);
  }
  if (methods.length === 0) {
    const why = problems.length > 0 ? problems.join('; ') : `no identity file (looked for ${target.identityFiles.join(', ')})`;
    const hint = target.agent
      ? ''
      : encrypted
        ? ' No ssh-agent is running (SSH_AUTH_SOCK is not set): start one and add the key with ssh-add; the application never asks for passphrases.'
        : ' No ssh-agent is running (SSH_AUTH_SOCK is not set) either.';
    throw new SshConfigError(`No usable SSH key for ${target.user}@${target.alias}: ${why}.${hint}`);
  }
  return methods;
}
