// A whole shift in the browser, on the demo that an empty database offers (simulated ECC servers
// and a simulated worker computer, run by the application itself): choose the config sets,
// Bring all to Ready, Start all, see the data files appear, fill the run sheet, Stop all after
// confirming, see the files organized (routers clean again), and the next run gets number 1.
// Also takes the README's pictures of the status view and the run sheet during a run.
import { expect, test, type Page } from '@playwright/test';
import { openApp, picture, showView } from './support/app';
import { serverForThisFile } from './support/server';

const SERVERS = ['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant'];
const ROUTERS = ['DataRouter0', 'DataRouter1', 'DataRouter2', 'DataRouter3', 'DataRouter_mutant'];
/** ECC states are read every 5 s; the worker computers are checked every 15 s; jobs run every 5 s. */
const CHECKS = { timeout: 45_000 };

const server = serverForThisFile();

test.use({ viewport: { width: 1440, height: 960 } });
test.describe.configure({ timeout: 300_000 });

const overall = (page: Page) => page.getByRole('status', { name: 'Overall state' });
const control = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const routerRow = (page: Page, name: string) => page.getByRole('table', { name: /^Data routers/ }).locator('tr', { hasText: name }).first();
const run = (page: Page) => page.getByRole('region', { name: 'Run', exact: true });

async function expectRoutersClean(page: Page): Promise<void> {
  for (const name of ROUTERS) await expect(routerRow(page, name)).toContainText(/Clean \(0 \.graw files\)/, CHECKS);
}

test('the whole shift on the demo: configs, Ready, Start, files, run sheet, Stop, files organized, next run', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await page.getByRole('button', { name: 'Open the demo' }).click();
  await expect(page.getByRole('combobox', { name: 'Active experiment' }).locator('option:checked')).toHaveText('demo');
  await expect(overall(page)).toHaveText('Idle', CHECKS);

  // The config sets come from each simulated server; the worker computer's checks answer.
  for (const name of SERVERS) {
    await page.getByRole('combobox', { name: `Config set of ${name}` }).click();
    await page.getByRole('option', { name: 'demo/beam/beam' }).click();
    await expect(page.getByRole('combobox', { name: `Config set of ${name}` })).toHaveText('demo/beam/beam');
  }
  await expectRoutersClean(page);

  await control(page, 'Bring all to Ready').click();
  await expect(overall(page)).toHaveText('Ready', CHECKS);
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText('Bring all to Ready: done');

  await control(page, 'Start all').click();
  await expect(overall(page)).toHaveText('Running', CHECKS);
  await expect(run(page)).toContainText('Run number0', CHECKS);
  // The simulated data routers write while their servers run; the next check sees the files.
  for (const name of ROUTERS) await expect(routerRow(page, name)).toContainText(/Not clean \(\d+ \.graw files?\)/, CHECKS);
  // The README's picture of a run shows its rate plot with lines: a router's rate comes from its
  // second reading once the SSH check has found its staging folder (checked every 15 s).
  const plot = page.getByRole('region', { name: 'Data rate per router' }).locator('[data-routers]');
  await expect(plot).toHaveAttribute('data-routers', String(ROUTERS.length), CHECKS);
  await expect.poll(async () => Number(await plot.getAttribute('data-points')), { ...CHECKS, message: 'readings on the rate plot' }).toBeGreaterThanOrEqual(12);
  await picture(page, 'shift-status-running.png');

  // The run sheet: this run's title, class and a measurement, saved.
  await showView(page, 'Run sheet');
  const form = page.getByRole('form', { name: 'Values of run 0' });
  await form.getByLabel('Title').fill('Beam on target, first look');
  await form.getByLabel('Class').selectOption('Beam');
  await form.getByLabel('Beam energy').fill('10.5');
  await form.getByRole('button', { name: 'Update values' }).click();
  await expect(form.getByRole('status')).toHaveText('✓ Run 0 updated');
  await picture(page, 'shift-run-sheet.png');

  // Stop all asks first, then the files are organized and the routers are clean again.
  await showView(page, 'Status');
  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 0?' }).getByRole('button', { name: 'Stop run 0' }).click();
  await expect(overall(page)).toHaveText('Ready', CHECKS);
  await expect(run(page)).toContainText('Last run: 0', CHECKS);
  await expectRoutersClean(page);
  await showView(page, 'Log');
  await expect(page.getByRole('table', { name: /^Log/ })).toContainText('Organizing the files of run 0 on DataRouter0', CHECKS);
  await expect(page.getByRole('table', { name: /^Log/ })).toContainText('Backing up the configs of run 0 on ECC_mutant', CHECKS);

  // The next run gets the next number.
  await showView(page, 'Status');
  await control(page, 'Start all').click();
  await expect(run(page)).toContainText('Run number1', CHECKS);
  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 1?' }).getByRole('button', { name: 'Stop run 1' }).click();
  await expect(run(page)).toContainText('Last run: 1', CHECKS);

  await showView(page, 'Run sheet');
  const runs = page.getByRole('table', { name: 'Runs of demo' });
  await expect(runs.getByRole('rowheader')).toHaveText(['1', '0']);
  await expect(runs.locator('tr', { hasText: 'Beam on target, first look' })).toContainText('10.5');
});
