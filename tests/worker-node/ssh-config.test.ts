// Resolving a worker computer's host through an ~/.ssh/config written for the test, and picking
// the credentials (agent, identity files) without ever prompting.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authMethods, isEncryptedKey, resolveSshTarget, SshConfigError } from '../../src/main/worker-node/ssh-config';
import { tempDir } from '../support/store';

const haveKeygen = !spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error;

function home(config?: string): string {
  const dir = tempDir('daq-home-');
  mkdirSync(join(dir, '.ssh'), { mode: 0o700 });
  if (config !== undefined) writeFileSync(join(dir, '.ssh', 'config'), config);
  return dir;
}

function key(path: string, passphrase = ''): void {
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', '', '-f', path], { stdio: 'ignore' });
}

const CONFIG = `
Host ecc0 ecc0-alias
  HostName 10.0.0.10
  User daq
  Port 2222
  IdentityFile ~/.ssh/ecc_key

Host mutant*
  HostName %h.lab.example
  User mutant

Host *
  User everyone
  Port 23
  IdentityFile ~/.ssh/fallback
`;

describe('ssh config resolution', () => {
  it('resolves a Host alias to its HostName, User, Port and IdentityFile with ~ expanded', () => {
    const dir = home(CONFIG);
    const target = resolveSshTarget('ecc0-alias', {}, { home: dir, env: {} });
    expect(target).toMatchObject({ alias: 'ecc0-alias', host: '10.0.0.10', user: 'daq', port: 2222, identityFilesExplicit: true, agent: undefined });
    // Both blocks add identity files, in file order, like OpenSSH.
    expect(target.identityFiles).toEqual([join(dir, '.ssh', 'ecc_key'), join(dir, '.ssh', 'fallback')]);
  });

  it('takes the first value found for each setting, so the catch-all block only fills gaps', () => {
    const target = resolveSshTarget('mutant1', {}, { home: home(CONFIG), env: {} });
    expect(target).toMatchObject({ host: 'mutant1.lab.example', user: 'mutant', port: 23 });
  });

  it("lets the application's per-host settings win over the config file", () => {
    const dir = home(CONFIG);
    const target = resolveSshTarget('ecc0', { user: 'root', port: 22, identityFile: '~/.ssh/app_key' }, { home: dir, env: {} });
    expect(target).toMatchObject({ host: '10.0.0.10', user: 'root', port: 22, identityFiles: [join(dir, '.ssh', 'app_key')] });
  });

  it('connects to the name itself as the local user on port 22 without a config file', () => {
    const dir = home();
    const target = resolveSshTarget('worker.lab', {}, { home: dir, env: {} });
    expect(target).toMatchObject({ host: 'worker.lab', port: 22, user: userInfo().username, identityFilesExplicit: false });
    expect(target.identityFiles).toContain(join(dir, '.ssh', 'id_ed25519'));
  });

  it('reads a config file given by path', () => {
    const path = join(tempDir(), 'config');
    writeFileSync(path, 'Host w1\n  HostName 127.0.0.1\n  Port 40022\n');
    expect(resolveSshTarget('w1', {}, { configPath: path, home: home(), env: {} })).toMatchObject({ host: '127.0.0.1', port: 40022 });
  });

  it('refuses a port that is not a port', () => {
    expect(() => resolveSshTarget('x', {}, { configText: 'Host x\n  Port 99999\n', home: home(), env: {} })).toThrow(SshConfigError);
  });

  it('uses the ssh-agent from SSH_AUTH_SOCK first, unless IdentityAgent none', () => {
    const dir = home('Host noagent\n  IdentityAgent none\n');
    const env = { SSH_AUTH_SOCK: '/tmp/agent.sock' };
    expect(resolveSshTarget('w', {}, { home: dir, env }).agent).toBe('/tmp/agent.sock');
    expect(resolveSshTarget('noagent', {}, { home: dir, env }).agent).toBeUndefined();
    const methods = authMethods(resolveSshTarget('w', {}, { home: dir, env }));
    expect(methods[0]).toEqual({ type: 'agent', username: userInfo().username, agent: '/tmp/agent.sock' });
  });
});

describe.skipIf(!haveKeygen)('ssh credentials (skipped: ssh-keygen is not on the PATH)', () => {
  it('offers each readable unencrypted identity file as a public key', () => {
    const dir = home();
    key(join(dir, '.ssh', 'id_ed25519'));
    const methods = authMethods(resolveSshTarget('w', {}, { home: dir, env: {} }));
    expect(methods.map((m) => m.type)).toEqual(['publickey']);
  });

  it('explains that a passphrase-protected key needs an ssh-agent, instead of prompting', () => {
    const dir = home();
    const path = join(dir, '.ssh', 'id_ed25519');
    key(path, 'secret phrase');
    const target = resolveSshTarget('w', { identityFile: path }, { home: dir, env: {} });
    expect(() => authMethods(target)).toThrow(/protected by a passphrase.*ssh-agent.*ssh-add/s);
  });

  it('leaves a passphrase-protected key to a running agent', () => {
    const dir = home();
    const path = join(dir, '.ssh', 'id_ed25519');
    key(path, 'secret phrase');
    const target = resolveSshTarget('w', { identityFile: path }, { home: dir, env: { SSH_AUTH_SOCK: '/tmp/agent.sock' } });
    expect(authMethods(target).map((m) => m.type)).toEqual(['agent']);
  });

  it('tells encrypted keys from plain ones in OpenSSH format', () => {
    const dir = tempDir();
    key(join(dir, 'plain'));
    key(join(dir, 'locked'), 'pw');
    expect(isEncryptedKey(readFileSync(join(dir, 'plain'), 'utf8'))).toBe(false);
    expect(isEncryptedKey(readFileSync(join(dir, 'locked'), 'utf8'))).toBe(true);
  });

  it('names a missing identity file that was asked for', () => {
    const dir = home();
    const target = resolveSshTarget('w', { identityFile: '~/.ssh/nope' }, { home: dir, env: {} });
    expect(() => authMethods(target)).toThrow(/nope: no such file/);
  });
});

