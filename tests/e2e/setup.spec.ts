// The setup of an experiment, end to end: renderer → HTTP → main → SQLite → push → renderer.
// Experiments; ECC servers, data routers and data sources added, edited and removed; easy
// setup; export and import; the SSH settings per worker computer.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Setup } from '../../src/shared/domain';
import {
  activeExperiment,
  apiValue,
  callApi,
  confirmation,
  createExperiment,
  easySetupInput,
  expectActiveExperiment,
  form,
  openApp,
  openDialogForm,
  table,
  tableRow,
  tableRows,
} from './support/app';
import { serverForThisFile } from './support/server';

const server = serverForThisFile();

test.beforeEach(async ({ page }) => {
  await openApp(page, server());
});

/** Every update the page sends to the API from now on: the operation and its input, as sent. */
function recordUpdates(page: Page): { op: string; input: unknown }[] {
  const sent: { op: string; input: unknown }[] = [];
  page.on('request', (request) => {
    const op = new URL(request.url()).pathname.replace(/^\/api\//, '');
    if (request.method() === 'POST' && op.endsWith('.update')) sent.push({ op, input: request.postDataJSON() as unknown });
  });
  return sent;
}

function experimentsPanel(page: Page) {
  return page.getByRole('region', { name: /^Experiments/ });
}

async function fillEasySetup(page: Page, values: { cobos: string; ecc: string; router: string }) {
  const easy = form(page, 'Easy setup');
  await easy.getByLabel('Number of CoBos').fill(values.cobos);
  await easy.getByLabel('First ECC server address').fill(values.ecc);
  await easy.getByLabel('First data router address').fill(values.router);
  await easy.getByLabel('ECC server log file').fill('/var/log/ecc.log');
  await easy.getByLabel('Data router log file').fill('/var/log/dataRouter.log');
  await easy.getByLabel('Config directory', { exact: true }).fill('/home/daq/configs');
  await easy.getByLabel('Config backup directory').fill('/home/daq/configs/backup');
  return easy;
}

test('an experiment is created, renamed and made the active one from the setup view', async ({ page }) => {
  await createExperiment(page, 'e20009');
  const panel = experimentsPanel(page);
  await expect(panel.getByRole('status').first()).toHaveText(/Created e20009; it is now the active experiment/);
  for (const caption of ['ECC servers', 'Data routers', 'Data sources']) {
    await expect(tableRows(page, caption)).toHaveText([/No .* yet/]);
  }

  // Created without switching to it: the active experiment stays.
  const create = form(page, 'New experiment');
  await create.getByLabel('Experiment name').fill('e20009-test');
  await create.getByLabel('Make it the active experiment').uncheck();
  await create.getByRole('button', { name: 'Create experiment' }).click();
  await expect(tableRow(page, 'Experiments', 'e20009-test')).toBeVisible();
  await expectActiveExperiment(page, 'e20009');
  await expect(tableRow(page, 'Experiments', 'e20009')).toContainText('Active');

  // Renamed in its row: the name is checked as it is typed, and the server's refusal (a name
  // taken) is shown at the field.
  await panel.getByRole('button', { name: 'Rename e20009-test' }).click();
  const rename = form(page, 'Rename experiment e20009-test');
  const newName = rename.getByLabel('New name for e20009-test');
  await expect(newName).toBeFocused();
  await newName.fill('e20009 pulser');
  await expect(newName).toHaveAttribute('aria-invalid', 'true');
  await expect(newName).toHaveAccessibleDescription(/Use letters, digits/);
  await newName.fill('e20009');
  await expect(newName).not.toHaveAttribute('aria-invalid', 'true');
  await newName.press('Enter');
  await expect(newName).toHaveAccessibleDescription('An experiment named "e20009" already exists');
  await newName.fill('e20009-pulser');
  await newName.press('Enter');
  await expect(tableRow(page, 'Experiments', 'e20009-pulser')).toBeVisible();
  await expect(panel.getByRole('status').first()).toHaveText(/Renamed e20009-test to e20009-pulser/);

  // Escape gives up a rename.
  await panel.getByRole('button', { name: 'Rename e20009-pulser' }).click();
  await form(page, 'Rename experiment e20009-pulser').getByLabel('New name for e20009-pulser').press('Escape');
  await expect(form(page, 'Rename experiment e20009-pulser')).toHaveCount(0);

  // Switched from the list, and back with the header's switcher.
  await panel.getByRole('button', { name: 'Switch to e20009-pulser' }).click();
  await expectActiveExperiment(page, 'e20009-pulser');
  await expect(tableRow(page, 'Experiments', 'e20009-pulser')).toContainText('Active');
  await activeExperiment(page).selectOption({ label: 'e20009' });
  await expectActiveExperiment(page, 'e20009');
});

test('an experiment name the worker computers cannot use is refused at its field as it is typed', async ({ page }) => {
  await createExperiment(page, 'names-first');
  const create = form(page, 'New experiment');
  const name = create.getByLabel('Experiment name');
  await name.fill('my experiment');
  // No click: the form checks as the operator types, with the server's own rule.
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/Use letters, digits/);
  await create.getByRole('button', { name: 'Create experiment' }).click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expectActiveExperiment(page, 'names-first');
  // A name taken is for the server to say: shown at the field.
  await name.fill('names-first');
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');
  await create.getByRole('button', { name: 'Create experiment' }).click();
  await expect(name).toHaveAccessibleDescription(/^An experiment named "names-first" already exists/);
});

test('an ECC server, a data router and a data source are added, edited and removed', async ({ page, request }) => {
  await createExperiment(page, 'by-hand');

  // ECC server: a field error as it is typed, then added.
  let add = await openDialogForm(page, 'Add ECC server…', 'Add an ECC server');
  await add.getByLabel('Name', { exact: true }).fill('ECC-spare');
  await add.getByLabel('Address', { exact: true }).fill('127.0.3.1');
  await add.getByLabel('Port').fill('70000');
  await expect(add.getByLabel('Port')).toHaveAccessibleDescription('Must be between 1 and 65535');
  await add.getByLabel('Port').fill('8084');
  await expect(add.getByLabel('Port')).not.toHaveAttribute('aria-invalid', 'true');
  await add.getByLabel('Log file').fill('/var/log/ecc.log');
  await add.getByLabel('Config directory', { exact: true }).fill('/home/daq/configs');
  await add.getByLabel('Config backup directory').fill('/home/daq/backup');
  await add.getByRole('button', { name: 'Add ECC server' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const ecc = tableRow(page, 'ECC servers', 'ECC-spare');
  await expect(ecc).toContainText('127.0.3.1');
  await expect(ecc).toContainText('8084');
  await expect(ecc).toContainText('Not reached');
  await expect(ecc).toContainText('none selected');
  await expect(ecc).toContainText('/home/daq/backup');

  // The server's refusal (a name taken) at its field; the dialog stays open with what was typed.
  add = await openDialogForm(page, 'Add ECC server…', 'Add an ECC server');
  // The paths of the last server are offered again.
  await expect(add.getByLabel('Log file')).toHaveValue('/var/log/ecc.log');
  await add.getByLabel('Name', { exact: true }).fill('ECC-spare');
  await add.getByLabel('Address', { exact: true }).fill('127.0.3.2');
  await add.getByRole('button', { name: 'Add ECC server' }).click();
  await expect(add.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByLabel('Name', { exact: true })).toHaveAccessibleDescription('An ECC server named "ECC-spare" already exists in this experiment');
  await expect(add.getByLabel('Name', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(tableRows(page, 'ECC servers')).toHaveCount(1);

  // Data router.
  add = await openDialogForm(page, 'Add data router…', 'Add a data router');
  await add.getByLabel('Name', { exact: true }).fill('DataRouter-spare');
  await add.getByLabel('Address', { exact: true }).fill('127.0.4.1');
  await add.getByLabel('Connection type').selectOption('FDT');
  await add.getByLabel('Log file').fill('/var/log/dataRouter.log');
  await add.getByRole('button', { name: 'Add data router' }).click();
  const router = tableRow(page, 'Data routers', 'DataRouter-spare');
  await expect(router).toContainText('46005');
  await expect(router).toContainText('FDT');

  // Data source: the next CoBo name and the free router are offered.
  add = await openDialogForm(page, 'Add data source…', 'Add a data source');
  await expect(add.getByLabel('Name', { exact: true })).toHaveValue('CoBo[0]');
  await add.getByLabel('Name', { exact: true }).fill('CoBo');
  await expect(add.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/Must be CoBo\[N\]/);
  await add.getByLabel('Name', { exact: true }).fill('CoBo[0]');
  await add.getByRole('button', { name: 'Add data source' }).click();
  const source = tableRow(page, 'Data sources', 'CoBo[0]');
  await expect(source).toContainText('ECC-spare');
  await expect(source).toContainText('DataRouter-spare');
  await expect(ecc).toContainText('CoBo[0]');

  // Edited, each in its dialog: only what changed is sent.
  const got = await callApi(request, server(), 'setup.get', {});
  expect(got.body?.ok, 'setup.get').toBe(true);
  const setup = (got.body as { ok: true; value: Setup }).value;
  const [eccId, routerId, sourceId] = [setup.eccServers[0]?.id, setup.dataRouters[0]?.id, setup.dataSources[0]?.id];
  expect([eccId, routerId, sourceId]).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
  const updates = recordUpdates(page);
  let edit = await openDialogForm(page, 'Edit ECC server ECC-spare', 'Edit ECC server ECC-spare');
  await expect(edit.getByLabel('Port')).toHaveValue('8084');
  await edit.getByLabel('Port').fill('8085');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(ecc).toContainText('8085');
  edit = await openDialogForm(page, 'Edit data router DataRouter-spare', 'Edit data router DataRouter-spare');
  await edit.getByLabel('Connection type').selectOption('TCP');
  await edit.getByLabel('Port').fill('46006');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(router).toContainText('46006');
  await expect(router).toContainText('TCP');
  edit = await openDialogForm(page, 'Edit data source CoBo[0]', 'Edit data source CoBo[0]');
  await edit.getByLabel('Name', { exact: true }).fill('CoBo[1]');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(tableRow(page, 'Data sources', 'CoBo[1]')).toBeVisible();
  expect(updates).toEqual([
    { op: 'eccServers.update', input: { id: eccId, port: 8085 } },
    { op: 'dataRouters.update', input: { id: routerId, connectionType: 'TCP', port: 46006 } },
    { op: 'dataSources.update', input: { id: sourceId, name: 'CoBo[1]' } },
  ]);

  // Removing what a data source uses is refused, with the server's reason in the dialog.
  await page.getByRole('button', { name: 'Remove data router DataRouter-spare' }).click();
  await expect(confirmation(page)).toContainText('Remove data router DataRouter-spare?');
  await confirmation(page).getByRole('button', { name: 'Remove' }).click();
  await expect(confirmation(page).getByRole('alert')).toHaveText(/Data router "DataRouter-spare" is used by data source CoBo\[1\]/);
  await confirmation(page).getByRole('button', { name: 'Close' }).click();
  await expect(confirmation(page)).toHaveCount(0);
  await expect(router).toBeVisible();
  await page.getByRole('button', { name: 'Remove ECC server ECC-spare' }).click();
  await confirmation(page).getByRole('button', { name: 'Remove' }).click();
  await expect(confirmation(page).getByRole('alert')).toHaveText(/ECC server "ECC-spare" is used by data source CoBo\[1\]/);
  await confirmation(page).getByRole('button', { name: 'Close' }).click();

  // Cancel keeps it; Remove removes it.
  await page.getByRole('button', { name: 'Remove data source CoBo[1]' }).click();
  await confirmation(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(tableRow(page, 'Data sources', 'CoBo[1]')).toBeVisible();
  await page.getByRole('button', { name: 'Remove data source CoBo[1]' }).click();
  await confirmation(page).getByRole('button', { name: 'Remove' }).click();
  await expect(tableRows(page, 'Data sources')).toHaveText([/No data sources yet/]);
  await page.getByRole('button', { name: 'Remove data router DataRouter-spare' }).click();
  await confirmation(page).getByRole('button', { name: 'Remove' }).click();
  await expect(tableRows(page, 'Data routers')).toHaveText([/No data routers yet/]);
  await page.getByRole('button', { name: 'Remove ECC server ECC-spare' }).click();
  await confirmation(page).getByRole('button', { name: 'Remove' }).click();
  await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);
});

test('easy setup with 4 CoBos and a MuTAnT fills the setup tables, and a second one replaces it after a confirmation', async ({ page }) => {
  await createExperiment(page, 'easy-4-mutant');
  const easy = await fillEasySetup(page, { cobos: '4', ecc: '127.0.1.1', router: '127.0.2.1' });
  await easy.getByLabel('Include a MuTAnT').check();
  await easy.getByLabel('MuTAnT ECC server address').fill('127.0.1.100');
  await easy.getByLabel('MuTAnT data router address').fill('127.0.2.100');
  await easy.getByRole('button', { name: 'Create setup' }).click();

  await expect(easy.getByRole('status')).toHaveText(/5 ECC servers, 5 data routers, 5 data sources/);
  await expect(tableRows(page, 'ECC servers').locator('th')).toHaveText(['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant']);
  // Each next CoBo gets the next address.
  await expect(tableRow(page, 'ECC servers', 'ECC3')).toContainText('127.0.1.4');
  await expect(tableRows(page, 'ECC servers').first()).toContainText('8083');
  await expect(tableRows(page, 'Data routers').locator('th')).toHaveText([
    'DataRouter0',
    'DataRouter1',
    'DataRouter2',
    'DataRouter3',
    'DataRouter_mutant',
  ]);
  await expect(tableRow(page, 'Data routers', 'DataRouter_mutant')).toContainText('FDT');
  await expect(tableRow(page, 'Data routers', 'DataRouter0')).toContainText('TCP');
  await expect(tableRows(page, 'Data sources').locator('th')).toHaveText(['CoBo[0]', 'CoBo[1]', 'CoBo[2]', 'CoBo[3]', 'Mutant[master]']);
  await expect(tableRow(page, 'Data sources', 'Mutant[master]')).toContainText('ECC_mutant');
  await expect(tableRow(page, 'Data sources', 'Mutant[master]')).toContainText('DataRouter_mutant');

  // A second run replaces the setup rather than adding to it, once confirmed.
  await easy.getByLabel('Number of CoBos').fill('2');
  await easy.getByLabel('Include a MuTAnT').uncheck();
  await easy.getByRole('button', { name: 'Replace setup' }).click();
  await expect(confirmation(page)).toContainText('Replace the setup of easy-4-mutant?');
  await expect(confirmation(page)).toContainText('5 ECC servers, 5 data routers, 5 data sources are removed and replaced by 2 CoBos');
  await confirmation(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(tableRows(page, 'Data sources')).toHaveCount(5);
  await easy.getByRole('button', { name: 'Replace setup' }).click();
  await confirmation(page).getByRole('button', { name: 'Replace setup' }).click();
  await expect(tableRows(page, 'Data sources').locator('th')).toHaveText(['CoBo[0]', 'CoBo[1]']);
  await expect(table(page, 'ECC servers')).toHaveAccessibleName('ECC servers (2)');
});

test('an invalid address is shown at its field as it is typed, and the server’s refusal at the field it names', async ({ page }) => {
  await createExperiment(page, 'bad-address');
  const easy = await fillEasySetup(page, { cobos: '2', ecc: '127.0.1.300', router: '127.0.2.1' });
  const address = easy.getByLabel('First ECC server address');
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(address).toHaveAccessibleDescription('Not an IP address or host name');
  await expect(easy.getByLabel('First data router address')).not.toHaveAttribute('aria-invalid', 'true');
  await easy.getByRole('button', { name: 'Create setup' }).click();
  await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);

  // Valid on its own, but the next CoBo's address would be 127.0.1.256: only the server knows.
  await address.fill('127.0.1.255');
  await expect(address).not.toHaveAttribute('aria-invalid', 'true');
  await easy.getByRole('button', { name: 'Create setup' }).click();
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(address).toHaveAccessibleDescription(/127\.0\.1\.256, but the last number of an IPv4 address cannot go beyond 255/);
  await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);

  // Corrected, the same form goes through and the message goes away.
  await address.fill('127.0.1.30');
  await expect(address).not.toHaveAttribute('aria-invalid', 'true');
  await easy.getByRole('button', { name: 'Create setup' }).click();
  await expect(tableRows(page, 'ECC servers').locator('th')).toHaveText(['ECC0', 'ECC1']);
  await expect(tableRow(page, 'ECC servers', 'ECC1')).toContainText('127.0.1.31');
});

test('the setup is exported to a file and imported into another experiment after a confirmation', async ({ page, request }, testInfo) => {
  expect((await callApi(request, server(), 'experiments.create', { name: 'export-from' })).status).toBe(200);
  expect((await callApi(request, server(), 'setup.easy', easySetupInput())).status).toBe(200);
  await expectActiveExperiment(page, 'export-from');
  await expect(tableRows(page, 'Data sources')).toHaveCount(5);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export setup' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^export-from-setup-\d{4}-\d\d-\d\d\.json$/);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const document = JSON.parse(await readFile(file, 'utf8')) as { format: string; experiment: { name: string }; eccServers: unknown[] };
  expect(document.format).toBe('attpc-daq-setup');
  expect(document.experiment.name).toBe('export-from');
  expect(document.eccServers).toHaveLength(5);

  await createExperiment(page, 'import-into');
  await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);

  // A file that is not a setup is refused before anything is sent.
  const broken = join(testInfo.outputDir, 'broken-setup.json');
  await writeFile(broken, JSON.stringify({ ...document, dataSources: [{ name: 'CoBo[0]', eccServer: 'ECC0', dataRouter: 'DataRouter9' }] }));
  const fileInput = page.getByLabel('Setup file to import');
  await fileInput.setInputFiles(broken);
  await expect(page.getByRole('alert').filter({ hasText: 'broken-setup.json' })).toHaveText(
    /dataSources\.0\.dataRouter: No data router named "DataRouter9"/,
  );
  await expect(page.getByRole('button', { name: /^Import / })).toHaveCount(0);

  await fileInput.setInputFiles(file);
  const panel = page.getByRole('region', { name: 'Export and import' });
  await expect(panel).toContainText('the setup of export-from');
  await expect(panel).toContainText('5 ECC servers, 5 data routers, 5 data sources, 0 observables');
  await panel.getByRole('button', { name: `Import ${download.suggestedFilename()}` }).click();
  await expect(confirmation(page)).toContainText('Replace the setup of import-into?');
  await confirmation(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);
  await panel.getByRole('button', { name: `Import ${download.suggestedFilename()}` }).click();
  await confirmation(page).getByRole('button', { name: 'Replace setup' }).click();
  await expect(confirmation(page)).toHaveCount(0);
  await expect(panel.getByRole('status')).toHaveText(/Imported export-from-setup-.*\.json into import-into/);
  await expectActiveExperiment(page, 'import-into');
  await expect(tableRows(page, 'ECC servers').locator('th')).toHaveText(['ECC0', 'ECC1', 'ECC2', 'ECC3', 'ECC_mutant']);
  await expect(tableRow(page, 'Data sources', 'Mutant[master]')).toContainText('DataRouter_mutant');
  await expect(tableRow(page, 'Data routers', 'DataRouter_mutant')).toContainText('FDT');
});

test('the SSH settings of a worker computer are saved, edited and removed', async ({ page }) => {
  const ssh = form(page, 'SSH settings for a worker computer');
  const host = ssh.getByLabel('Worker computer');
  await host.fill('127.0.5.1');
  await ssh.getByLabel('SSH user').fill('daq');
  await ssh.getByLabel('SSH port').fill('ssh');
  await expect(ssh.getByLabel('SSH port')).toHaveAccessibleDescription('Must be a number');
  await ssh.getByLabel('SSH port').fill('2222');
  await ssh.getByLabel('Identity file').fill('keys/id_ed25519');
  await expect(ssh.getByLabel('Identity file')).toHaveAccessibleDescription(/Must be an absolute path \(or start with ~\/\)/);
  await ssh.getByLabel('Identity file').fill('~/.ssh/id_ed25519');
  await ssh.getByRole('button', { name: 'Save SSH settings' }).click();

  const row = tableRow(page, 'SSH settings', '127.0.5.1');
  await expect(row).toContainText('daq');
  await expect(row).toContainText('2222');
  await expect(row).toContainText('~/.ssh/id_ed25519');
  await expect(host).toHaveValue('');

  // Edited: the form takes the row's values; a blank value means ~/.ssh/config's.
  await page.getByRole('button', { name: 'Edit the SSH settings for 127.0.5.1' }).click();
  await expect(host).toHaveValue('127.0.5.1');
  await expect(ssh.getByLabel('SSH user')).toBeFocused();
  await ssh.getByLabel('SSH user').fill('attpc');
  await ssh.getByLabel('SSH port').fill('');
  await ssh.getByRole('button', { name: 'Save SSH settings' }).click();
  await expect(row).toContainText('attpc');
  await expect(row.getByRole('cell').nth(1)).toHaveText('default');

  await page.getByRole('button', { name: 'Remove the SSH settings for 127.0.5.1' }).click();
  await expect(confirmation(page)).toContainText('reaches 127.0.5.1 as ~/.ssh/config says');
  await confirmation(page).getByRole('button', { name: 'Remove' }).click();
  await expect(tableRows(page, 'SSH settings')).toHaveText([/No SSH settings yet/]);
});

test('the forms and dialogs work from the keyboard', async ({ page }) => {
  await createExperiment(page, 'keyboard');
  await form(page, 'New experiment').getByLabel('Experiment name').focus();
  await page.keyboard.type('keyboard-2');
  await page.keyboard.press('Enter');
  await expectActiveExperiment(page, 'keyboard-2');

  // A dialog opens from its button, keeps the focus inside, and gives it back when closed.
  const addButton = page.getByRole('button', { name: 'Add ECC server…' });
  await addButton.focus();
  await page.keyboard.press('Enter');
  const add = form(page, 'Add an ECC server');
  await expect(add.getByLabel('Name', { exact: true })).toBeFocused();
  await page.keyboard.type('ECC-keys');
  await page.keyboard.press('Tab');
  await expect(add.getByLabel('Address', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(addButton).toBeFocused();

  // The header's controls in order: the alarm sound's mute, the theme, About, a shift note.
  await activeExperiment(page).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Mute alarm sound' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Light theme' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'About' })).toBeFocused();
});

test('the theme toggles between dark and light', async ({ page }) => {
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const toggle = page.getByRole('button', { name: 'Light theme' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('the settings are saved from the setup view, a value out of range refused at its field', async ({ page, request }) => {
  const panel = page.getByRole('region', { name: 'Settings', exact: true });
  const refresh = panel.getByLabel("Read every ECC server's state every");
  await expect(refresh).toHaveValue('1');
  await refresh.fill('0');
  await panel.getByRole('button', { name: 'Save settings' }).click();
  await expect(panel).toContainText('At least 0.25 s');
  await refresh.fill('2');
  await panel.getByLabel('Least free disk on each staging file system').fill('25');
  await panel.getByLabel("A run plan's next run may wait to start for").fill('30');
  await panel.getByRole('button', { name: 'Save settings' }).click();
  await expect(panel.getByRole('status')).toHaveText('✓ Settings saved; they apply now.');
  expect(await apiValue(request, server(), 'settings.get', {})).toEqual({ stateRefreshSeconds: 2, minFreeDiskGb: 25, settleSeconds: 10, dataFlowSeconds: 2, runPlanStartWaitMinutes: 30 });
  // Back to the defaults for the other tests of this server.
  expect((await callApi(request, server(), 'settings.update', { stateRefreshSeconds: 1, minFreeDiskGb: 10, runPlanStartWaitMinutes: 15 })).status).toBe(200);
});
