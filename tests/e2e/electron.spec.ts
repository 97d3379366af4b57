// The Electron window: the same interface over IPC instead of HTTP, from the checkout and as
// packaged by electron-builder. Needs an Electron binary, which cannot be downloaded on every
// machine (see docs): skipped, saying why, without one.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
// @ts-expect-error: a plain ES module script without type declarations
import { electronNativeAddon } from '../../scripts/dist.mjs';
import { currentPackPlatform, packUnpacked } from '../support/packaged-app';
import { activeExperiment, createExperiment, expectAbout, expectActiveExperiment, showView, tableRows } from './support/app';
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
const NO_BINARY =
  'No Electron binary: node_modules/electron has not downloaded one (path.txt/dist missing) and ' +
  'ELECTRON_OVERRIDE_DIST_PATH is not set. Install Electron where it can be downloaded to run this test.';
const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

test('the Electron window shows the application over IPC', async () => {
  test.skip(!binary, NO_BINARY);
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('out/main/index.js is missing: run `npx electron-vite build` first');

  const dataDir = await makeDataDir();
  const app = await electron.launch({
    executablePath: binary,
    args: [ROOT, ...rootArgs],
    env: { ...process.env, ATTPC_DAQ_DATA: dataDir },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'AT-TPC DAQ Control' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
    // An empty database opens on the welcome, which offers the demo; a real experiment is made under Setup.
    await expect(page.getByRole('button', { name: 'Open the demo' })).toBeVisible();
    await expectAbout(page, dataDir);
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

test('the packaged application (electron-builder --dir) opens the demo on a first start, over IPC', async () => {
  test.skip(!binary, NO_BINARY);
  // Packing copies Electron and the production modules: longer than a window test.
  test.setTimeout(180_000);
  const addon = (electronNativeAddon as () => string)();
  if (!existsSync(addon)) throw new Error(`${addon} is missing: run \`npm run native:electron\` first (the package ships it)`);
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('out/main/index.js is missing: run `npx electron-vite build` first');

  const workDir = mkdtempSync(join(tmpdir(), 'packaged-e2e-'));
  const dataDir = await makeDataDir();
  try {
    const packed = await packUnpacked({
      electronDist: process.env.ELECTRON_OVERRIDE_DIST_PATH || join(ROOT, 'node_modules/electron/dist'),
      electronVersion: (JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version,
      nativeDir: join(ROOT, 'native'),
      workDir,
      platform: currentPackPlatform(),
    });
    const app = await electron.launch({ executablePath: packed.executable, args: rootArgs, env: { ...process.env, ATTPC_DAQ_DATA: dataDir } });
    try {
      const page = await app.firstWindow();
      expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(true);
      await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected/);
      await expectAbout(page, dataDir);
      // The demo's simulators run in a worker thread whose module is inside app.asar, and its
      // experiment lives in SQLite through the Electron-ABI build among the extra resources.
      await page.getByRole('button', { name: 'Open the demo' }).click();
      await expect(activeExperiment(page).locator('option:checked')).toHaveText('demo');
      await expect(page.getByRole('button', { name: 'Open the demo' })).toBeHidden();
    } finally {
      await app.close();
    }
  } finally {
    await removeDataDir(dataDir);
    rmSync(workDir, { recursive: true, force: true });
  }
});
