// Signing in: the printed link (with its token) opens the application; without it, nothing.
import { expect, test } from '@playwright/test';
import { callApi, openApp } from './support/app';
import { serverForThisFile } from './support/server';

const server = serverForThisFile();

test('the printed link signs the browser in and opens an empty application', async ({ page, context }) => {
  await openApp(page, server());
  // The token leaves the address bar at once: it lives on only in an HttpOnly cookie.
  expect(new URL(page.url()).search).toBe('');
  const cookies = await context.cookies(server().origin);
  expect(cookies.length).toBeGreaterThan(0);
  expect(cookies.every((cookie) => cookie.httpOnly)).toBe(true);

  await expect(page.getByRole('heading', { name: 'No experiment yet' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'New experiment' }).getByLabel('Experiment name')).toBeEditable();
  await expect(page.getByRole('note', { name: 'Read-only' })).toHaveCount(0);
});

test('a page load without the token is refused', async ({ page }) => {
  const response = await page.goto(`${server().origin}/`);
  expect(response?.status()).toBe(401);
  await expect(page.getByText('This page needs the API token')).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveCount(0);
});

test('a page load with a wrong token is refused', async ({ page }) => {
  const response = await page.goto(`${server().origin}/?token=${'0'.repeat(64)}`);
  expect(response?.status()).toBe(401);
  await expect(page.getByText('This page needs the API token')).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveCount(0);
});

test('the API refuses calls without the token and answers those with it', async ({ request }) => {
  const refused = await callApi(request, server(), 'experiments.list', {}, null);
  expect(refused.status).toBe(401);

  const answered = await callApi(request, server(), 'app.info', {});
  expect(answered.status).toBe(200);
  expect(answered.body).toMatchObject({ ok: true, value: { readOnly: false } });
});
