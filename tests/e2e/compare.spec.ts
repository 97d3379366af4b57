// Comparing two runs in the browser, on the demo: two runs are made through the API, a demo
// config file edited on its (simulated) computer between them; the run sheet marks the second
// run "config changed" (whose "Compare with run 0" opens the comparison), and Compare two runs
// names the server and file that differ and shows the edited line beside its old self, read from
// the two runs' backups. Takes the README's picture.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import type { DemoStatus, EccStatus, Job, RunControlStatus } from '../../src/shared/api/contract';
import type { Run, RunSheet, Setup } from '../../src/shared/domain';
import { apiValue, openApp, picture } from './support/app';
import { serverForThisFile, type RunningServer } from './support/server';

// The worker computer is checked every 15 s and jobs run every 5 s; a loaded machine is slower.
const WAIT = { timeout: 90_000 };

const server = serverForThisFile();

test.use({ viewport: { width: 1440, height: 960 } });
test.describe.configure({ timeout: 300_000 });

async function until<T>(request: APIRequestContext, s: RunningServer, op: string, done: (value: T) => boolean, message: string): Promise<T> {
  let last: T | undefined;
  await expect
    .poll(
      async () => {
        last = await apiValue<T>(request, s, op, {});
        return done(last);
      },
      { ...WAIT, message },
    )
    .toBe(true);
  return last!;
}

/** Start all, then Stop all once data flows, and wait for the run's after-stop jobs. */
async function makeRun(request: APIRequestContext, s: RunningServer, number: number): Promise<void> {
  await until<RunControlStatus>(request, s, 'runs.status', (v) => v.checklist.every((i) => i.status === 'pass'), 'Start all checklist passes');
  await apiValue(request, s, 'runs.startAll', {});
  await until<RunControlStatus>(request, s, 'runs.status', (v) => v.currentRun?.number === number, `run ${number} recorded`);
  await until<EccStatus>(request, s, 'ecc.status', (v) => v.operation === null && v.overall === 'Running', 'Running');
  await apiValue(request, s, 'runs.stopAll', {});
  await until<RunControlStatus>(request, s, 'runs.status', (v) => v.currentRun === null, `run ${number} stopped`);
  await until<Job[]>(request, s, 'jobs.list', (list) => {
    const ofRun = list.filter((j) => j.runNumber === number);
    return ofRun.length > 0 && ofRun.every((j) => j.status === 'done');
  }, `the after-stop jobs of run ${number}`);
  await until<EccStatus>(request, s, 'ecc.status', (v) => v.operation === null && v.overall === 'Ready', 'Ready again');
}

test('two runs compared: the server and file that differ, and the edited line beside its old self', async ({ page, request }) => {
  const s = server();
  await apiValue(request, s, 'demo.create', {});
  const setup = await until<Setup | null>(request, s, 'setup.get', (v) => v !== null && v.eccServers.length === 5 && v.eccServers.every((e) => e.configSets.length > 0), 'the config sets');
  for (const eccServer of setup!.eccServers) {
    await apiValue(request, s, 'configSets.select', { id: eccServer.configSets.find((c) => c.configure === 'beam')!.id });
  }
  await apiValue(request, s, 'ecc.bringAllToReady', {});
  await until<EccStatus>(request, s, 'ecc.status', (v) => v.operation === null && v.overall === 'Ready', 'Ready');
  await makeRun(request, s, 0);

  // Between the runs, a threshold is set in ECC2's prepare file on its computer.
  const { workerRoot } = await apiValue<DemoStatus>(request, s, 'demo.status', {});
  const file = join(workerRoot!, setup!.eccServers.find((e) => e.name === 'ECC2')!.configRoot, 'prepare-beam.xcfg');
  writeFileSync(file, readFileSync(file, 'utf8').replace('  <Node id="demo">', '  <Node id="demo" threshold="25">'));
  await makeRun(request, s, 1);
  const sheet = await apiValue<RunSheet>(request, s, 'runSheet.get', {});
  expect(sheet.runs.find((r: Run) => r.number === 1)!.config.changed).toBe(true);

  await openApp(page, s, 'Run sheet');
  const runRow = page.getByRole('table', { name: 'Runs of demo' }).locator('tbody tr', { hasText: 'config changed' });
  await expect(runRow).toHaveCount(1);
  await expect(runRow.locator('th[scope="row"]')).toHaveText('1');

  // The selected run (the newest) against the one before it, unless others are picked.
  const panel = page.getByRole('region', { name: 'Compare two runs' });
  await expect(panel.getByRole('combobox', { name: 'Run A' })).toHaveValue('0');
  await expect(panel.getByRole('combobox', { name: 'Run B' })).toHaveValue('1');
  // The run's own "config changed" leads to the comparison with the run before it.
  await page.getByRole('region', { name: 'Run 1' }).getByRole('button', { name: 'Compare with run 0' }).click();
  await expect(panel).toContainText('Run 0 against run 1: 1 config file differs');
  const servers = panel.getByRole('table', { name: 'ECC servers of runs 0 and 1' });
  await expect(servers.locator('tbody tr')).toHaveCount(5);
  await expect(servers.locator('tr', { hasText: 'ECC2' })).toContainText('prepare-beam.xcfg');
  await expect(servers.locator('tr', { hasText: 'ECC1' })).toContainText('none');

  const diff = panel.getByRole('table', { name: 'Diff of prepare-beam.xcfg of ECC2, run 0 against run 1' });
  const changed = diff.locator('tr[data-kind="changed"]');
  await expect(changed).toHaveCount(1);
  await expect(changed.locator('td')).toHaveText(['4', '<Node id="demo">', '4', '<Node id="demo" threshold="25">'], { useInnerText: true });
  await expect(diff.locator('tr[data-kind="same"]').first()).toContainText('<?xml version="1.0" encoding="UTF-8"?>');
  await panel.scrollIntoViewIfNeeded();
  await picture(page, 'run-compare.png');

  // Picked the other way round, the sides swap.
  await panel.getByRole('combobox', { name: 'Run A' }).selectOption('1');
  await panel.getByRole('combobox', { name: 'Run B' }).selectOption('0');
  await panel.getByRole('button', { name: 'Compare' }).click();
  const swapped = panel.getByRole('table', { name: 'Diff of prepare-beam.xcfg of ECC2, run 1 against run 0' });
  await expect(swapped.locator('tr[data-kind="changed"] td')).toHaveText(['4', '<Node id="demo" threshold="25">', '4', '<Node id="demo">'], { useInnerText: true });
});
