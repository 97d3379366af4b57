// The Electron window's application menu: the platform's usual menus, and About in Help (in the
// application menu on macOS) showing what the interface's About dialog shows. Only types come
// from Electron, so this module loads in Node and its tests.
import type { MenuItemConstructorOptions, MessageBoxOptions } from 'electron';
import { PRODUCT_NAME, aboutLines } from '../../shared/about';
import type { AppInfo } from '../../shared/domain';

export const ABOUT_LABEL = `About ${PRODUCT_NAME}`;

export function applicationMenuTemplate(platform: NodeJS.Platform, onAbout: () => void): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: ABOUT_LABEL, click: onAbout };
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ label: PRODUCT_NAME, submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: mac ? [] : [about] },
  ];
}

/** The About message box, from app.info. */
export function aboutMessageBox(info: AppInfo): MessageBoxOptions {
  return {
    type: 'info',
    title: ABOUT_LABEL,
    message: `${PRODUCT_NAME} ${info.version}`,
    detail: aboutLines(info)
      .map(({ label, value }) => `${label}: ${value}`)
      .join('\n'),
    buttons: ['OK'],
  };
}
