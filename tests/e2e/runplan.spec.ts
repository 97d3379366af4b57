// Timed and repeated runs in the browser, on the demo: Start all given "stop after" and "keep
// cycling" shows the plan with its countdown, which runs down; Cancel ends the plan and leaves
// its run going; a run given a short time stops by itself and the plan says it is done.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import { serverForThisFile } from './support/server';

const SERVERS = ['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant'];
const ROUTERS = ['DataRouter0', 'DataRouter1', 'DataRouter2', 'DataRouter3', 'DataRouter_mutant'];
const CHECKS = { timeout: 45_000 };

const server = serverForThisFile();

test.use({ viewport: { width: 1440, height: 960 } });
test.describe.configure({ timeout: 240_000 });

const overall = (page: Page) => page.getByRole('status', { name: 'Overall state' });
const control = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const routers = (page: Page) => page.getByRole('table', { name: /^Data routers/ });
const plan = (page: Page) => page.getByRole('region', { name: /^Run plan #\d+|^Timed or repeated run$/ });
const countdown = (page: Page) => page.getByLabel('Run plan countdown');

async function readyDemo(page: Page): Promise<void> {
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
}

const seconds = (text: string) => text.split(':').reduce((total, part) => total * 60 + Number(part), 0);

test("a timed, cycling run shows its countdown, and Cancel ends the plan while the run goes on", async ({ page }) => {
  await readyDemo(page);
  const form = page.getByRole('form', { name: 'Timed or repeated run' });
  await form.getByLabel('Stop after (H:MM)').fill('0:30');
  await form.getByLabel('Keep cycling (Same as previous)').check();
  await form.getByLabel('Runs in all').fill('3');
  await form.getByRole('button', { name: 'Start all with this plan' }).click();
  await expect(overall(page)).toHaveText('Running', CHECKS);

  await expect(plan(page)).toContainText('stop after 0:30; keep cycling (3 runs in all)');
  await expect(page.getByRole('status', { name: 'What the run plan does' })).toHaveText('Run 0 (run 1 of 3 of the plan) is going', CHECKS);
  await expect(countdown(page)).toHaveText(/^0:[0-2]\d:\d\d$/);
  const first = seconds((await countdown(page).textContent()) ?? '');
  await expect.poll(async () => seconds((await countdown(page).textContent()) ?? ''), { message: 'the countdown runs down' }).toBeLessThan(first);

  await page.getByRole('button', { name: 'Cancel plan' }).click();
  await page.getByRole('alertdialog', { name: 'Cancel the run plan?' }).getByRole('button', { name: 'Cancel the plan' }).click();
  await expect(plan(page)).toContainText(/The plan was cancelled at .+: Cancelled by .+ after 1 run; run 0 goes on until it is stopped/);
  await expect(countdown(page)).toHaveCount(0);
  await expect(overall(page)).toHaveText('Running');

  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 0?' }).getByRole('button', { name: 'Stop run 0' }).click();
  await expect(overall(page)).toHaveText('Ready', CHECKS);
  await plan(page).getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('form', { name: 'Timed or repeated run' })).toBeVisible();
});

test('a run given a few seconds stops by itself, and a time written wrong is refused at its field', async ({ page }) => {
  // The demo of the test before (one server per file), Ready again once run 0's files are organized.
  await openApp(page, server(), 'Status');
  await expect(overall(page)).toHaveText('Ready', CHECKS);
  for (const name of ROUTERS) await expect(routers(page).locator('tr', { hasText: name }).first()).toContainText(/Clean \(0 \.graw files\)/, CHECKS);
  const form = page.getByRole('form', { name: 'Timed or repeated run' });
  await form.getByLabel('Stop after (H:MM)').fill('90 minutes');
  await form.getByRole('button', { name: 'Start all with this plan' }).click();
  await expect(form.getByText('Write the time as H:MM (e.g. 1:30)')).toBeVisible();
  await expect(overall(page)).toHaveText('Ready');

  await form.getByLabel('Stop after (H:MM)').fill('0:00:05');
  await expect(form.getByRole('button', { name: 'Start all with this plan' })).toBeEnabled(CHECKS);
  await form.getByRole('button', { name: 'Start all with this plan' }).click();
  await expect(plan(page)).toContainText(/The plan is done at .+: Run 1 stopped by the plan/, CHECKS);
  await expect(overall(page)).toHaveText('Ready', CHECKS);
});
