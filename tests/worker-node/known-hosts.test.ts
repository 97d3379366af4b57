// known_hosts reading and writing, checked against OpenSSH's own ssh-keygen (fingerprints,
// hashed names) on real files.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  entryNamesHost,
  fingerprintSha256,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
  readKnownHosts,
  trustHostKey,
} from '../../src/main/worker-node/known-hosts';
import { tempDir } from '../support/store';

const haveKeygen = !spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error;

interface TestKey {
  line: string;
  blob: Buffer;
  fingerprint: string;
}

function newKey(dir: string, name: string, type = 'ed25519'): TestKey {
  const path = join(dir, name);
  spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', path], { stdio: 'ignore' });
  const [keyType, base64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  const fingerprint = spawnSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' }).stdout.split(/\s+/)[1] ?? '';
  return { line: `${keyType} ${base64}`, blob: Buffer.from(base64 ?? '', 'base64'), fingerprint };
}

describe.skipIf(!haveKeygen)('known_hosts (skipped: ssh-keygen is not on the PATH)', () => {
  it('computes the same SHA256 fingerprint and key type as ssh-keygen', () => {
    const key = newKey(tempDir(), 'k');
    expect(fingerprintSha256(key.blob)).toBe(key.fingerprint);
    expect(keyTypeOf(key.blob)).toBe('ssh-ed25519');
  });

  it('names hosts on port 22 plainly and others as [host]:port, in lower case', () => {
    expect(knownHostsName('ECC0.lab', 22)).toBe('ecc0.lab');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches comma lists, bracketed ports, wildcards and negations like OpenSSH', () => {
    expect(entryNamesHost('ecc0,10.0.0.5', '10.0.0.5', 22)).toBe(true);
    expect(entryNamesHost('ecc0,10.0.0.5', '10.0.0.5', 2222)).toBe(false);
    expect(entryNamesHost('[10.0.0.5]:2222', '10.0.0.5', 2222)).toBe(true);
    expect(entryNamesHost('*.lab,!bad.lab', 'ecc1.lab', 22)).toBe(true);
    expect(entryNamesHost('*.lab,!bad.lab', 'bad.lab', 22)).toBe(false);
    expect(entryNamesHost('ecc?', 'ecc7', 22)).toBe(true);
    expect(entryNamesHost('ecc?', 'ecc17', 22)).toBe(false);
  });

  it('trusts a key listed for the host and reports where it was found', () => {
    const key = newKey(tempDir(), 'k');
    const entries = parseKnownHosts(`# comment\n\nother ${newKey(tempDir(), 'o').line}\necc0,ecc0.lab ${key.line} a comment\n`, 'kh');
    const verdict = checkHostKey(entries, 'ecc0.lab', 22, key.blob);
    expect(verdict).toMatchObject({ status: 'trusted', file: 'kh', line: 4, fingerprint: key.fingerprint });
  });

  it('calls a host with no entry unknown, with the presented fingerprint and type', () => {
    const key = newKey(tempDir(), 'k');
    expect(checkHostKey([], 'ecc0', 22, key.blob)).toEqual({
      status: 'unknown',
      keyType: 'ssh-ed25519',
      fingerprint: key.fingerprint,
      otherKnownTypes: [],
    });
  });

  it('calls a different key of the same type for a known host changed', () => {
    const dir = tempDir();
    const known = newKey(dir, 'known');
    const presented = newKey(dir, 'presented');
    const verdict = checkHostKey(parseKnownHosts(`[ecc0]:2222 ${known.line}\n`), 'ecc0', 2222, presented.blob);
    expect(verdict).toMatchObject({ status: 'changed', knownFingerprint: known.fingerprint, fingerprint: presented.fingerprint });
  });

  it('leaves a key unknown (not changed) when only keys of other types are known, and names them', () => {
    const dir = tempDir();
    const ecdsa = newKey(dir, 'ecdsa', 'ecdsa');
    const presented = newKey(dir, 'presented');
    const verdict = checkHostKey(parseKnownHosts(`ecc0 ${ecdsa.line}\n`), 'ecc0', 22, presented.blob);
    expect(verdict).toMatchObject({ status: 'unknown', otherKnownTypes: ['ecdsa-sha2-nistp256'] });
  });

  it('refuses a revoked key even when another line trusts it', () => {
    const key = newKey(tempDir(), 'k');
    const entries = parseKnownHosts(`ecc0 ${key.line}\n@revoked * ${key.line}\n`);
    expect(checkHostKey(entries, 'ecc0', 22, key.blob)).toMatchObject({ status: 'revoked', line: 2 });
  });

  it('never trusts through an @cert-authority line', () => {
    const key = newKey(tempDir(), 'k');
    const entries = parseKnownHosts(`@cert-authority * ${key.line}\n`);
    expect(checkHostKey(entries, 'ecc0', 22, key.blob).status).toBe('unknown');
  });

  it('matches names hashed by ssh-keygen -H, with and without a port', () => {
    const dir = tempDir();
    const key = newKey(dir, 'k');
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `ecc0.lab ${key.line}\n[10.0.0.9]:2222 ${key.line}\n`);
    expect(spawnSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' }).status).toBe(0);
    const entries = readKnownHosts([file]);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(entries, 'ecc0.lab', 22, key.blob).status).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.9', 2222, key.blob).status).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.9', 22, key.blob).status).toBe('unknown');
  });

  it('skips malformed lines and treats a missing file as empty', () => {
    const key = newKey(tempDir(), 'k');
    expect(parseKnownHosts(`garbage\nhost ssh-rsa ${key.line.split(' ')[1]}\n@weird host ${key.line}\n`)).toEqual([]);
    expect(readKnownHosts([join(tempDir(), 'missing')])).toEqual([]);
  });

  it('appends a trusted key in [host]:port form to a 0600 file, once, and OpenSSH reads it back', () => {
    const dir = tempDir();
    const key = newKey(dir, 'k');
    const file = join(dir, 'data', 'known_hosts');
    trustHostKey(file, '127.0.0.1', 2222, key.blob);
    trustHostKey(file, '127.0.0.1', 2222, key.blob);
    trustHostKey(file, 'ecc0', 22, key.blob);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:2222 ${key.line}\necc0 ${key.line}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const found = spawnSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    expect(found.status).toBe(0);
  });

  it('replaces the old key of a host in its own file only when asked', () => {
    const dir = tempDir();
    const old = newKey(dir, 'old');
    const fresh = newKey(dir, 'fresh');
    const file = join(dir, 'known_hosts');
    trustHostKey(file, 'ecc0', 22, old.blob);
    trustHostKey(file, 'ecc0', 22, fresh.blob);
    expect(checkHostKey(readKnownHosts([file]), 'ecc0', 22, fresh.blob).status).toBe('trusted');
    trustHostKey(file, 'ecc0', 22, fresh.blob, { replace: true });
    expect(readFileSync(file, 'utf8')).toBe(`ecc0 ${fresh.line}\n`);
  });
});
