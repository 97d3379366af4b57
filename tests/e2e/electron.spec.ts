// The Electron window: the same interface over IPC instead of HTTP. Needs an Electron binary,
// which cannot be downloaded on every machine (see docs): skipped, saying why, without one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { createExperiment, expectActiveExperiment, showView, tableRows } from './support/app';
import { makeDataDir, removeDataDir } from './support/server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where the electron package would run its binary from. Read by hand: importing the package
 * starts a download when the binary is missing.
 */
function electronBinary(): string | undefined {
  const packageDir = join(ROOT, 'node_modules/electron');
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? join(override, relative ?? 'electron')
    : relative
      ? join(packageDir, 'dist', relative)
      : undefined;
  return candidate && existsSync(candidate) ? candidate : undefined;
}

const binary = electronBinary();

test('the Electron window shows the application over IPC', async () => {
  test.skip(
    !binary,
    'No Electron binary: node_modules/electron has not downloaded one (path.txt/dist missing) and ' +
      'ELECTRON_OVERRIDE_DIST_PATH is not set. Install Electron where it can be downloaded to run this test.',
  );
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('out/main/index.js is missing: run `npx electron-vite build` first');

  const dataDir = await makeDataDir();
  const app = await electron.launch({
    executablePath: binary,
    args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...process.env, ATTPC_DAQ_DATA: dataDir },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'AT-TPC DAQ Control' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
    // An empty database opens on the welcome, which offers the demo; a real experiment is made under Setup.
    await expect(page.getByRole('button', { name: 'Open the demo' })).toBeVisible();
    await showView(page, 'Setup');
    await createExperiment(page, 'electron-1');
    await expectActiveExperiment(page, 'electron-1');
    await expect(tableRows(page, 'ECC servers')).toHaveText([/No ECC servers yet/]);
    // No Node in the page: the preload's narrow bridge is all it has.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => Object.keys((globalThis as { daq?: object }).daq ?? {}).sort())).toEqual(['call', 'saveFile', 'subscribe']);
  } finally {
    await app.close();
    await removeDataDir(dataDir);
  }
});
