// What the tests need from the computer, found before any suite runs (the first step of
// `npm test`): Debian's Chromium for the end-to-end tests, OpenSSH's sshd (the SSH tests start
// their own on 127.0.0.1), lsof and ps (the process checks read real programs), curl (the API
// documentation's examples). On Debian or Ubuntu as root whatever is missing is installed with
// apt, with no system service started (no sshd on port 22: the tests run their own); elsewhere
// the step stops with one message that lists what is missing and how to install it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Each tool the tests use: how it is found, and the Debian package that brings it. */
export const PREREQUISITES = [
  { tool: 'chromium', path: '/usr/bin/chromium', debianPackage: 'chromium', why: 'the end-to-end tests (Playwright drives Debian\'s Chromium)' },
  { tool: 'sshd', path: '/usr/sbin/sshd', debianPackage: 'openssh-server', why: 'the SSH tests (they start their own OpenSSH server)' },
  { tool: 'lsof', debianPackage: 'lsof', why: 'the worker checks, tested against real processes' },
  { tool: 'ps', debianPackage: 'procps', why: 'the worker checks, tested against real processes' },
  { tool: 'curl', debianPackage: 'curl', why: "the API documentation's curl examples" },
];

/**
 * What to do about the tools that are missing: nothing, install them with apt, or stop with a
 * message. Pure, so that every case can be tested without changing the computer.
 */
export function plan({ missing, debian, root }) {
  if (missing.length === 0) return { action: 'none' };
  const packages = [...new Set(missing.map((p) => p.debianPackage))];
  if (debian && root) return { action: 'install', packages };
  const list = missing.map((p) => `  ${p.tool}: for ${p.why}`).join('\n');
  const how = debian
    ? `Install them as root: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}\n(no system service is needed: the tests start their own sshd).`
    : `Install them with this system's package manager (on Debian or Ubuntu the packages are: ${packages.join(' ')}),\n` +
      'with Chromium at /usr/bin/chromium and sshd at /usr/sbin/sshd.';
  return { action: 'stop', message: `The tests need what this computer lacks:\n${list}\n${how}` };
}

function onPath(tool, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // Not in this folder.
    }
  }
  return false;
}

export function findMissing(prerequisites = PREREQUISITES) {
  return prerequisites.filter((p) => {
    if (!p.path) return !onPath(p.tool);
    try {
      accessSync(p.path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** apt-get install, with invoke-rc.d told to start nothing (policy-rc.d exit 101) while it runs. */
function installWithApt(packages) {
  const policy = '/usr/sbin/policy-rc.d';
  // Someone's own policy is left as it is (and obeyed).
  const ours = !existsSync(policy);
  if (ours) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
}

function main() {
  const missing = findMissing();
  const decision = plan({ missing, debian: existsSync('/etc/debian_version'), root: process.getuid?.() === 0 });
  if (decision.action === 'none') {
    console.log('Test prerequisites: Chromium, sshd, lsof, ps and curl are here.');
    return 0;
  }
  if (decision.action === 'stop') {
    console.error(decision.message);
    return 1;
  }
  console.log(`Test prerequisites: installing ${decision.packages.join(', ')} with apt (no service is started)…`);
  installWithApt(decision.packages);
  const still = findMissing();
  if (still.length > 0) {
    console.error(`Still missing after apt: ${still.map((p) => p.tool).join(', ')}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(main());
