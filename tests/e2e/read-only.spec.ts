// A server started with --read-only shows everything and changes nothing.
import { expect, request as requests, test } from '@playwright/test';
import { callApi, easySetupInput, expectActiveExperiment, form, openApp, tableRows } from './support/app';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await makeDataDir();
  // Seed the data with a normal server first; one data directory serves one instance at a time.
  const writable = await startServer({ dataDir });
  const request = await requests.newContext();
  try {
    expect((await callApi(request, writable, 'experiments.create', { name: 'e-watch' })).status).toBe(200);
    expect((await callApi(request, writable, 'setup.easy', easySetupInput())).status).toBe(200);
  } finally {
    await request.dispose();
    await writable.stop();
  }
  server = await startServer({ dataDir, readOnly: true });
});

test.afterAll(async () => {
  await server?.stop();
  await removeDataDir(dataDir);
});

test('a read-only server shows the data with a banner and every form disabled', async ({ page }) => {
  await openApp(page, server);
  await expect(page.getByRole('note', { name: 'Read-only' })).toContainText('Read-only');
  await expectActiveExperiment(page, 'e-watch');
  await expect(tableRows(page, 'ECC servers')).toHaveCount(5);
  await expect(tableRows(page, 'Data sources').locator('th')).toHaveText([
    'CoBo[0]',
    'CoBo[1]',
    'CoBo[2]',
    'CoBo[3]',
    'Mutant[master]',
  ]);

  await expect(page.getByRole('combobox', { name: 'Active experiment' })).toBeDisabled();
  for (const name of ['New experiment', 'Add an ECC server', 'Easy setup']) {
    const each = form(page, name);
    await expect(each.getByRole('button').first()).toBeDisabled();
    for (const input of await each.getByRole('textbox').all()) await expect(input).toBeDisabled();
  }
  await expect(form(page, 'New experiment').getByLabel('Experiment name')).toBeDisabled();
  await expect(form(page, 'Easy setup').getByRole('button', { name: 'Replace setup' })).toBeDisabled();
});

test('a direct change with the token is refused with 403', async ({ request }) => {
  const refused = await callApi(request, server, 'experiments.create', { name: 'sneaky' });
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });

  const read = await callApi(request, server, 'experiments.list', {});
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ ok: true, value: [{ name: 'e-watch', active: true }] });
});
