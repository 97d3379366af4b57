// Pictures of the main view for the documentation and for review: tests/e2e/screenshots/.
import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { callApi, easySetupInput, expectActiveExperiment, openApp, tableRows } from './support/app';
import { serverForThisFile } from './support/server';

const server = serverForThisFile();
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

test.use({ viewport: { width: 1440, height: 960 } });

test('the main view, dark and light', async ({ page, request }) => {
  expect((await callApi(request, server(), 'experiments.create', { name: 'e20009' })).status).toBe(200);
  expect((await callApi(request, server(), 'setup.easy', easySetupInput())).status).toBe(200);

  await openApp(page, server());
  await expectActiveExperiment(page, 'e20009');
  await expect(tableRows(page, 'Data sources')).toHaveCount(5);
  await page.screenshot({ path: `${SCREENSHOTS}main-view.png`, fullPage: true });

  await page.getByRole('button', { name: 'Light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.screenshot({ path: `${SCREENSHOTS}main-view-light.png`, fullPage: true });
});
