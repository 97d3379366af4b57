// A server started with --read-only shows everything and changes nothing.
import { expect, test } from '@playwright/test';
import {
  callApi,
  easySetupInput,
  expectActiveExperiment,
  expectAllDisabled,
  form,
  openApp,
  seedThroughApi,
  showView,
  tableRow,
  tableRows,
} from './support/app';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await makeDataDir();
  await seedThroughApi(dataDir, [
    ['experiments.create', { name: 'e-watch' }],
    ['setup.easy', easySetupInput()],
    ['experiments.create', { name: 'e-later', activate: false }],
    ['sshHosts.set', { host: '127.0.1.1', user: 'daq', port: 2222 }],
  ]);
  server = await startServer({ dataDir, readOnly: true });
});

test.afterAll(async () => {
  await server?.stop();
  await removeDataDir(dataDir);
});

test('a read-only server shows the whole setup with a banner, and every control that changes it disabled', async ({ page }) => {
  await openApp(page, server);
  await expect(page.getByRole('note', { name: 'Read-only' })).toContainText('Read-only');
  await expectActiveExperiment(page, 'e-watch');
  await expect(tableRows(page, 'ECC servers')).toHaveCount(5);
  await expect(tableRow(page, 'ECC servers', 'ECC0')).toContainText('/home/daq/configs/backup');
  await expect(tableRows(page, 'Data routers')).toHaveCount(5);
  await expect(tableRows(page, 'Data sources').locator('th')).toHaveText([
    'CoBo[0]',
    'CoBo[1]',
    'CoBo[2]',
    'CoBo[3]',
    'Mutant[master]',
  ]);
  await expect(tableRow(page, 'SSH settings', '127.0.1.1')).toContainText('daq');
  await expect(tableRows(page, 'Experiments').locator('th')).toHaveText(['e-later', 'e-watch']);

  await expect(page.getByRole('combobox', { name: 'Active experiment' })).toBeDisabled();
  for (const name of ['Add ECC server…', 'Add data router…', 'Add data source…', 'Switch to e-later', 'Rename e-watch', 'Rename e-later']) {
    await expect(page.getByRole('button', { name })).toBeDisabled();
  }
  // Every row's Edit and Remove: 5 + 5 + 5 + 1 of each.
  const rowButtons = page.getByRole('button', { name: /^(Edit|Remove) / });
  await expect(rowButtons).toHaveCount(32);
  await expectAllDisabled(rowButtons);
  // Every field of every form (the SSH form's address field is a combobox: it suggests addresses).
  for (const name of ['New experiment', 'Easy setup', 'SSH settings for a worker computer']) {
    await expectAllDisabled(form(page, name).locator('input, select, button'));
  }
  await expect(form(page, 'Easy setup').getByRole('button', { name: 'Replace setup' })).toBeDisabled();
  await expect(page.getByLabel('Setup file to import')).toBeDisabled();
  // Reading is not changing: the setup can still be saved to a file.
  await expect(page.getByRole('button', { name: 'Export setup' })).toBeEnabled();

  // The log can be read and filtered, not cleared; the audit trail shows who set this up.
  await showView(page, 'Log');
  await expect(page.getByRole('button', { name: 'Clear the log…' })).toBeDisabled();
  await expect(page.getByLabel('Source')).toBeEnabled();
  await showView(page, 'Audit trail');
  await expect(tableRows(page, 'Audit trail').filter({ hasText: 'setup.easy' })).toContainText('ok');
});

test('a direct change with the token is refused with 403', async ({ request }) => {
  const refused = await callApi(request, server, 'experiments.create', { name: 'sneaky' });
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });

  const read = await callApi(request, server, 'experiments.list', {});
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ ok: true, value: [{ name: 'e-later', active: false }, { name: 'e-watch', active: true }] });
});
