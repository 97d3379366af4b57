// Fault-matrix cells as the operator sees them in the Status view (tests/faults/ has the API's
// side of each, and docs/reliability.md the matrix). A worker computer that stops answering, on
// the demo (whose simulated worker computer answers until its SSH port is made wrong): one block
// for the computer, each row's last answer as history with its time, the checklist items not
// known; it comes back by itself. A Start all that fails part way (the MuTAnT's Start fails, on
// simulators in this process): the banner names the servers left Running and offers the action
// that brings them back, which leaves every server Ready.
import { createServer } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import type { SshHostSettings } from '../../src/shared/api/contract';
import { apiValue, openApp } from './support/app';
import { overrideChecklist, readyToRun, type RunRig } from './support/runs';
import { serverForThisFile } from './support/server';

const SERVERS = ['ECC0', 'ECC1', 'ECC_mutant'];
/** The worker computers are checked every 15 s in serve mode; a loaded machine adds its share. */
const CHECKS = { timeout: 45_000 };
const STATE_WAIT = { timeout: 20_000 };

const server = serverForThisFile();
let rig: RunRig | undefined;

test.describe.configure({ mode: 'serial', timeout: 150_000 });
test.use({ viewport: { width: 1440, height: 960 } });

test.afterAll(async () => {
  await rig?.close();
});

const overall = (page: Page) => page.getByRole('status', { name: 'Overall state' });
const control = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const routerRow = (page: Page, name: string) => page.getByRole('table', { name: /^Data routers/ }).locator('tr', { hasText: name }).first();
const checklistItem = (page: Page, label: RegExp) => page.getByRole('list', { name: 'Start all checklist' }).getByRole('listitem', { name: label });

/** A port on 127.0.0.1 that nothing listens on (taken, then let go). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test('a worker computer that stops answering: one block for it, its rows as of their last answer, the checklist not known; back by itself', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await page.getByRole('button', { name: 'Open the demo' }).click();
  await expect(page.getByRole('combobox', { name: 'Active experiment' }).locator('option:checked')).toHaveText('demo');
  await expect(routerRow(page, 'DataRouter0')).toContainText(/Clean \(0 \.graw files\)/, CHECKS);
  await expect(routerRow(page, 'DataRouter0')).toContainText(/Running \(pid \d+\)/);

  // Its SSH server "goes down": the application's settings for the computer now name a port
  // nothing listens on (connection refused), as a stopped sshd would answer.
  const hosts = await apiValue<SshHostSettings[]>(page.request, server(), 'sshHosts.list', {});
  const demo = hosts.find((h) => h.port !== null);
  expect(demo, `the demo's worker computer in ${JSON.stringify(hosts)}`).toBeDefined();
  const { host, user, identityFile } = demo!;
  await apiValue(page.request, server(), 'sshHosts.set', { host, user, identityFile, port: await closedPort() });

  const down = page.getByRole('region', { name: /^Worker computers not answering \(1\)/ });
  await expect(down).toContainText(`${host} cannot be reached (unreachable, `, CHECKS);
  await expect(down).toContainText(/not checked: .*DataRouter0.*; their last known states are shown with their times/);
  // Each row keeps what the last answer found, as history with its time, never as the present.
  await expect(routerRow(page, 'DataRouter0')).toContainText(/Running \(pid \d+\) as of \d\d:\d\d:\d\d, computer not answering/);
  await expect(routerRow(page, 'DataRouter0')).toContainText(/Clean \(0 \.graw files\) as of \d\d:\d\d:\d\d, check failing/);
  await expect(checklistItem(page, /^DataRouter0: staging folder found and clean: Not known$/)).toBeVisible();
  await expect(checklistItem(page, /^DataRouter0: its dataRouter runs, listening on port \d+: Not known$/)).toBeVisible();
  await expect(control(page, 'Start all')).toBeDisabled();

  // Its SSH server back: the block goes, the rows are current again.
  await apiValue(page.request, server(), 'sshHosts.set', { host, user, identityFile, port: demo!.port });
  await expect(down).toBeHidden(CHECKS);
  await expect(routerRow(page, 'DataRouter0')).not.toContainText('as of', CHECKS);
  await expect(routerRow(page, 'DataRouter0')).toContainText(/Clean \(0 \.graw files\)/);
  await expect(checklistItem(page, /^DataRouter0: staging folder found and clean: Passed$/)).toBeVisible(CHECKS);
});

test('a Start all that fails part way: the banner names the servers left Running, and Stop the servers leaves every server Ready', async ({ page }) => {
  rig = await readyToRun(page.request, server(), { experiment: 'e-faults', coboCount: 2, mutant: true });
  await openApp(page, server(), 'Status');
  await expect(overall(page)).toHaveText('Ready', STATE_WAIT);

  // The MuTAnT starts last: the CoBos are Running by then.
  rig.mutant!.set({ failStep: { step: 'Start', message: 'trigger module not answering' } });
  await overrideChecklist(page.request, server());
  await control(page, 'Start all').click();
  const banner = page.getByRole('region', { name: 'A failed Start all left servers to resolve' });
  await expect(banner.getByRole('status')).toHaveText(/^Start all failed part way at \d\d:\d\d:\d\d: ECC0, ECC1 Running, ECC_mutant Ready, no run recorded\.$/, STATE_WAIT);
  await expect(banner).toContainText('trigger module not answering');
  await expect(overall(page)).toHaveText('Mixed', STATE_WAIT);
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('No run going');
  // Only the action that can resolve it now.
  await expect(banner.getByRole('button')).toHaveText(['Stop the servers']);

  rig.mutant!.set({ failStep: null });
  await banner.getByRole('button', { name: 'Stop the servers' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Stop the servers?' });
  await expect(confirm).toContainText('in the Stop order (the MuTAnT first)');
  await confirm.getByRole('button', { name: 'Stop the servers' }).click();
  await expect(banner).toBeHidden(STATE_WAIT);
  await expect(overall(page)).toHaveText('Ready', STATE_WAIT);
  const eccTable = page.getByRole('table', { name: /^ECC servers/ });
  for (const name of SERVERS) {
    await expect(eccTable.locator('tr').filter({ has: page.getByRole('group', { name: `Steps of ${name}`, exact: true }) })).toContainText('Ready');
  }
  expect(rig.simulators.map((sim) => sim.state)).toEqual(['Ready', 'Ready', 'Ready']);
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('No run going');
});
