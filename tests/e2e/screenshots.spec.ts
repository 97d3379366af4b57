// Pictures for the documentation and for review, in tests/e2e/screenshots/: the setup view
// (setup-view*.png) and the log page, with an easy setup of 4 CoBos and a MuTAnT. (The status
// view and the run sheet during a run are taken by shift.spec.ts, on the demo.)
import { expect, test } from '@playwright/test';
import { callApi, easySetupInput, expectActiveExperiment, openApp, picture, showView, tableRows } from './support/app';
import { serverForThisFile } from './support/server';

const server = serverForThisFile();

test.use({ viewport: { width: 1440, height: 960 } });

test('the setup, dark and light, and the log', async ({ page, request }) => {
  expect((await callApi(request, server(), 'experiments.create', { name: 'e20009' })).status).toBe(200);
  expect((await callApi(request, server(), 'setup.easy', easySetupInput())).status).toBe(200);
  expect((await callApi(request, server(), 'experiments.create', { name: 'e20009-pulser', activate: false })).status).toBe(200);
  expect((await callApi(request, server(), 'sshHosts.set', { host: '127.0.1.100', user: 'daq', identityFile: '~/.ssh/id_ed25519' })).status).toBe(200);

  await openApp(page, server());
  await expectActiveExperiment(page, 'e20009');
  await expect(tableRows(page, 'Data sources')).toHaveCount(5);
  await expect(tableRows(page, 'SSH settings')).toHaveCount(1);
  await picture(page, 'setup-view.png');

  // The background checks of these unreachable loopback servers have logged their failures.
  await showView(page, 'Log');
  await expect(tableRows(page, 'Log').filter({ hasText: 'Cannot read the state of ECC_mutant' })).toHaveCount(1, { timeout: 20_000 });
  await picture(page, 'log-view.png', false);

  await page.getByRole('button', { name: 'Light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await showView(page, 'Setup');
  await expect(tableRows(page, 'Data sources')).toHaveCount(5);
  await picture(page, 'setup-view-light.png');
});
