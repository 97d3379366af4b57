// The About dialog in the browser interface: the version, the data directory and the schema version.
import { realpathSync } from 'node:fs';
import { test } from '@playwright/test';
import { expectAbout, openApp } from './support/app';
import { serverForThisFile } from './support/server';

const server = serverForThisFile();

test('the About dialog says the version, the data directory and the schema version', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await expectAbout(page, realpathSync(server().dataDir));
});
