// The data flow of a run in the browser, on the demo (its simulated data routers write at known
// rates): during the run, the rate plot has a line per data router and grows with every round
// of readings; each router's row and the total row show MB/s; the plot can be hidden, and stays
// hidden on this workstation after a reload.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import { serverForThisFile } from './support/server';

const SERVERS = ['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant'];
const ROUTERS = ['DataRouter0', 'DataRouter1', 'DataRouter2', 'DataRouter3', 'DataRouter_mutant'];
/** ECC states are read every second; the worker computers are checked every 15 s; the data flow every 2 s. */
const CHECKS = { timeout: 45_000 };

const server = serverForThisFile();

test.use({ viewport: { width: 1440, height: 960 } });
test.describe.configure({ timeout: 240_000 });

const overall = (page: Page) => page.getByRole('status', { name: 'Overall state' });
const control = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const routers = (page: Page) => page.getByRole('table', { name: /^Data routers/ });
const plotCanvas = (page: Page) => page.getByRole('region', { name: 'Data rate per router' }).locator('[data-routers]');

async function points(page: Page): Promise<number> {
  return Number(await plotCanvas(page).getAttribute('data-points'));
}

test('the rate plot has a line per router that grows during a run, and can be hidden', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await page.getByRole('button', { name: 'Open the demo' }).click();
  await expect(overall(page)).toHaveText('Idle', CHECKS);
  for (const name of SERVERS) {
    await page.getByRole('combobox', { name: `Config set of ${name}` }).click();
    await page.getByRole('option', { name: 'demo/beam/beam' }).click();
  }
  for (const name of ROUTERS) await expect(routers(page).locator('tr', { hasText: name }).first()).toContainText(/Clean \(0 \.graw files\)/, CHECKS);
  await control(page, 'Bring all to Ready').click();
  await expect(overall(page)).toHaveText('Ready', CHECKS);
  await control(page, 'Start all').click();
  await expect(overall(page)).toHaveText('Running', CHECKS);

  // One line per router; the plot grows with the readings (pushed, never polled by the page).
  await expect(plotCanvas(page)).toHaveAttribute('data-routers', String(ROUTERS.length), CHECKS);
  await expect.poll(() => points(page), { ...CHECKS, message: 'the first points' }).toBeGreaterThanOrEqual(2);
  const before = await points(page);
  await expect.poll(() => points(page), { ...CHECKS, message: 'the plot grows' }).toBeGreaterThan(before);
  // uPlot draws a legend entry per line.
  for (const name of ROUTERS) await expect(page.getByRole('region', { name: 'Data rate per router' }).locator('.u-legend')).toContainText(name);

  // Every router writes at its rate; the total row sums them.
  for (const name of ROUTERS) await expect(routers(page).locator('tr', { hasText: name }).first()).toContainText(/\d+\.\d\d MB\/s/, CHECKS);
  await expect(routers(page).locator('tr', { hasText: 'All routers' })).toContainText(/\d+\.\d\d MB\/s/);

  // Hidden, and still hidden after a reload (this workstation remembers).
  await page.getByRole('button', { name: 'Hide the rate plot' }).click();
  await expect(plotCanvas(page)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Show the rate plot' })).toBeVisible(CHECKS);
  await expect(plotCanvas(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Show the rate plot' }).click();
  await expect(plotCanvas(page)).toHaveAttribute('data-routers', String(ROUTERS.length));

  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 0?' }).getByRole('button', { name: 'Stop run 0' }).click();
  await expect(overall(page)).toHaveText('Ready', CHECKS);
});
