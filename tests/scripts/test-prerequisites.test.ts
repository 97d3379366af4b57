// The first step of `npm test`: what it does about missing tools, decided without touching the
// computer (plan), and what it finds on this one (every tool the suites use is here by the time
// vitest runs, since the step ran before).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { PREREQUISITES, findMissing, plan } from '../../scripts/test-prerequisites.mjs';

interface Prerequisite {
  tool: string;
  debianPackage: string;
}

const tool = (name: string) => (PREREQUISITES as Prerequisite[]).find((p) => p.tool === name)!;

describe('the test prerequisites step', () => {
  it('does nothing when every tool is there', () => {
    expect(plan({ missing: [], debian: true, root: true })).toEqual({ action: 'none' });
  });

  it("installs what is missing with apt on Debian as root, by Debian's package names", () => {
    expect(plan({ missing: [tool('chromium'), tool('sshd'), tool('ps')], debian: true, root: true })).toEqual({
      action: 'install',
      packages: ['chromium', 'openssh-server', 'procps'],
    });
  });

  it('stops with one message naming what is missing and the command, on Debian without root', () => {
    const decision = plan({ missing: [tool('sshd')], debian: true, root: false }) as { action: string; message: string };
    expect(decision.action).toBe('stop');
    expect(decision.message).toMatch(/sshd: for the SSH tests/);
    expect(decision.message).toMatch(/sudo apt-get install -y --no-install-recommends openssh-server/);
  });

  it('stops elsewhere, naming the tools and where they must be', () => {
    const decision = plan({ missing: [tool('chromium'), tool('lsof')], debian: false, root: true }) as { action: string; message: string };
    expect(decision.action).toBe('stop');
    expect(decision.message).toMatch(/chromium: for the end-to-end tests/);
    expect(decision.message).toMatch(/lsof: for the worker checks/);
    expect(decision.message).toMatch(/Chromium at \/usr\/bin\/chromium and sshd at \/usr\/sbin\/sshd/);
  });

  it('finds a tool missing when it is not where the tests look for it', () => {
    expect(findMissing([{ tool: 'nonesuch', path: '/nonexistent/nonesuch', debianPackage: 'x', why: '' }]).map((p: Prerequisite) => p.tool)).toEqual(['nonesuch']);
    expect(findMissing([{ tool: 'definitely-not-a-program-here', debianPackage: 'x', why: '' }])).toHaveLength(1);
    expect(findMissing([{ tool: 'node', debianPackage: 'nodejs', why: '' }])).toEqual([]);
  });
});
