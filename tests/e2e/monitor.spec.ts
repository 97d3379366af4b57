// A monitor of the live control room: the server that controls the shift also serves a
// read-only copy on its monitor address (--monitor-port). A browser there follows what the
// control side does, can change nothing, and is cut off when a new monitor token is made.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { confirmation, easySetupInput, expectAllDisabled, openApp, seedThroughApi, showView } from './support/app';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';
import { startEasySetupSims, type EasySetupSims } from './support/sims';

const STATE_WAIT = { timeout: 20_000 };
const READ_ONLY = /Read-only connection: nothing can be changed from here/;
const CONFIG_SET = 'cobo0/experiment/experiment';

let server: RunningServer;
let dataDir: string;
let sims: EasySetupSims;

test.describe.configure({ timeout: 60_000 });

test.beforeAll(async () => {
  // Addresses of their own: other specs' simulators may run at the same time.
  sims = await startEasySetupSims({ cobos: 2, mutant: false, first: 41 });
  dataDir = await makeDataDir();
  await seedThroughApi(dataDir, [
    ['experiments.create', { name: 'e-watched' }],
    ['setup.easy', easySetupInput(sims.easySetup)],
  ]);
  server = await startServer({ dataDir, monitorPort: 0 });
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) await removeDataDir(dataDir);
  await sims?.close();
});

/** A page of its own browser context (its own cookies), on the monitor address. */
async function openMonitor(browser: Browser, link: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'AT-TPC DAQ Control' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
  return page;
}

const ecc0 = (page: Page) =>
  page.getByRole('table', { name: /^ECC servers/ }).locator('tr').filter({ has: page.getByRole('group', { name: 'Steps of ECC0', exact: true }) });

test('a monitor follows a step made on the control side, and has no control it can use', async ({ page, browser }) => {
  expect(server.monitorUrl, server.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  expect(server.monitorUrl).not.toContain(server.token);
  const monitor = await openMonitor(browser, server.monitorUrl as string);
  await showView(monitor, 'Status');
  await expect(monitor.getByRole('note', { name: 'Read-only' })).toBeVisible();
  await expect(monitor.getByRole('status', { name: 'Overall state' })).toHaveText('Idle', STATE_WAIT);

  // The control side chooses a config set and describes ECC0.
  await openApp(page, server, 'Status');
  await expect(page.getByRole('note', { name: 'Read-only' })).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Config set of ECC0' }).click();
  await page.getByRole('option', { name: CONFIG_SET }).click();
  await expect(monitor.getByRole('combobox', { name: 'Config set of ECC0' })).toHaveText(CONFIG_SET);
  await page.getByRole('button', { name: 'Describe ECC0' }).click();
  await expect(ecc0(page)).toContainText('Described', STATE_WAIT);
  // The monitor follows, without a reload.
  await expect(ecc0(monitor)).toContainText('Described', STATE_WAIT);
  await expect(monitor.getByRole('status', { name: 'Overall state' })).toHaveText('Mixed');

  // Nothing on the monitor can change anything: every control is disabled and says why.
  for (const name of ['Describe all', 'Prepare all', 'Configure all', 'Bring all to Ready', 'Start all', 'Stop all', 'Reset all']) {
    const button = monitor.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(READ_ONLY);
  }
  await expectAllDisabled(monitor.getByRole('group', { name: 'Steps of ECC0', exact: true }).getByRole('button'));
  await expect(monitor.getByRole('combobox', { name: 'Config set of ECC0' })).toBeDisabled();
  await showView(monitor, 'Setup');
  await expectAllDisabled(monitor.getByRole('form', { name: 'Monitor listener' }).locator('input, button'));
  await expect(monitor.getByRole('button', { name: 'New monitor token…' })).toBeDisabled();
  await expect(monitor.getByRole('button', { name: /^(Add|Edit|Remove) / }).first()).toBeDisabled();
  await monitor.context().close();
});

test('Setup shows the monitor address to hand out, and a new monitor token cuts the old monitors off', async ({ page, browser }) => {
  const monitor = await openMonitor(browser, server.monitorUrl as string);

  await openApp(page, server, 'Setup');
  const link = page.getByLabel(/^Address to hand out/);
  await expect(link).toHaveValue(server.monitorUrl as string);
  await expect(page.getByText(/1 monitor connected/)).toBeVisible();

  await page.getByRole('button', { name: 'New monitor token…' }).click();
  await confirmation(page).getByRole('button', { name: 'Make a new token' }).click();
  await expect(confirmation(page)).toBeHidden();
  await expect(link).not.toHaveValue(server.monitorUrl as string);
  const renewed = await link.inputValue();
  expect(new URL(renewed).origin).toBe(new URL(server.monitorUrl as string).origin);

  // The monitor opened with the old address is signed out at once; the new address works.
  await expect(monitor.getByRole('status', { name: 'Connection' })).toHaveText(/Not signed in/, STATE_WAIT);
  await monitor.context().close();
  const again = await openMonitor(browser, renewed);
  await expect(again.getByRole('note', { name: 'Read-only' })).toBeVisible();
  await again.context().close();
  // The control side never lost its connection.
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
});
