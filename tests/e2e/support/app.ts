// Steps the specs share, written the way an operator works: by labels and roles, waiting for
// what the application shows.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, request as requests, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { ApiResult } from '../../../src/shared/api/errors';
import { startServer, type RunningServer } from './server';

export type ViewName = 'Status' | 'Run sheet' | 'Notes' | 'Setup' | 'Log' | 'Audit trail' | 'Alarms';

/** Opens the link the server printed, waits until the page is connected, and shows a view (Setup by default). */
export async function openApp(page: Page, server: RunningServer, view: ViewName = 'Setup'): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { level: 1, name: 'AT-TPC DAQ Control' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
  await showView(page, view);
}

/** The About dialog (in the header) says this application's version and the data directory it was given. */
export async function expectAbout(page: Page, dataDir: string): Promise<void> {
  const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  await page.getByRole('button', { name: 'About', exact: true }).click();
  const about = page.getByRole('dialog', { name: 'About AT-TPC DAQ Control' });
  await expect(about.getByRole('definition')).toHaveText([version, dataDir, /^\d+$/]);
  await about.getByRole('button', { name: 'Close' }).click();
  await expect(about).toBeHidden();
}

/** Shows one of the views through its tab, as an operator does. */
export async function showView(page: Page, view: ViewName): Promise<void> {
  const tab = page.getByRole('tab', { name: view, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
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

/** The value of a call that must succeed (fails the test with the server's error otherwise). */
export async function apiValue<T>(request: APIRequestContext, server: RunningServer, op: string, input: unknown): Promise<T> {
  const { status, body } = await callApi(request, server, op, input);
  const result = body as ApiResult<T> | undefined;
  if (!result?.ok) throw new Error(`${op} failed (${status}): ${JSON.stringify(result)}`);
  return result.value;
}

/**
 * Fills a data directory through the API of a writable server of its own, stopped before this
 * returns: one data directory serves one instance at a time, so the server the tests use (e.g. a
 * read-only one) starts on it afterwards.
 */
export async function seedThroughApi(dataDir: string, calls: readonly (readonly [op: string, input: unknown])[]): Promise<void> {
  const writable = await startServer({ dataDir });
  const request = await requests.newContext();
  try {
    for (const [op, input] of calls) await apiValue(request, writable, op, input);
  } finally {
    await request.dispose();
    await writable.stop();
  }
}

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** A picture for the README in tests/e2e/screenshots, without the focus ring the last click left. */
export async function picture(page: Page, name: string, fullPage = true): Promise<void> {
  await page.evaluate('document.activeElement?.blur()');
  await page.screenshot({ path: `${SCREENSHOTS}${name}`, fullPage });
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

/** Opens a dialog with its button (e.g. `Add ECC server…`) and answers the form inside it. */
export async function openDialogForm(page: Page, button: string | RegExp, formName: string): Promise<Locator> {
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  return dialog.getByRole('form', { name: formName });
}

/** The confirmation dialog that is open (remove, import, clear, replace). */
export function confirmation(page: Page): Locator {
  return page.getByRole('alertdialog');
}

/** Every control `controls` matches is disabled; and there is one at least, since an empty match would prove nothing. */
export async function expectAllDisabled(controls: Locator): Promise<void> {
  await expect(controls.first()).toBeVisible();
  for (const control of await controls.all()) await expect(control).toBeDisabled();
}

/** The body row of a setup table whose header cell is `name`. */
export function tableRow(page: Page, caption: string, name: string): Locator {
  return tableRows(page, caption).filter({ has: page.getByRole('rowheader', { name, exact: true }) });
}

export interface SeedLogEntry {
  level: 'debug' | 'info' | 'warning' | 'error';
  source: string;
  subject?: string;
  message: string;
  details?: string;
  experimentId?: number | null;
}

/**
 * Writes log entries straight into a data directory's database, as the application's background
 * jobs would, for pages and filters to have something to show. Only while no server uses the
 * directory: a running server would not know to push them.
 */
export async function seedLogEntries(dataDir: string, entries: readonly SeedLogEntry[]): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(`${dataDir}/daq.sqlite`);
  try {
    const insert = db.prepare(
      'INSERT INTO log_entry (experiment_id, time, level, source, subject, message, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const start = Date.now() - entries.length * 1000;
    db.transaction(() => {
      entries.forEach((entry, i) => {
        insert.run(
          entry.experimentId ?? null,
          new Date(start + i * 1000).toISOString(),
          entry.level,
          entry.source,
          entry.subject ?? '',
          entry.message,
          entry.details ?? '',
        );
      });
    })();
  } finally {
    db.close();
  }
}
