// Alarms as the operator meets them, on the demo: a free-disk threshold set above what the
// simulated worker computer's real `df` finds raises an alarm per data router; each shows as a
// banner with its text in every view and the alarm sounds (observed through <html
// data-alarm-sound>, since a test cannot hear); the mute, per workstation, quiets it and is
// remembered across a reload; Acknowledge ends banner and sound, and the Alarms view says who.
import { expect, test, type Page } from '@playwright/test';
import type { AlarmList } from '../../src/shared/alarms';
import { apiValue, openApp, showView } from './support/app';
import { serverForThisFile } from './support/server';

/** The worker computers are checked every 15 s in serve mode; a loaded machine adds its share. */
const CHECKS = { timeout: 45_000 };

const server = serverForThisFile();

test.describe.configure({ timeout: 120_000 });

const sound = (page: Page) => page.locator('html');
const banners = (page: Page) => page.getByRole('region', { name: 'Alarms' }).getByRole('alert', { name: /^Alarm: / });
const routerRow = (page: Page, name: string) => page.getByRole('table', { name: /^Data routers/ }).locator('tr', { hasText: name }).first();

test('an alarm banner with its text sounds until acknowledged; the mute quiets it on this workstation', async ({ page }) => {
  await openApp(page, server(), 'Status');
  await page.getByRole('button', { name: 'Open the demo' }).click();
  await expect(page.getByRole('combobox', { name: 'Active experiment' }).locator('option:checked')).toHaveText('demo');
  // The demo's routers checked: their df read.
  await expect(routerRow(page, 'DataRouter0')).toContainText(/Running \(pid \d+\)/, CHECKS);
  await expect(sound(page)).toHaveAttribute('data-alarm-sound', 'off');
  await expect(page.getByRole('status', { name: 'Alarm sound' })).toHaveText(/Alarm sound on/);

  // Above any real disk: every router's staging file system is below it.
  await apiValue(page.request, server(), 'alarms.rules.update', { rules: { diskFree: { minFreeGb: 1_000_000 } } });
  const first = banners(page).filter({ hasText: 'DataRouter0' });
  await expect(first).toContainText(/Alarm\. DataRouter0: only \d+\.\d GB free on \S+ \(\d+% used\), below 1000000 GB/, CHECKS);
  // The page was clicked already (Open the demo): the browser lets it sound.
  await expect(sound(page)).toHaveAttribute('data-alarm-sound', 'playing');
  await expect(page.getByRole('status', { name: 'Alarm sound' })).toHaveText(/Alarm sounding/);
  // In every view.
  await showView(page, 'Run sheet');
  await expect(first).toBeVisible();

  // Muted here: quiet, shown, and remembered by this browser across a reload; the banner stays.
  const mute = page.getByRole('button', { name: 'Mute alarm sound' });
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(sound(page)).toHaveAttribute('data-alarm-sound', 'muted');
  await expect(page.getByRole('status', { name: 'Alarm sound' })).toHaveText(/Alarm sound muted here/);
  await page.reload();
  await expect(first).toBeVisible();
  await expect(sound(page)).toHaveAttribute('data-alarm-sound', 'muted');
  await expect(page.getByRole('button', { name: 'Mute alarm sound' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Mute alarm sound' }).click();
  // After a reload the browser wants a click before it sounds: that click was it.
  await expect(sound(page)).toHaveAttribute('data-alarm-sound', 'playing');

  // Acknowledge each: its banner goes; with the last, the sound stops. Every router's alarm is
  // there first (their checks come one after another: on a loaded machine, seconds apart).
  const routers = (await apiValue<{ dataRouters: unknown[] }>(page.request, server(), 'workers.status', {})).dataRouters.length;
  expect(routers).toBeGreaterThan(0);
  await expect(banners(page)).toHaveCount(routers, CHECKS);
  const count = routers;
  for (let left = count; left > 0; left--) {
    await banners(page).first().getByRole('button', { name: /^Acknowledge: / }).click();
    await expect(banners(page)).toHaveCount(left - 1);
  }
  await expect(sound(page)).toHaveAttribute('data-alarm-sound', 'off');
  await expect(page.getByRole('status', { name: 'Alarm sound' })).toHaveText(/Alarm sound on/);

  // Still active (the disk is as it was), acknowledged, with who.
  const list = await apiValue<AlarmList>(page.request, server(), 'alarms.list', {});
  expect(list.active.length).toBe(count);
  expect(list.active.every((a) => a.rule === 'diskFree' && a.acknowledgedBy !== null)).toBe(true);
  await showView(page, 'Alarms');
  const active = page.getByRole('table', { name: 'Active alarms' });
  await expect(active.locator('tbody tr').filter({ hasText: 'DataRouter0' })).toContainText(new RegExp(`${list.active[0]!.acknowledgedBy} at \\d{4}-\\d\\d-\\d\\d`));

  // The threshold back: the alarms clear by themselves into the history.
  await apiValue(page.request, server(), 'alarms.rules.update', { rules: { diskFree: { minFreeGb: 0 } } });
  await expect(active.locator('tbody tr')).toHaveText(['No alarm is active']);
  await expect(page.getByRole('table', { name: 'Alarm history' }).locator('tbody tr').filter({ hasText: 'DataRouter0' })).toHaveCount(1);
});
