// The log and audit pages: the log newest first, a page at a time, filtered by level, source and
// experiment, cleared after a confirmation, live; the audit trail of what was just done, with
// the OS user and where it came from, filtered by action.
import { userInfo } from 'node:os';
import { expect, test, type Page } from '@playwright/test';
import { callApi, confirmation, openApp, seedLogEntries, seedThroughApi, showView, table, tableRows, type SeedLogEntry } from './support/app';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';

const LEVELS = ['info', 'warning', 'error', 'debug'] as const;
const SOURCES = ['ecc', 'ssh', 'runs'] as const;
const COUNT = 120;

let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await makeDataDir();
  // Two experiments made through the API, then 120 entries written while no server runs: entry
  // i has level LEVELS[i % 4], source SOURCES[i % 3], and belongs to e-log (even i) or e-other.
  await seedThroughApi(dataDir, [
    ['experiments.create', { name: 'e-log' }],
    ['experiments.create', { name: 'e-other', activate: false }],
  ]);
  const entries: SeedLogEntry[] = Array.from({ length: COUNT }, (_, i) => ({
    level: LEVELS[i % 4] as SeedLogEntry['level'],
    source: SOURCES[i % 3] as string,
    subject: `ECC${i % 5}`,
    message: `Entry ${i}`,
    details: i % 10 === 0 ? `Details of entry ${i}` : '',
    experimentId: i % 2 === 0 ? 1 : 2,
  }));
  await seedLogEntries(dataDir, entries);
  server = await startServer({ dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  await removeDataDir(dataDir);
});

function logRows(page: Page) {
  return tableRows(page, 'Log');
}

/** The text of one column of the log table, row by row. */
async function column(page: Page, index: number): Promise<string[]> {
  return (await logRows(page).locator(`td:nth-child(${index})`).allTextContents()).map((text) => text.trim());
}

function pager(page: Page) {
  return page.getByRole('navigation', { name: 'Pages of the log entries' });
}

test('the log shows the newest entries first, a page at a time', async ({ page }) => {
  await openApp(page, server, 'Log');
  await page.getByLabel('Entries per page').selectOption('25');
  await expect(pager(page).getByRole('status')).toHaveText('Page 1 · Log entries 1–25, the newest (live)');
  await expect(logRows(page)).toHaveCount(25);
  await expect(logRows(page).first()).toContainText('Entry 119');
  await expect(pager(page).getByRole('button', { name: 'Newer' })).toBeDisabled();

  await pager(page).getByRole('button', { name: 'Older' }).click();
  await expect(pager(page).getByRole('status')).toHaveText('Page 2 · Log entries 26–50');
  await expect(logRows(page).first()).toContainText('Entry 94');
  for (const n of [3, 4, 5]) {
    await pager(page).getByRole('button', { name: 'Older' }).click();
    await expect(pager(page).getByRole('status')).toContainText(`Page ${n} ·`);
  }
  await expect(pager(page).getByRole('status')).toHaveText('Page 5 · Log entries 101–120');
  await expect(logRows(page)).toHaveCount(20);
  await expect(logRows(page).last()).toContainText('Entry 0');
  await expect(pager(page).getByRole('button', { name: 'Older' })).toBeDisabled();

  await pager(page).getByRole('button', { name: 'Newer' }).click();
  await expect(pager(page).getByRole('status')).toHaveText('Page 4 · Log entries 76–100');
  await pager(page).getByRole('button', { name: 'Newest' }).click();
  await expect(pager(page).getByRole('status')).toHaveText('Page 1 · Log entries 1–25, the newest (live)');

  // Sorting orders the page shown: by level, errors first.
  const level = table(page, 'Log').getByRole('columnheader', { name: 'Level' });
  await level.getByRole('button').click();
  await expect(level).toHaveAttribute('aria-sort', 'descending');
  await expect(logRows(page).first().locator('td:nth-child(2)')).toHaveText('Error');
  await expect(logRows(page).last().locator('td:nth-child(2)')).toHaveText('Debug');

  // Details open under their message.
  await page.getByText('Entry 110', { exact: true }).click();
  await expect(page.getByText('Details of entry 110')).toBeVisible();
});

test('the log is filtered by level, source and experiment', async ({ page }) => {
  await openApp(page, server, 'Log');
  const levels = page.getByRole('group', { name: 'Levels' });
  for (const name of ['Info', 'Warning', 'Debug']) await levels.getByRole('checkbox', { name }).uncheck();
  // Every fourth entry is an error: 30 of them, on one page of 50.
  await expect(logRows(page)).toHaveCount(30);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));
  await expect(pager(page).getByRole('status')).toHaveText('Page 1 · Log entries 1–30, the newest (live)');

  await page.getByLabel('Source').selectOption('ssh');
  await expect(logRows(page)).toHaveCount(10);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));
  expect(new Set(await column(page, 3))).toEqual(new Set(['ssh']));

  // Those ten all belong to e-log.
  await page.getByLabel('Experiment', { exact: true }).selectOption({ label: 'e-other' });
  await expect(logRows(page)).toHaveText([/No log entries match these filters/]);
  await page.getByLabel('Experiment', { exact: true }).selectOption({ label: 'e-log (active)' });
  await expect(logRows(page)).toHaveCount(10);

  // Warnings and errors of every experiment: 60, so a second page.
  await levels.getByRole('checkbox', { name: 'Warning' }).check();
  await page.getByLabel('Source').selectOption('');
  await page.getByLabel('Experiment', { exact: true }).selectOption('');
  await expect(logRows(page)).toHaveCount(50);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Warning', 'Error']));
  await pager(page).getByRole('button', { name: 'Older' }).click();
  await expect(pager(page).getByRole('status')).toHaveText('Page 2 · Log entries 51–60');
});

test('the log is cleared, an experiment’s or all of it, after a confirmation', async ({ page }) => {
  await openApp(page, server, 'Log');
  await page.getByLabel('Experiment', { exact: true }).selectOption({ label: 'e-other' });
  await expect(logRows(page)).toHaveCount(50);

  await page.getByRole('button', { name: 'Clear the log…' }).click();
  await expect(confirmation(page)).toContainText('Clear the log of e-other?');
  await confirmation(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(logRows(page)).toHaveCount(50);

  await page.getByRole('button', { name: 'Clear the log…' }).click();
  await confirmation(page).getByRole('button', { name: 'Clear the log' }).click();
  await expect(page.getByRole('region', { name: 'Log' }).getByRole('status').first()).toHaveText('✓ Cleared 60 log entries.');
  await expect(logRows(page)).toHaveText([/No log entries match these filters/]);

  await page.getByLabel('Experiment', { exact: true }).selectOption('');
  await expect(logRows(page)).toHaveCount(50);
  await page.getByRole('button', { name: 'Clear the log…' }).click();
  await expect(confirmation(page)).toContainText('Clear the whole log?');
  await confirmation(page).getByRole('button', { name: 'Clear the log' }).click();
  await expect(page.getByRole('region', { name: 'Log' }).getByRole('status').first()).toHaveText('✓ Cleared 60 log entries.');
  await expect(logRows(page)).toHaveText([/No log entries match these filters/]);
});

test('what the application logs appears on the first page as it happens', async ({ page, request }) => {
  await openApp(page, server, 'Log');
  // An ECC server nobody answers for: the state refresh in the background logs its failure.
  const added = await callApi(request, server, 'eccServers.add', {
    name: 'ECC-silent',
    address: '127.0.6.1',
    port: 9,
    logPath: '/var/log/ecc.log',
    configRoot: '/home/daq/configs',
    configBackupRoot: '/home/daq/backup',
  });
  expect(added.status).toBe(200);
  const entry = logRows(page).filter({ hasText: 'Cannot read the state of ECC-silent' });
  await expect(entry).toHaveCount(1, { timeout: 20_000 });
  await expect(entry.locator('td:nth-child(2)')).toHaveText('Error');
  await expect(entry.locator('td:nth-child(3)')).toHaveText('ecc');
  await expect(page.getByLabel('Source').locator('option', { hasText: 'ecc' })).toHaveCount(1);
});

test('the audit trail shows what was just done, by whom and from where, and filters by action', async ({ page }) => {
  await openApp(page, server, 'Setup');
  // One accepted change and one refused, both from this browser.
  const ssh = page.getByRole('form', { name: 'SSH settings for a worker computer' });
  await ssh.getByLabel('Worker computer').fill('127.0.7.1');
  await ssh.getByLabel('SSH user').fill('daq');
  await ssh.getByRole('button', { name: 'Save SSH settings' }).click();
  await expect(tableRows(page, 'SSH settings').filter({ hasText: '127.0.7.1' })).toBeVisible();
  const create = page.getByRole('form', { name: 'New experiment' });
  await create.getByLabel('Experiment name').fill('e-log');
  await create.getByRole('button', { name: 'Create experiment' }).click();
  await expect(create.getByLabel('Experiment name')).toHaveAttribute('aria-invalid', 'true');

  await showView(page, 'Audit trail');
  const rows = tableRows(page, 'Audit trail');
  const refused = rows.first();
  await expect(refused).toContainText('experiments.create');
  await expect(refused).toContainText('CONFLICT: An experiment named "e-log" already exists');
  const saved = rows.nth(1);
  await expect(saved).toContainText('sshHosts.set');
  await expect(saved).toContainText('127.0.7.1');
  await expect(saved).toContainText('ok');
  for (const row of [refused, saved]) {
    await expect(row.locator('td:nth-child(2)')).toHaveText(userInfo().username);
    await expect(row.locator('td:nth-child(3)')).toHaveText('http 127.0.0.1');
  }

  await page.getByLabel('Action').selectOption('log.clear');
  await expect(rows).toHaveCount(2);
  await expect(rows.locator('td:nth-child(4)')).toHaveText(['log.clear', 'log.clear']);
  await expect(rows.locator('td:nth-child(5)')).toHaveText(['the whole log', 'log of "e-other"']);

  await page.getByLabel('Action').selectOption('sshHosts.remove');
  await expect(rows).toHaveText([/No actions recorded match this filter/]);
  await page.getByLabel('Action').selectOption('');
  await expect(rows.first()).toContainText('experiments.create');
});
