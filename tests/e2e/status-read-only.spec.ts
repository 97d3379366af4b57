// A read-only monitor watches the status view live and can change nothing: every control is
// disabled and says why; looking (the remote log) still works.
import { expect, test } from '@playwright/test';
import { easySetupInput, expectAllDisabled, openApp, seedThroughApi } from './support/app';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';
import { startEasySetupSims, type EasySetupSims } from './support/sims';

const STATE_WAIT = { timeout: 20_000 };
const READ_ONLY = /Read-only connection: nothing can be changed from here/;

let server: RunningServer;
let dataDir: string;
let sims: EasySetupSims;

test.describe.configure({ timeout: 60_000 });

test.beforeAll(async () => {
  // Another range of addresses than status.spec.ts, which may run at the same time.
  sims = await startEasySetupSims({ cobos: 2, mutant: true, first: 21 });
  dataDir = await makeDataDir();
  await seedThroughApi(dataDir, [
    ['experiments.create', { name: 'e-monitor' }],
    ['setup.easy', easySetupInput(sims.easySetup)],
  ]);
  server = await startServer({ dataDir, readOnly: true });
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) await removeDataDir(dataDir);
  await sims?.close();
});

test('a read-only monitor shows the live status with every control disabled', async ({ page }) => {
  await openApp(page, server, 'Status');
  await expect(page.getByRole('note', { name: 'Read-only' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Overall state' })).toHaveText('Idle', STATE_WAIT);
  const table = page.getByRole('table', { name: /^ECC servers/ });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table).toContainText('ECC_mutant');

  for (const name of ['Describe all', 'Prepare all', 'Configure all', 'Bring all to Ready', 'Start all', 'Stop all', 'Reset all']) {
    const button = page.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(READ_ONLY);
  }
  for (const name of ['ECC0', 'ECC1', 'ECC_mutant']) {
    const steps = page.getByRole('group', { name: `Steps of ${name}`, exact: true });
    const buttons = steps.getByRole('button');
    await expect(buttons).toHaveCount(7);
    await expectAllDisabled(buttons);
    await expect(steps.getByRole('button', { name: `Describe ${name}` })).toHaveAccessibleDescription(READ_ONLY);
    await expect(page.getByRole('combobox', { name: `Config set of ${name}` })).toBeDisabled();
    await expect(page.getByRole('button', { name: `Read the config sets of ${name}` })).toBeDisabled();
  }

  // Looking is allowed: the remote log opens (and says why it cannot be read here).
  await page.getByRole('button', { name: 'Remote log of ECC0' }).click();
  const dialog = page.getByRole('dialog', { name: /Log of ECC0/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('alert')).toBeVisible(STATE_WAIT);
  await dialog.getByRole('button', { name: 'Close the log' }).click();
  await expect(dialog).toBeHidden();
});
