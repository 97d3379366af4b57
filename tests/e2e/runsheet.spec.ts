// The run sheet in a browser: runs made for real (simulated ECC servers, Start all, Stop all),
// then everything an operator does with them — observables added, checked and reordered by
// keyboard; a run's values updated and seen live in a second browser; a bad value refused at its
// field; Same as previous; the plot; the CSV; and a read-only monitor that changes nothing.
import { readFile } from 'node:fs/promises';
import { expect, request as requests, test, type Locator, type Page } from '@playwright/test';
import { apiValue, callApi, expectAllDisabled, openApp, picture } from './support/app';
import { addObservable, makeRuns, readyToRun, runByNumber, runSheet, startRun, type RunRig } from './support/runs';
import { makeDataDir, removeDataDir, startServer, type RunningServer } from './support/server';

const EXPERIMENT = 'e-sheet';

// One shift's story: each test builds on what the ones before it recorded.
test.describe.configure({ mode: 'serial' });

let server: RunningServer;
let dataDir: string;
let rig: RunRig | undefined;

// Runs 0, 1 and 2 stopped, run 3 going: made once for the file (about two seconds).
test.beforeAll(async () => {
  test.setTimeout(90_000);
  dataDir = await makeDataDir();
  server = await startServer({ dataDir });
  const request = await requests.newContext();
  try {
    rig = await readyToRun(request, server, { experiment: EXPERIMENT });
    await makeRuns(request, server, 3);
    await startRun(request, server);
  } finally {
    await request.dispose();
  }
});

test.afterAll(async () => {
  await server?.stop();
  await rig?.close();
  if (dataDir) await removeDataDir(dataDir);
});

/**
 * Console errors and warnings (a CSP violation is one) and uncaught exceptions of a page. The
 * browser's own line about an API call the server refused (400, 403, 409) is the refusal the
 * page shows, not a problem.
 */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    const refused = /^Failed to load resource: the server responded with a status of (400|403|409) /.test(message.text());
    if ((message.type() === 'error' || message.type() === 'warning') && !refused) problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

let consoleProblems: string[] = [];
test.beforeEach(async ({ page }) => {
  consoleProblems = watchConsole(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
});
test.afterEach(() => {
  expect(consoleProblems, 'the browser console stays clean').toEqual([]);
});

// --- How the sheet is read ----------------------------------------------------------------------

function runsTable(page: Page): Locator {
  return page.getByRole('table', { name: `Runs of ${EXPERIMENT}` });
}

function runRow(page: Page, number: number): Locator {
  return runsTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: `Run ${number}`, exact: true }) });
}

async function columnHeadings(page: Page): Promise<string[]> {
  return (await runsTable(page).locator('thead th').allTextContents()).map((text) => text.trim());
}

/** The cell of a run under a column heading, e.g. `cell(page, 2, 'Beam energy (MeV/u)')`. */
async function cell(page: Page, number: number, heading: string): Promise<Locator> {
  const index = (await columnHeadings(page)).indexOf(heading);
  expect(index, `a column "${heading}"`).toBeGreaterThanOrEqual(0);
  return runRow(page, number).locator('th, td').nth(index);
}

async function expectColumnsEnding(page: Page, headings: string[]): Promise<void> {
  // After the 9 columns every run has (Run … Config, Size, Files, Mean rate).
  await expect
    .poll(async () => (await columnHeadings(page)).slice(9), { message: 'the observable columns' })
    .toEqual(headings);
}

function runForm(page: Page, number: number): Locator {
  return page.getByRole('form', { name: `Values of run ${number}` });
}

async function openRun(page: Page, number: number): Promise<Locator> {
  await runsTable(page).getByRole('button', { name: `Run ${number}`, exact: true }).click();
  await expect(page.getByRole('heading', { level: 3, name: `Run ${number}`, exact: true })).toBeVisible();
  return runForm(page, number);
}

function observableItems(page: Page): Locator {
  return page.getByRole('list', { name: 'Observables in column order' }).getByRole('listitem');
}

async function observableIds(): Promise<Record<string, number>> {
  const request = await requests.newContext();
  try {
    const sheet = await runSheet(request, server);
    return Object.fromEntries(sheet.observables.map((o) => [o.name, o.id]));
  } finally {
    await request.dispose();
  }
}

// --- The tests -----------------------------------------------------------------------------------

test('the runs appear newest first with their numbers, the run going marked as running', async ({ page }) => {
  await openApp(page, server, 'Run sheet');
  await expect(page.getByRole('heading', { level: 2, name: `Run sheet of ${EXPERIMENT}` })).toBeVisible();
  await expect(runsTable(page).locator('tbody th')).toHaveText(['3', '2', '1', '0']);
  expect(await columnHeadings(page)).toEqual(['Run', 'Class', 'Title', 'Start', 'Stop (duration)', 'Config', 'Size', 'Files', 'Mean rate']);
  await expect(await cell(page, 3, 'Stop (duration)')).toContainText(/Running \d+:\d\d:\d\d/);
  await expect(await cell(page, 2, 'Stop (duration)')).toContainText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+:\d\d:\d\d\)$/);
  await expect(await cell(page, 0, 'Config')).toHaveText('experiment');
  await expect(await cell(page, 0, 'Class')).toHaveText('Testing');
  // The newest run is open in the form.
  await expect(runForm(page, 3)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run 3', exact: true })).toHaveAttribute('aria-pressed', 'true');
  // Sorting by run number the other way round.
  await runsTable(page).getByRole('button', { name: 'Run', exact: true }).click();
  await expect(runsTable(page).locator('tbody th')).toHaveText(['0', '1', '2', '3']);
});

test('observables are added through the form, checked as typed, refused at the field by the server, and reordered by keyboard; the columns follow', async ({
  page,
}) => {
  await openApp(page, server, 'Run sheet');
  const add = page.getByRole('form', { name: 'Add an observable' });
  const name = add.getByLabel('Name');

  for (const [observable, type, units, comment] of [
    ['Beam energy', 'Number', 'MeV/u', 'from the cyclotron'],
    ['Target pressure', 'Whole number', 'torr', ''],
    ['Gas', 'Text', '', 'mixture in the chamber'],
  ] as const) {
    await name.fill(observable);
    await add.getByLabel('Type').selectOption({ label: type });
    await add.getByLabel('Units').fill(units);
    await add.getByLabel('Comment').fill(comment);
    await add.getByRole('button', { name: 'Add observable' }).click();
    await expect(observableItems(page).filter({ hasText: observable })).toHaveCount(1);
    await expect(name).toHaveValue('');
  }
  await expect(observableItems(page)).toHaveText([/^Beam energy/, /^Target pressure/, /^Gas/]);
  await expectColumnsEnding(page, ['Beam energy (MeV/u)', 'Target pressure (torr)', 'Gas']);

  // Checked as typed, with the API's rules.
  await name.fill('x');
  await name.fill('');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/Required/);
  // A name already taken is the server's to refuse; it says so at the field.
  await name.fill('Gas');
  await expect(name).not.toHaveAttribute('aria-invalid');
  await add.getByRole('button', { name: 'Add observable' }).click();
  await expect(name).toHaveAccessibleDescription(/already has an observable named "Gas"/);
  await expect(observableItems(page)).toHaveCount(3);
  await name.fill('');
  await expect(name).not.toHaveAccessibleDescription(/already has/);

  // Move Gas up with its button, from the keyboard.
  await page.getByRole('button', { name: 'Move Gas up' }).focus();
  await page.keyboard.press('Enter');
  await expect(observableItems(page)).toHaveText([/^Beam energy/, /^Gas/, /^Target pressure/]);
  await expectColumnsEnding(page, ['Beam energy (MeV/u)', 'Gas', 'Target pressure (torr)']);
  await expect(page.getByRole('button', { name: 'Move Gas up' })).toBeFocused();

  // Drag Beam energy one place down with the keyboard: Space, arrow down, Space.
  const handle = page.getByRole('button', { name: 'Reorder Beam energy' });
  await handle.focus();
  await page.keyboard.press('Space');
  // Picked up, and announced: over its own place at first.
  await expect(page.getByRole('status').filter({ hasText: /Beam energy .*position 1 of 3\./ })).toBeAttached();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('status').filter({ hasText: 'Beam energy is over position 2 of 3.' })).toBeAttached();
  await page.keyboard.press('Space');
  await expect(observableItems(page)).toHaveText([/^Gas/, /^Beam energy/, /^Target pressure/]);
  await expectColumnsEnding(page, ['Gas', 'Beam energy (MeV/u)', 'Target pressure (torr)']);

  // The order is the server's, not only this page's.
  const request = await requests.newContext();
  try {
    expect((await runSheet(request, server)).observables.map((o) => o.name)).toEqual(['Gas', 'Beam energy', 'Target pressure']);
  } finally {
    await request.dispose();
  }
});

test('"Update values" saves a run\'s title, class and measurements, and a second browser sees them live', async ({ page, browser }) => {
  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    const secondProblems = watchConsole(second);
    await openApp(page, server, 'Run sheet');
    await openApp(second, server, 'Run sheet');
    await expect(await cell(second, 2, 'Title')).toHaveText('no title');

    const form = await openRun(page, 2);
    await expect(form.getByRole('button', { name: 'Update values' })).toBeDisabled();
    await form.getByLabel('Title').fill('Beam on target');
    await form.getByLabel('Class').selectOption('Beam');
    await form.getByLabel('Beam energy').fill('10.5');
    await form.getByLabel('Target pressure').fill('200');
    await form.getByLabel('Gas', { exact: true }).fill('He/CO2');
    // The units and the comment are shown with their fields.
    await expect(form.getByLabel('Beam energy')).toHaveAccessibleName('Beam energy (MeV/u)');
    await expect(form.getByLabel('Beam energy')).toHaveAccessibleDescription('from the cyclotron');
    await expect(form.getByRole('status')).toHaveText('Unsaved changes');
    await form.getByRole('button', { name: 'Update values' }).click();
    await expect(form.getByRole('status')).toHaveText('✓ Run 2 updated');

    for (const view of [page, second]) {
      await expect(await cell(view, 2, 'Title')).toHaveText('Beam on target');
      await expect(await cell(view, 2, 'Class')).toHaveText('Beam');
      await expect(await cell(view, 2, 'Beam energy (MeV/u)')).toHaveText('10.5');
      await expect(await cell(view, 2, 'Target pressure (torr)')).toHaveText('200');
      await expect(await cell(view, 2, 'Gas')).toHaveText('He/CO2');
    }
    // The second browser's form shows them too.
    const seen = await openRun(second, 2);
    await expect(seen.getByLabel('Title')).toHaveValue('Beam on target');
    await expect(seen.getByLabel('Beam energy')).toHaveValue('10.5');

    const request = await requests.newContext();
    try {
      const ids = await observableIds();
      expect(await runByNumber(request, server, 2)).toMatchObject({
        title: 'Beam on target',
        runClass: 'Beam',
        measurements: { [ids['Beam energy']!]: 10.5, [ids['Target pressure']!]: 200, [ids.Gas!]: 'He/CO2' },
      });
    } finally {
      await request.dispose();
    }
    expect(secondProblems).toEqual([]);
  } finally {
    await other.close();
  }
});

test('a measurement that does not fit its observable is shown at the field and changes nothing', async ({ page }) => {
  await openApp(page, server, 'Run sheet');
  const form = await openRun(page, 2);
  const energy = form.getByLabel('Beam energy');
  await energy.fill('ten');
  await expect(energy).toHaveAttribute('aria-invalid', 'true');
  await expect(energy).toHaveAccessibleDescription(/Must be a number/);
  const pressure = form.getByLabel('Target pressure');
  await pressure.fill('200.5');
  await expect(pressure).toHaveAccessibleDescription(/Must be a whole number/);
  await form.getByLabel('Title').fill('Not saved');
  await form.getByRole('button', { name: 'Update values' }).click();
  await expect(energy).toBeFocused();
  await expect(form.getByRole('status')).toHaveText('Unsaved changes');

  await expect(await cell(page, 2, 'Beam energy (MeV/u)')).toHaveText('10.5');
  await expect(await cell(page, 2, 'Title')).toHaveText('Beam on target');
  const request = await requests.newContext();
  try {
    expect((await runByNumber(request, server, 2)).title).toBe('Beam on target');
  } finally {
    await request.dispose();
  }
  // Opening another run asks before the typed values are dropped.
  await runsTable(page).getByRole('button', { name: 'Run 1', exact: true }).click();
  const question = page.getByRole('alertdialog', { name: 'Discard the changes to run 2?' });
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toBeHidden();
  await expect(energy).toHaveValue('ten');
  // Discarding brings back what is recorded.
  await form.getByRole('button', { name: 'Discard changes' }).click();
  await expect(energy).toHaveValue('10.5');
  await expect(energy).not.toHaveAttribute('aria-invalid');
});

test('"Same as previous" copies the previous run, and asks first when it would replace values', async ({ page }) => {
  await openApp(page, server, 'Run sheet');
  // The first run has none to copy.
  await openRun(page, 0);
  await expect(runForm(page, 0).getByRole('button', { name: 'Same as previous' })).toBeDisabled();

  // Run 3 is empty: copied at once.
  const form = await openRun(page, 3);
  await form.getByRole('button', { name: 'Same as previous' }).click();
  await expect(form.getByLabel('Title')).toHaveValue('Beam on target');
  await expect(form.getByLabel('Class')).toHaveValue('Beam');
  await expect(form.getByLabel('Beam energy')).toHaveValue('10.5');
  await expect(form.getByLabel('Gas', { exact: true })).toHaveValue('He/CO2');
  await expect(await cell(page, 3, 'Target pressure (torr)')).toHaveText('200');

  // Now it holds values: change one, then Same as previous asks before replacing it.
  await form.getByLabel('Beam energy').fill('11');
  await form.getByRole('button', { name: 'Update values' }).click();
  await expect(await cell(page, 3, 'Beam energy (MeV/u)')).toHaveText('11');
  await form.getByRole('button', { name: 'Same as previous' }).click();
  const question = page.getByRole('alertdialog', { name: 'Replace the values of run 3?' });
  await expect(question).toContainText('replaced by those of run 2');
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toBeHidden();
  await expect(await cell(page, 3, 'Beam energy (MeV/u)')).toHaveText('11');

  await form.getByRole('button', { name: 'Same as previous' }).click();
  await question.getByRole('button', { name: 'Copy run 2' }).click();
  await expect(question).toBeHidden();
  await expect(await cell(page, 3, 'Beam energy (MeV/u)')).toHaveText('10.5');
  await expect(form.getByLabel('Beam energy')).toHaveValue('10.5');
});

test('the plot shows a numeric observable against run number, and follows new values', async ({ page }) => {
  const request = await requests.newContext();
  const ids = await observableIds();
  try {
    for (const [number, energy] of [
      [0, '9.5'],
      [1, '10'],
    ] as const) {
      const run = await runByNumber(request, server, number);
      await apiValue(request, server, 'runs.update', { id: run.id, measurements: { [ids['Beam energy']!]: energy } });
    }
    await openApp(page, server, 'Run sheet');
    const chooser = page.getByLabel('Observable to plot');
    // Text observables cannot be plotted.
    await expect(chooser.locator('option')).toHaveText(['Beam energy (MeV/u)', 'Target pressure (torr)']);
    const figure = page.getByRole('figure', { name: /against run number/ });
    await expect(figure.locator('canvas').first()).toBeVisible();
    const plot = figure.locator('[data-points]');
    await expect(plot).toHaveAttribute('data-observable', 'Beam energy');
    await expect(plot).toHaveAttribute('data-points', '4');
    await expect(figure).toContainText('4 runs have a value for Beam energy, from 9.5 to 10.5 MeV/u.');

    await chooser.selectOption({ label: 'Target pressure (torr)' });
    await expect(plot).toHaveAttribute('data-observable', 'Target pressure');
    await expect(plot).toHaveAttribute('data-points', '2');
    await expect(figure.locator('canvas').first()).toBeVisible();

    // A value recorded elsewhere arrives in the plot.
    const run0 = await runByNumber(request, server, 0);
    await apiValue(request, server, 'runs.update', { id: run0.id, measurements: { [ids['Target pressure']!]: '180' } });
    await expect(plot).toHaveAttribute('data-points', '3');
  } finally {
    await request.dispose();
  }
});

test('an observable is edited in its dialog; a type its values do not fit is refused at the field', async ({ page }) => {
  await openApp(page, server, 'Run sheet');
  await page.getByRole('button', { name: 'Edit Gas' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit Gas' });
  const type = dialog.getByLabel('Type');
  await type.selectOption({ label: 'Whole number' });
  await dialog.getByRole('button', { name: 'Save observable' }).click();
  await expect(type).toHaveAccessibleDescription(/Cannot make "Gas" a whole number: run \d holds "He\/CO2"/);
  await expect(dialog).toBeVisible();

  await type.selectOption({ label: 'Text' });
  await dialog.getByLabel('Name').fill('Gas mixture');
  await dialog.getByLabel('Units').fill('%');
  await dialog.getByRole('button', { name: 'Save observable' }).click();
  await expect(dialog).toBeHidden();
  await expectColumnsEnding(page, ['Gas mixture (%)', 'Beam energy (MeV/u)', 'Target pressure (torr)']);
  await expect(await cell(page, 2, 'Gas mixture (%)')).toHaveText('He/CO2');
});

test('removing an observable asks first, and says when its values go with it', async ({ page }) => {
  const request = await requests.newContext();
  try {
    await addObservable(request, server, { name: 'Scratch', valueType: 'integer' });
    const spare = await addObservable(request, server, { name: 'Spare', valueType: 'float' });
    const run1 = await runByNumber(request, server, 1);
    await apiValue(request, server, 'runs.update', { id: run1.id, measurements: { [spare.id]: '1.5' } });
    await openApp(page, server, 'Run sheet');

    await page.getByRole('button', { name: 'Remove Scratch' }).click();
    const plain = page.getByRole('alertdialog', { name: 'Remove Scratch?' });
    await expect(plain).toContainText('Scratch holds no values');
    await plain.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(plain).toBeHidden();
    await expect(observableItems(page).filter({ hasText: 'Scratch' })).toHaveCount(0);

    await page.getByRole('button', { name: 'Remove Spare' }).click();
    const withValues = page.getByRole('alertdialog', { name: 'Remove Spare?' });
    await expect(withValues).toContainText('Spare holds values in 1 run');
    await withValues.getByRole('button', { name: 'Cancel' }).click();
    await expect(await cell(page, 1, 'Spare')).toHaveText('1.5');
    await page.getByRole('button', { name: 'Remove Spare' }).click();
    await withValues.getByRole('button', { name: 'Remove with its values' }).click();
    await expect(withValues).toBeHidden();
    await expectColumnsEnding(page, ['Gas mixture (%)', 'Beam energy (MeV/u)', 'Target pressure (torr)']);
  } finally {
    await request.dispose();
  }
});

test('"Export CSV" downloads the sheet exactly as the API writes it', async ({ page }) => {
  await openApp(page, server, 'Run sheet');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${EXPERIMENT}-run-sheet.csv`);
  const content = await readFile(await download.path(), 'utf8');

  const request = await requests.newContext();
  try {
    const exported = await apiValue<{ fileName: string; csv: string }>(request, server, 'runSheet.exportCsv', {});
    expect(content).toBe(exported.csv);
  } finally {
    await request.dispose();
  }
  const lines = content.trimEnd().split('\r\n');
  expect(lines[0]).toBe('Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),Gas mixture (%),Beam energy (MeV/u),Target pressure (torr),Notes');
  expect(lines).toHaveLength(5);
  expect(lines[3]).toMatch(/^2,Beam,Beam on target,[^,]+,[^,]+,experiment,,,,,He\/CO2,10\.5,200,$/);
  await expect(page.getByRole('status').filter({ hasText: `Exported ${EXPERIMENT}-run-sheet.csv` })).toBeVisible();
});

test('screenshot: the run sheet with a few runs and measurements', async ({ page }) => {
  const request = await requests.newContext();
  try {
    const ids = await observableIds();
    const run1 = await runByNumber(request, server, 1);
    await apiValue(request, server, 'runs.update', {
      id: run1.id,
      title: 'Pulser calibration',
      runClass: 'Pulser',
      measurements: { [ids['Gas mixture']!]: 'He/CO2', [ids['Target pressure']!]: '195' },
    });
    const run0 = await runByNumber(request, server, 0);
    await apiValue(request, server, 'runs.update', { id: run0.id, title: 'Noise check, beam off', runClass: 'Testing' });
  } finally {
    await request.dispose();
  }
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openApp(page, server, 'Run sheet');
  await openRun(page, 3);
  await expect(page.getByRole('figure', { name: /against run number/ }).locator('[data-points="4"]')).toBeVisible();
  await picture(page, 'run-sheet.png');
});

test('a read-only monitor shows the whole sheet and can change nothing', async ({ page }) => {
  const request = await requests.newContext();
  const before = await runSheet(request, server);
  // One data directory serves one server at a time: the same data, now read-only.
  await server.stop();
  server = await startServer({ dataDir, readOnly: true });
  try {
    await openApp(page, server, 'Run sheet');
    await expect(page.getByRole('note', { name: 'Read-only' })).toBeVisible();
    await expect(runsTable(page).locator('tbody th')).toHaveText(['3', '2', '1', '0']);
    await expect(await cell(page, 2, 'Beam energy (MeV/u)')).toHaveText('10.5');
    await expect(page.getByRole('figure', { name: /against run number/ }).locator('canvas').first()).toBeVisible();

    // Looking around is allowed: another run, another plot, the CSV.
    const form = await openRun(page, 2);
    await expect(form.getByLabel('Title')).toHaveValue('Beam on target');
    await expect(page.getByLabel('Observable to plot')).toBeEnabled();
    await expect(page.getByRole('button', { name: 'Export CSV' })).toBeEnabled();

    // Changing is not: every field and every button that would change something is disabled.
    await expectAllDisabled(form.locator('input, select'));
    for (const name of ['Update values', 'Same as previous', 'Discard changes']) await expect(form.getByRole('button', { name })).toBeDisabled();
    await expectAllDisabled(page.getByRole('form', { name: 'Add an observable' }).locator('input, select, button'));
    for (const observable of ['Gas mixture', 'Beam energy', 'Target pressure']) {
      for (const name of [`Reorder ${observable}`, `Move ${observable} up`, `Move ${observable} down`, `Edit ${observable}`, `Remove ${observable}`]) {
        await expect(page.getByRole('button', { name })).toBeDisabled();
      }
    }
    // And the keyboard cannot pick up an observable either: the handle takes no focus, and the
    // keys of a keyboard drag sent to it anyway (Space, arrow down, Space) start none: nothing is
    // announced, nothing is asked of the server.
    const handle = page.getByRole('button', { name: 'Reorder Beam energy' });
    await handle.focus();
    await expect(handle).not.toBeFocused();
    for (const [key, code] of [[' ', 'Space'], ['ArrowDown', 'ArrowDown'], [' ', 'Space']] as const) {
      await handle.dispatchEvent('keydown', { key, code });
    }
    await expect(page.getByRole('status').filter({ hasText: /Picked up|over position|dropped|cancelled/ })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Observables', exact: true }).getByRole('alert')).toHaveCount(0);
    await expect(observableItems(page)).toHaveText([/^Gas mixture/, /^Beam energy/, /^Target pressure/]);

    expect((await callApi(request, server, 'runs.update', { id: before.runs[0]!.id, title: 'sneaky' })).status).toBe(403);
    expect(await runSheet(request, server)).toEqual(before);
  } finally {
    await request.dispose();
  }
});
