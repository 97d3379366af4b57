// Steps the specs share, written the way an operator works: by labels and roles, waiting for
// what the application shows.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { ApiResult } from '../../../src/shared/api/errors';
import type { RunningServer } from './server';

/** Opens the link the server printed and waits until the page is connected. */
export async function openApp(page: Page, server: RunningServer): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { level: 1, name: 'AT-TPC DAQ Control' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
}

export function activeExperiment(page: Page): Locator {
  return page.getByRole('combobox', { name: 'Active experiment' });
}

/** The name of the experiment the switcher shows as active. */
export async function expectActiveExperiment(page: Page, name: string): Promise<void> {
  await expect(activeExperiment(page).locator('option:checked')).toHaveText(name);
  await expect(page.getByRole('heading', { level: 2, name: `Setup of ${name}` })).toBeVisible();
}

export function form(page: Page, name: string): Locator {
  return page.getByRole('form', { name });
}

export async function createExperiment(page: Page, name: string): Promise<void> {
  const create = form(page, 'New experiment');
  await create.getByLabel('Experiment name').fill(name);
  await create.getByRole('button', { name: 'Create experiment' }).click();
  await expectActiveExperiment(page, name);
}

export function table(page: Page, caption: string): Locator {
  return page.getByRole('table', { name: new RegExp(`^${caption}`) });
}

/** The body rows of a setup table, e.g. `tableRows(page, 'ECC servers')`. */
export function tableRows(page: Page, caption: string): Locator {
  return table(page, caption).locator('tbody tr');
}

/** Calls the API directly, as a script would, with the token (null: none) in an Authorization header. */
export async function callApi(
  request: APIRequestContext,
  server: RunningServer,
  op: string,
  input: unknown,
  token: string | null = server.token,
): Promise<{ status: number; body: ApiResult<unknown> | undefined }> {
  const response = await request.post(`${server.origin}/api/${op}`, {
    data: input,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  let body: ApiResult<unknown> | undefined;
  try {
    body = (await response.json()) as ApiResult<unknown>;
  } catch {
    body = undefined;
  }
  return { status: response.status(), body };
}

/** A valid easy setup (4 CoBos and a MuTAnT by default), for seeding through the API. */
export function easySetupInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    coboCount: 4,
    eccAddress: '127.0.1.1',
    dataRouterAddress: '127.0.2.1',
    eccLogPath: '/var/log/ecc.log',
    dataRouterLogPath: '/var/log/dataRouter.log',
    configRoot: '/home/daq/configs',
    configBackupRoot: '/home/daq/configs/backup',
    mutant: { eccAddress: '127.0.1.100', dataRouterAddress: '127.0.2.100' },
    ...overrides,
  };
}
