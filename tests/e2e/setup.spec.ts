// The setup of an experiment, end to end: renderer → HTTP → main → SQLite → push → renderer.
import { expect, test } from '@playwright/test';
import {
  activeExperiment,
  createExperiment,
  expectActiveExperiment,
  form,
  openApp,
  table,
  tableRows,
} from './support/app';
import { serverForThisFile } from './support/server';

const server = serverForThisFile();

test.beforeEach(async ({ page }) => {
  await openApp(page, server());
});

test('an experiment is created and becomes the active one', async ({ page }) => {
  await createExperiment(page, 'e20009');
  await expect(page.getByRole('form', { name: 'New experiment' }).getByRole('status')).toHaveText(
    /Created e20009; it is now the active experiment/,
  );
  for (const caption of ['ECC servers', 'Data routers', 'Data sources']) {
    await expect(tableRows(page, caption)).toHaveText([/No .* yet/]);
  }
});

test('an experiment name the worker computers cannot use is refused at its field', async ({ page }) => {
  await createExperiment(page, 'names-first');
  const create = form(page, 'New experiment');
  await create.getByLabel('Experiment name').fill('my experiment');
  await create.getByRole('button', { name: 'Create experiment' }).click();
  const name = create.getByLabel('Experiment name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/Use letters, digits/);
  await expectActiveExperiment(page, 'names-first');
});

test('easy setup with 4 CoBos and a MuTAnT fills the setup tables', async ({ page }) => {
  await createExperiment(page, 'easy-4-mutant');
  const easy = form(page, 'Easy setup');
  await easy.getByLabel('Number of CoBos').fill('4');
  await easy.getByLabel('First ECC server address').fill('127.0.1.1');
  await easy.getByLabel('First data router address').fill('127.0.2.1');
  await easy.getByLabel('ECC server log file').fill('/var/log/ecc.log');
  await easy.getByLabel('Data router log file').fill('/var/log/dataRouter.log');
  await easy.getByLabel('Config directory', { exact: true }).fill('/home/daq/configs');
  await easy.getByLabel('Config backup directory').fill('/home/daq/configs/backup');
  await easy.getByLabel('Include a MuTAnT').check();
  await easy.getByLabel('MuTAnT ECC server address').fill('127.0.1.100');
  await easy.getByLabel('MuTAnT data router address').fill('127.0.2.100');
  await easy.getByRole('button', { name: 'Create setup' }).click();

  await expect(easy.getByRole('status')).toHaveText(/5 ECC servers, 5 data routers, 5 data sources/);
  await expect(tableRows(page, 'ECC servers').locator('th')).toHaveText(['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant']);
  // Each next CoBo gets the next address.
  await expect(tableRows(page, 'ECC servers').filter({ hasText: 'ECC3' })).toContainText('127.0.1.4');
  await expect(tableRows(page, 'ECC servers').first()).toContainText('8083');
  await expect(tableRows(page, 'Data routers').locator('th')).toHaveText([
    'DataRouter0',
    'DataRouter1',
    'DataRouter2',
    'DataRouter3',
    'DataRouter_mutant',
  ]);
  await expect(tableRows(page, 'Data routers').filter({ hasText: 'DataRouter_mutant' })).toContainText('FDT');
  await expect(tableRows(page, 'Data routers').filter({ hasText: 'DataRouter0' })).toContainText('TCP');
  await expect(tableRows(page, 'Data sources').locator('th')).toHaveText([
    'CoBo[0]',
    'CoBo[1]',
    'CoBo[2]',
    'CoBo[3]',
    'Mutant[master]',
  ]);
  await expect(tableRows(page, 'Data sources').filter({ hasText: 'Mutant[master]' })).toContainText('ECC_mutant');
  await expect(tableRows(page, 'Data sources').filter({ hasText: 'Mutant[master]' })).toContainText('DataRouter_mutant');

  // A second run replaces the setup rather than adding to it.
  await easy.getByLabel('Number of CoBos').fill('2');
  await easy.getByLabel('Include a MuTAnT').uncheck();
  await easy.getByRole('button', { name: 'Replace setup' }).click();
  await expect(tableRows(page, 'Data sources').locator('th')).toHaveText(['CoBo[0]', 'CoBo[1]']);
  await expect(table(page, 'ECC servers')).toHaveAccessibleName('ECC servers (2)');
});

test('an invalid address shows the server’s message at that field and changes nothing', async ({ page }) => {
  await createExperiment(page, 'bad-address');
  const easy = form(page, 'Easy setup');
  await easy.getByLabel('Number of CoBos').fill('2');
  await easy.getByLabel('First ECC server address').fill('127.0.1.300');
  await easy.getByLabel('First data router address').fill('127.0.2.1');
  await easy.getByLabel('ECC server log file').fill('/var/log/ecc.log');
  await easy.getByLabel('Data router log file').fill('/var/log/dataRouter.log');
  await easy.getByLabel('Config directory', { exact: true }).fill('/home/daq/configs');
  await easy.getByLabel('Config backup directory').fill('/home/daq/configs/backup');
  await easy.getByRole('button', { name: 'Create setup' }).click();

  const address = easy.getByLabel('First ECC server address');
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(address).toHaveAccessibleDescription('Not an IP address or host name');
  await expect(easy.getByLabel('First data router address')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);

  // Corrected, the same form goes through and the message goes away.
  await address.fill('127.0.1.30');
  await easy.getByRole('button', { name: 'Create setup' }).click();
  await expect(tableRows(page, 'ECC servers').locator('th')).toHaveText(['ECC0', 'ECC1']);
  await expect(address).not.toHaveAttribute('aria-invalid', 'true');
});

test('an ECC server added by hand appears in the table, with its state not yet known', async ({ page }) => {
  await createExperiment(page, 'by-hand');
  const add = form(page, 'Add an ECC server');
  await add.getByLabel('Name').fill('ECC-spare');
  await add.getByLabel('Address', { exact: true }).fill('daq-worker-7.local');
  await add.getByLabel('Port').fill('8084');
  await add.getByLabel('Log file').fill('/var/log/ecc.log');
  await add.getByLabel('Config directory', { exact: true }).fill('/home/daq/configs');
  await add.getByLabel('Config backup directory').fill('/home/daq/backup');
  await add.getByRole('button', { name: 'Add ECC server' }).click();

  const row = tableRows(page, 'ECC servers').filter({ hasText: 'ECC-spare' });
  await expect(row).toContainText('daq-worker-7.local');
  await expect(row).toContainText('8084');
  await expect(row).toContainText('Not reached');
  await expect(row).toContainText('none selected');
  // Name and address are cleared for the next server; the paths stay.
  await expect(add.getByLabel('Name')).toHaveValue('');
  await expect(add.getByLabel('Log file')).toHaveValue('/var/log/ecc.log');

  await add.getByLabel('Name').fill('ECC-bad-port');
  await add.getByLabel('Address', { exact: true }).fill('127.0.0.9');
  await add.getByLabel('Port').fill('70000');
  await add.getByRole('button', { name: 'Add ECC server' }).click();
  await expect(add.getByLabel('Port')).toHaveAccessibleDescription(/Must be between 1 and 65535/);
});

test('the switcher makes another experiment the active one', async ({ page }) => {
  await createExperiment(page, 'switch-a');
  await createExperiment(page, 'switch-b');
  await activeExperiment(page).selectOption({ label: 'switch-a' });
  await expectActiveExperiment(page, 'switch-a');
  await activeExperiment(page).selectOption({ label: 'switch-b' });
  await expectActiveExperiment(page, 'switch-b');
});

test('the forms are reachable by keyboard', async ({ page }) => {
  await createExperiment(page, 'keyboard');
  await page.getByRole('form', { name: 'New experiment' }).getByLabel('Experiment name').focus();
  await page.keyboard.type('keyboard-2');
  await page.keyboard.press('Enter');
  await expectActiveExperiment(page, 'keyboard-2');
  await activeExperiment(page).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Light theme' })).toBeFocused();
});

test('the theme toggles between dark and light', async ({ page }) => {
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const toggle = page.getByRole('button', { name: 'Light theme' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});
