// Pushes: what one browser changes, another sees without reloading; a page that loses its
// server says so and catches up when the server is back.
import { expect, test } from '@playwright/test';
import { createExperiment, expectActiveExperiment, openApp, openDialogForm, tableRows } from './support/app';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await makeDataDir();
  server = await startServer({ dataDir });
});

test.afterAll(async () => {
  await server.stop();
  await removeDataDir(dataDir);
});

test('a second browser sees changes made in the first, without reloading', async ({ browser }) => {
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    const a = await first.newPage();
    const b = await second.newPage();
    await openApp(a, server);
    await openApp(b, server);

    await createExperiment(a, 'live-1');
    await expectActiveExperiment(b, 'live-1');

    const add = await openDialogForm(a, 'Add ECC server…', 'Add an ECC server');
    await add.getByLabel('Name', { exact: true }).fill('ECC-live');
    await add.getByLabel('Address', { exact: true }).fill('127.9.0.1');
    await add.getByLabel('Log file').fill('/var/log/ecc.log');
    await add.getByLabel('Config directory', { exact: true }).fill('/home/daq/configs');
    await add.getByLabel('Config backup directory').fill('/home/daq/backup');
    await add.getByRole('button', { name: 'Add ECC server' }).click();

    await expect(tableRows(b, 'ECC servers').filter({ hasText: 'ECC-live' })).toContainText('127.9.0.1');

    // And the other way round: the second switches experiments, the first follows.
    await createExperiment(b, 'live-2');
    await expectActiveExperiment(a, 'live-2');
    await expect(tableRows(a, 'ECC servers')).toHaveText([/No ECC servers yet/]);
  } finally {
    await first.close();
    await second.close();
  }
});

test('a page shows when its server is gone, and reconnects when it is back', async ({ page }) => {
  await openApp(page, server);
  await createExperiment(page, 'reconnect');
  const port = server.port;

  await server.stop();
  const connection = page.getByRole('status', { name: 'Connection' });
  await expect(connection).toHaveText(/Connection lost, reconnecting/);
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeVisible();

  // Same data directory, same token (kept there), same port: the cookie still works.
  server = await startServer({ dataDir, port });
  await expect(connection).toHaveText(/Connected/, { timeout: 20_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toHaveCount(0);

  // The subscriptions were renewed: a change made elsewhere still arrives.
  const response = await page.request.post(`${server.origin}/api/experiments.create`, {
    data: { name: 'after-reconnect' },
    headers: { authorization: `Bearer ${server.token}` },
  });
  expect(response.status()).toBe(200);
  await expectActiveExperiment(page, 'after-reconnect');
});
