// The Electron main process: one instance, one window on the application's own page, the API
// over IPC, and Electron's security checklist. Everything else lives in Node-testable modules.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, Notification, app, dialog, ipcMain, session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from './api/http-security';
import { ipcCaller } from './api/caller';
import { registerIpc } from './api/ipc';
import { openApplication, type Application } from './app/application';
import { registerFileDialogs } from './app/file-dialogs';
import { aboutMessageBox, applicationMenuTemplate } from './app/menu';
import { defaultDataDir } from './app/paths';
import { electronNativeBinding } from './native';
import type { AppInfo } from '../shared/domain';

const mainDir = dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const indexHtml = join(mainDir, '../renderer/index.html');
const appUrl = devServerUrl ?? pathToFileURL(indexHtml).href;
// Vite's dev server injects an inline script (React Fast Refresh): allowed in development only.
const csp = devServerUrl
  ? CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  : CONTENT_SECURITY_POLICY;

// The same data directory as the browser-interface server (npm run serve), so both show the
// same experiments; its lock keeps them from running at once. Chromium's own profile goes in
// a subfolder, and Electron's single-instance lock follows it.
const dataDir = defaultDataDir();
app.setPath('userData', join(dataDir, 'electron'));

let application: Application | undefined;
let stopIpc: (() => void) | undefined;
let mainWindow: BrowserWindow | undefined;

function isHttpsLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Electron's security checklist, for every web contents the app ever creates. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation and the like open in the user's browser; nothing opens in-app.
    if (isHttpsLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'AT-TPC DAQ Control',
    webPreferences: {
      preload: join(mainDir, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  if (devServerUrl) void mainWindow.loadURL(devServerUrl);
  else void mainWindow.loadFile(indexHtml);
}

/** Help > About: the same facts as the interface's About dialog, from app.info. */
async function showAbout(): Promise<void> {
  if (!application) return;
  const info = await application.service.call('app.info', {}, ipcCaller());
  if (!info.ok) {
    dialog.showErrorBox('About AT-TPC DAQ Control', info.error.message);
    return;
  }
  const options = aboutMessageBox(info.value as AppInfo);
  await (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
}

function start(): void {
  try {
    application = openApplication({
      dataDir,
      nativeBinding: electronNativeBinding({ packaged: app.isPackaged }),
      // The read-only monitors (when Setup opens them) get the built interface this window shows.
      monitor: devServerUrl ? {} : { staticDir: dirname(indexHtml) },
      // The window denies every permission request, so a new alarm's desktop notification comes from here.
      alarms: {
        notify: ({ title, body }) => {
          if (Notification.isSupported()) new Notification({ title, body }).show();
        },
      },
    });
  } catch (error) {
    dialog.showErrorBox('AT-TPC DAQ Control cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  const stopApi = registerIpc({ ipcMain, service: application.service, appUrl });
  const stopDialogs = registerFileDialogs({ ipcMain, dialog, appUrl, window: () => mainWindow, defaultFolder: () => app.getPath('documents') });
  stopIpc = () => {
    stopApi();
    stopDialogs();
  };

  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(process.platform, () => void showAbout())));
  createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another window of this application already runs on this data directory: it gets the focus.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (application && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  // Quitting waits for the application to close (its work under way ends, within the close
  // bound, before the database closes): the first will-quit is held, the second goes through.
  let closedForQuit = false;
  app.on('will-quit', (event) => {
    if (!application || closedForQuit) return;
    event.preventDefault();
    stopIpc?.();
    void application
      .close()
      .catch((error: unknown) => console.error('Closing failed:', error))
      .finally(() => {
        closedForQuit = true;
        app.quit();
      });
  });
  // Ctrl+C in the terminal that started it: quit the normal way, closing the database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  void app.whenReady().then(start);
}
