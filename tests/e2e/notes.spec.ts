// Shift notes in a browser, during a real run (simulated ECC servers, Start all): a note written
// from the Status view with the header's Note button, about the run going, appears at once in the
// Notes view of another open screen and under its run in the run sheet; corrected, it stays
// struck through with a link to its correction, and the search finds what was written.
import { userInfo } from 'node:os';
import { expect, request as requests, test, type Locator, type Page } from '@playwright/test';
import { openApp, showView } from './support/app';
import { makeRuns, readyToRun, startRun, type RunRig } from './support/runs';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';

const EXPERIMENT = 'e-notes';

test.describe.configure({ mode: 'serial', timeout: 90_000 });
test.use({ viewport: { width: 1400, height: 1000 } });

let server: RunningServer;
let dataDir: string;
let rig: RunRig | undefined;
let going = -1;

// Run 0 stopped, run 1 going.
test.beforeAll(async () => {
  test.setTimeout(90_000);
  dataDir = await makeDataDir();
  server = await startServer({ dataDir });
  const request = await requests.newContext();
  try {
    rig = await readyToRun(request, server, { experiment: EXPERIMENT });
    await makeRuns(request, server, 1);
    going = await startRun(request, server);
  } finally {
    await request.dispose();
  }
});

test.afterAll(async () => {
  await server?.stop();
  await rig?.close();
  if (dataDir) await removeDataDir(dataDir);
});

const notesList = (page: Page): Locator => page.getByRole('list', { name: 'Shift notes', exact: true });
const note = (scope: Locator, id: number, corrected = false): Locator =>
  scope.getByRole('listitem', { name: `Note ${id}${corrected ? ' (corrected)' : ''}`, exact: true });
const runNotes = (page: Page, run: number): Locator => page.getByRole('list', { name: `Notes of run ${run}`, exact: true });

test('a note written from the Status view during a run is about that run, and every open screen shows it at once', async ({ page, browser }) => {
  // Another screen, already on the Notes view: it must get the note pushed, not reload.
  const monitor = await browser.newPage();
  try {
    await openApp(monitor, server, 'Notes');
    await expect(monitor.getByRole('heading', { level: 2, name: `Shift notes of ${EXPERIMENT}` })).toBeVisible();
    await expect(monitor.getByText('No notes match this search')).toBeVisible();

    await openApp(page, server, 'Status');
    await page.getByRole('button', { name: 'Write a shift note' }).click();
    const form = page.getByRole('dialog').getByRole('form', { name: 'Shift note' });
    // The run going is offered.
    await expect(form.getByLabel('Run number')).toHaveValue(String(going));
    await form.getByLabel('Note').fill('CoBo 2 rate low\nchecking the cable');
    await form.getByRole('button', { name: 'Write note' }).click();
    await expect(page.getByRole('dialog')).toBeHidden();

    const written = note(notesList(monitor), 1);
    await expect(written).toContainText('CoBo 2 rate low');
    await expect(written).toContainText(`run ${going}`);
    await expect(written).toContainText(userInfo().username);

    await showView(page, 'Run sheet');
    await expect(note(runNotes(page, going), 1)).toContainText('checking the cable');
    await expect(runNotes(page, 0)).toHaveCount(0);
  } finally {
    await monitor.close();
  }
});

test('a bad run number is refused at its field, and nothing is written', async ({ page }) => {
  await openApp(page, server, 'Notes');
  await page.getByRole('button', { name: 'Write a shift note' }).click();
  const form = page.getByRole('dialog').getByRole('form', { name: 'Shift note' });
  await form.getByLabel('Note').fill('about a run that never was');
  await form.getByLabel('Run number').fill('42');
  await form.getByRole('button', { name: 'Write note' }).click();
  await expect(form.getByText(`Experiment "${EXPERIMENT}" has no run 42`)).toBeVisible();
  await expect(form.getByLabel('Run number')).toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Escape');
  await expect(notesList(page).getByRole('listitem')).toHaveCount(1);
});

test('a correction is a new note; the corrected one stays, struck through, linked to it, here and in the run sheet', async ({ page }) => {
  await openApp(page, server, 'Notes');
  await page.getByRole('button', { name: 'Correct note 1' }).click();
  const form = page.getByRole('dialog').getByRole('form', { name: 'Correction of note 1' });
  await expect(form.getByLabel('Corrected text')).toHaveValue('CoBo 2 rate low\nchecking the cable');
  await expect(form.getByLabel('Run number')).toHaveValue(String(going));
  await form.getByLabel('Corrected text').fill('CoBo 2 rate normal after a reset');
  await form.getByRole('button', { name: 'Write correction' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();

  const corrected = note(notesList(page), 1, true);
  await expect(corrected.locator('del')).toHaveText('CoBo 2 rate low\nchecking the cable');
  await expect(corrected).toContainText('corrected by note 2');
  await expect(note(notesList(page), 2)).toContainText('corrects note 1');
  // Only a note that stands can be corrected.
  await expect(page.getByRole('button', { name: 'Correct note 1' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Correct note 2' })).toBeEnabled();

  await page.getByLabel('Search').fill('reset');
  await expect(notesList(page).getByRole('listitem')).toHaveCount(1);
  await expect(note(notesList(page), 2)).toBeVisible();
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Run number').fill('0');
  await expect(page.getByText('No notes match this search')).toBeVisible();

  await showView(page, 'Run sheet');
  await expect(note(runNotes(page, going), 1, true).locator('del')).toBeVisible();
  await expect(note(runNotes(page, going), 2)).toContainText('CoBo 2 rate normal after a reset');
});
