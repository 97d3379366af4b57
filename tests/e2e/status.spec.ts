// The status view against real ECC simulators: the states shown, a shift's controls through the
// buttons (Bring all to Ready, Start all, Stop all with its confirmation), controls disabled with
// their reason, a failing server's error where the operator looks, and the notifications. The
// data routers have no SSH here: their checks fail, and the view says so.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { callApi, easySetupInput, openApp, picture } from './support/app';
import { overrideChecklist } from './support/runs';
import { serverForThisFile } from './support/server';
import { startEasySetupSims, type EasySetupSims } from './support/sims';

const SERVERS = ['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant'];
/** States are read every 5 s, faster during a step; a loaded machine adds its share. */
const STATE_WAIT = { timeout: 20_000 };

const server = serverForThisFile();
let sims: EasySetupSims;

test.describe.configure({ mode: 'serial', timeout: 90_000 });
test.use({ viewport: { width: 1440, height: 960 } });

test.beforeAll(async ({ request }) => {
  sims = await startEasySetupSims({ cobos: 4, mutant: true, stepMs: 250, stepDurations: { Configure: 1000 } });
  expect((await callApi(request, server(), 'experiments.create', { name: 'e-status' })).status).toBe(200);
  expect((await callApi(request, server(), 'setup.easy', easySetupInput(sims.easySetup))).status).toBe(200);
});

test.afterAll(async () => {
  await sims?.close();
});

// --- What the operator looks at --------------------------------------------------------------

const overall = (page: Page) => page.getByRole('status', { name: 'Overall state' });
const eccTable = (page: Page) => page.getByRole('table', { name: /^ECC servers/ });
const routerTable = (page: Page) => page.getByRole('table', { name: /^Data routers/ });
/** The row of one ECC server (found by its group of step buttons). */
const serverRow = (page: Page, name: string) =>
  eccTable(page).locator('tr').filter({ has: page.getByRole('group', { name: `Steps of ${name}`, exact: true }) });
/** One ECC server's cell under `heading` (e.g. State): the cell itself, not text anywhere in the row. */
async function serverCell(page: Page, name: string, heading: string): Promise<Locator> {
  await expect(eccTable(page).getByRole('columnheader', { name: heading, exact: true })).toBeVisible();
  const headings = (await eccTable(page).locator('thead th').allTextContents()).map((text) => text.trim());
  const index = headings.indexOf(heading);
  expect(index, `a column "${heading}" in ${JSON.stringify(headings)}`).toBeGreaterThanOrEqual(0);
  return serverRow(page, name).locator('th, td').nth(index);
}
const control = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const notification = (page: Page, text: string) => page.getByRole('alert').filter({ hasText: text });

async function expectAllServers(page: Page, state: string): Promise<void> {
  await expect(overall(page)).toHaveText(state, STATE_WAIT);
  // The whole State cell: a step under way ("— Configure under way") is not there yet.
  for (const name of SERVERS) await expect(await serverCell(page, name, 'State')).toHaveText(state);
}

async function chooseConfigSet(page: Page, name: string, label: string): Promise<void> {
  // Opening the chooser reads the list from the ECC server; the sets appear as they arrive.
  await page.getByRole('combobox', { name: `Config set of ${name}` }).click();
  await page.getByRole('option', { name: label }).click();
  await expect(page.getByRole('combobox', { name: `Config set of ${name}` })).toHaveText(label);
}

// --- The tests -------------------------------------------------------------------------------

test('the overall state and every ECC server are shown, with the reason each control is disabled', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAllServers(page, 'Idle');
  for (const name of SERVERS) await expect(await serverCell(page, name, 'Answers')).toHaveText('Answers');
  await expect(serverRow(page, 'ECC_mutant').getByRole('rowheader')).toContainText('MuTAnT');
  await expect(serverRow(page, 'ECC0').getByRole('rowheader')).not.toContainText('MuTAnT');
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('No run going');

  // Nothing selected yet: every control on all servers is off and says why.
  await expect(control(page, 'Bring all to Ready')).toBeDisabled();
  await expect(control(page, 'Bring all to Ready')).toHaveAccessibleDescription(
    /needs a selected config set; ECC0, ECC1, ECC2, ECC3, ECC_mutant have none/,
  );
  await expect(control(page, 'Describe all')).toBeDisabled();
  await expect(control(page, 'Prepare all')).toHaveAccessibleDescription(/Prepare all needs every ECC server Described; they are Idle/);
  await expect(control(page, 'Start all')).toBeDisabled();
  await expect(control(page, 'Start all')).toHaveAccessibleDescription(/Start all needs every ECC server Ready; ECC0, ECC1, ECC2, ECC3, ECC_mutant are Idle/);
  await expect(control(page, 'Stop all')).toHaveAccessibleDescription(/No run is going/);
  await expect(control(page, 'Reset all')).toHaveAccessibleDescription(/Idle: there is no step back/);
  await expect(page.getByRole('button', { name: 'Describe ECC0' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Describe ECC0' })).toHaveAccessibleDescription(/no selected config set/);

  // No SSH at the data routers' addresses: each computer is one problem, said once with why,
  // and its programs' rows say only that their computer does not answer.
  await expect(routerTable(page).getByRole('rowheader')).toHaveCount(5);
  const down = page.getByRole('region', { name: /^Worker computers not answering/ });
  await expect(down).toContainText(/127\.0\.2\.1 cannot be reached \(\w+, [\d:]+\): \S/, STATE_WAIT);
  await expect(routerTable(page).locator('tr', { hasText: 'DataRouter0' })).toContainText(/Not known, computer not answering/);

  // The remote log cannot be read either: the dialog says so instead of failing.
  await page.getByRole('button', { name: 'Remote log of DataRouter0' }).click();
  const dialog = page.getByRole('dialog', { name: /Log of DataRouter0/ });
  await expect(dialog.getByRole('alert')).toContainText(/cannot|Cannot/, STATE_WAIT);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('config sets are chosen from the list the ECC server gives', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAllServers(page, 'Idle');
  for (const name of SERVERS) await chooseConfigSet(page, name, 'cobo0/experiment/experiment');
  await expect(control(page, 'Bring all to Ready')).toBeEnabled();
  await expect(control(page, 'Bring all to Ready')).toHaveAccessibleDescription(/Describe, Prepare, Configure in turn/);
  await expect(page.getByRole('button', { name: 'Describe ECC0' })).toBeEnabled();
});

test('a shift through the buttons: Bring all to Ready, Start all, Stop all after confirming', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAllServers(page, 'Idle');
  // ECC0 configures its boards long enough for its busy indicator to be seen.
  sims.byName('ECC0').set({ stepDurations: { Configure: 4000 } });

  await control(page, 'Bring all to Ready').click();
  await expect(page.getByRole('status', { name: 'Operation under way' })).toContainText('Bring all to Ready under way');
  // While a step runs, the row says which one (and every control waits).
  await expect(await serverCell(page, 'ECC0', 'State')).toHaveText(/^Prepared — Configure under way$/, STATE_WAIT);
  await expect(control(page, 'Start all')).toHaveAccessibleDescription(/Bring all to Ready is under way/);
  await expectAllServers(page, 'Ready');
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText('Bring all to Ready: done');
  sims.byName('ECC0').set({ stepDurations: { Configure: 1000 } });

  // The routers cannot be checked here: their checklist items are not known, and Start all waits.
  const checklist = page.getByRole('list', { name: 'Start all checklist' });
  await expect(checklist.getByRole('listitem', { name: 'ECC0 answering, Ready, with a selected config set: Passed' })).toBeVisible();
  const processItem = checklist.getByRole('listitem', { name: /^DataRouter0: its dataRouter runs, listening on port \d+: Not known$/ });
  await expect(processItem).toBeVisible(STATE_WAIT);
  await expect(control(page, 'Start all')).toBeDisabled();
  await expect(control(page, 'Start all')).toHaveAccessibleDescription(/Start all waits for its checklist \(\d+ not known\)/);
  // One override through the interface, with its reason; it shows who gave it.
  await processItem.getByRole('button', { name: /^Override DataRouter0/ }).click();
  await processItem.getByLabel('Why start without it?').fill('router checked on its console');
  await processItem.getByRole('button', { name: 'Override', exact: true }).click();
  await expect(checklist.getByRole('listitem', { name: /^DataRouter0: its dataRouter runs, listening on port \d+: Not known, overridden$/ })).toContainText(
    'router checked on its console',
  );
  await overrideChecklist(page.request, server());
  await expect(control(page, 'Start all')).toBeEnabled();
  await control(page, 'Start all').click();
  await expectAllServers(page, 'Running');
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run).toContainText('Run number0', STATE_WAIT);
  await expect(run).toContainText('e-status');
  // The duration ticks on the page's own clock.
  const duration = run.getByRole('timer', { name: 'Run duration' });
  await expect(duration).toHaveText(/^0:00:\d\d$/);
  const first = await duration.textContent();
  await expect.poll(() => duration.textContent(), { timeout: 5_000 }).not.toBe(first);

  await expect(control(page, 'Reset all')).toHaveAccessibleDescription(/refused while run 0 is going/);
  await picture(page, 'status-view.png');

  // Stop all asks first; Cancel changes nothing.
  await control(page, 'Stop all').click();
  const confirm = page.getByRole('alertdialog', { name: 'Stop run 0?' });
  await expect(confirm).toContainText('the MuTAnT first, then the CoBos');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(overall(page)).toHaveText('Running');

  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 0?' }).getByRole('button', { name: 'Stop run 0' }).click();
  await expectAllServers(page, 'Ready');
  await expect(run).toContainText('No run going', STATE_WAIT);
  await expect(run).toContainText('Last run: 0');
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText('Stop all: done');
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText('Run 0 stopped');
});

test("a failing ECC server: its error in its row, in the report and in a notification", async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAllServers(page, 'Ready');
  await control(page, 'Reset all').click();
  await expectAllServers(page, 'Prepared');

  const message = 'CoBo[2]: AsAd 1 does not answer (is it powered?)';
  sims.byName('ECC2').set({ failStep: { step: 'Configure', message } });
  await control(page, 'Configure all').click();

  await expect(notification(page, 'Step failed on ECC2')).toContainText(message, STATE_WAIT);
  await expect(eccTable(page)).toContainText(`Last error of ECC2 (step`);
  await expect(eccTable(page)).toContainText(message);
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText('Configure all failed');
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText(`ECC2 at Configure`);
  // The CoBos went first; the MuTAnT waits for all of them, so it is still Prepared.
  await expect(overall(page)).toHaveText('Mixed', STATE_WAIT);
  await expect(control(page, 'Start all')).toHaveAccessibleDescription(
    'Not now: Start all needs every ECC server Ready; ECC2, ECC_mutant are Prepared',
  );
  await page.getByRole('button', { name: 'Dismiss: Step failed on ECC2' }).click();
  await expect(notification(page, 'Step failed on ECC2')).toHaveCount(0);

  // Fixed: the per-server steps finish the job, and the error goes.
  sims.byName('ECC2').set({ failStep: null });
  await expect(page.getByRole('button', { name: 'Start ECC2' })).toBeDisabled();
  await page.getByRole('button', { name: 'Configure ECC2' }).click();
  await expect(await serverCell(page, 'ECC2', 'State')).toHaveText('Ready', STATE_WAIT);
  await page.getByRole('button', { name: 'Configure ECC_mutant' }).click();
  await expectAllServers(page, 'Ready');
  await expect(eccTable(page)).not.toContainText('Last error of ECC2');
});

test('a run that stops without Stop all raises a notification', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAllServers(page, 'Ready');
  await overrideChecklist(page.request, server());
  await control(page, 'Start all').click();
  await expectAllServers(page, 'Running');
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('Run number1', STATE_WAIT);

  // ECC1's boards stop by themselves (a crash, a power cut): the next state read shows it.
  sims.byName('ECC1').setState('Ready');
  await expect(notification(page, 'Run 1 stopped unexpectedly')).toContainText('ECC1 (now Ready) left Running without Stop all', STATE_WAIT);
  await expect(overall(page)).toHaveText('Mixed');

  // Stop all still ends the run (the servers still running).
  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 1?' }).getByRole('button', { name: 'Stop run 1' }).click();
  await expectAllServers(page, 'Ready');
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('No run going', STATE_WAIT);
});

test('a server that stops answering: its last state shown as history with its age, the overall state naming it; Stop all closes the run without it', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAllServers(page, 'Ready');
  await overrideChecklist(page.request, server());
  await control(page, 'Start all').click();
  await expectAllServers(page, 'Running');
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('Run number2', STATE_WAIT);

  // ECC3's server process is killed: its connections are refused.
  await sims.byName('ECC3').kill();
  await expect(overall(page)).toHaveText('Not answering', STATE_WAIT);
  await expect(page.getByRole('alert', { name: 'Servers not answering' })).toContainText('Not answering: ECC3');
  await expect(await serverCell(page, 'ECC3', 'State')).toHaveText(/^Running \d+ s ago, not answering$/);
  await expect(await serverCell(page, 'ECC2', 'State')).toHaveText('Running');
  await expect(control(page, 'Reset all')).toBeDisabled();

  // Stop all is not blocked: the others stop, the run closes, and the report names ECC3.
  await control(page, 'Stop all').click();
  await page.getByRole('alertdialog', { name: 'Stop run 2?' }).getByRole('button', { name: 'Stop run 2' }).click();
  await expect(page.getByRole('region', { name: 'Run', exact: true })).toContainText('No run going', STATE_WAIT);
  await expect(page.getByRole('status', { name: 'Last operation' })).toContainText('Run 2 stopped without ECC3, which does not answer');
  await expect(await serverCell(page, 'ECC3', 'State')).toHaveText('Not known');
  await expect(control(page, 'Start all')).toHaveAccessibleDescription(/needs the state of every ECC server; not known yet: ECC3/);

  // The run sheet keeps both: the overrides it was started with, and the server it was stopped without.
  await page.getByRole('tab', { name: 'Run sheet', exact: true }).click();
  const run2 = page.getByRole('table', { name: 'Runs of e-status' }).locator('tr').filter({ has: page.getByRole('rowheader', { name: 'Run 2', exact: true }) });
  await expect(run2).toContainText('Stopped without ECC3 (not answering)');
  await expect(run2).toContainText(/\d+ checklist items overridden/);
  await page.getByRole('tab', { name: 'Status', exact: true }).click();

  // Restarted, it shows what it really is: Idle.
  await sims.byName('ECC3').restart();
  await expect(await serverCell(page, 'ECC3', 'State')).toHaveText('Idle', STATE_WAIT);
  await expect(overall(page)).toHaveText('Mixed');
});
