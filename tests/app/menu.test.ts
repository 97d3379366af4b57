// The Electron window's menu and its About box (src/main/app/menu.ts), built from templates that
// need no Electron to check.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { ABOUT_LABEL, aboutMessageBox, applicationMenuTemplate } from '../../src/main/app/menu';

function findAbout(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.label === ABOUT_LABEL) return item;
    const found = Array.isArray(item.submenu) ? findAbout(item.submenu as MenuItemConstructorOptions[]) : undefined;
    if (found) return found;
  }
  return undefined;
}

describe('the application menu', () => {
  it.each(['linux', 'win32'] as const)('has About in Help on %s, opening the About box', (platform) => {
    let opened = 0;
    const template = applicationMenuTemplate(platform, () => opened++);
    const help = template.find((item) => item.role === 'help');
    expect((help?.submenu as MenuItemConstructorOptions[]).map((item) => item.label)).toEqual([ABOUT_LABEL]);
    (findAbout(template)!.click as () => void)();
    expect(opened).toBe(1);
  });

  it("has About first in the application's own menu on macOS", () => {
    const [appMenu] = applicationMenuTemplate('darwin', () => {});
    expect((appMenu?.submenu as MenuItemConstructorOptions[])[0]?.label).toBe(ABOUT_LABEL);
  });

  it('says the version, the data directory and the schema version in the About box', () => {
    const box = aboutMessageBox({ version: '0.1.0', schemaVersion: 7, readOnly: false, dataDir: '/home/shift/.local/share/attpc-daq' });
    expect(box.message).toBe('AT-TPC DAQ Control 0.1.0');
    expect(box.detail).toBe('Version: 0.1.0\nData directory: /home/shift/.local/share/attpc-daq\nDatabase schema version: 7');
  });
});
