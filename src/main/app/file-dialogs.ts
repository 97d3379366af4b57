// The save dialog of the Electron window (the run sheet's CSV, the setup's export). The page
// never names a path: the operator picks it in the system dialog, and only the
// application's own page may ask (the same frame check as the API's channels).
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type FileSaveResult } from '../../shared/api/transport';
import { isAppPage } from '../api/app-page';

export interface FileDialogOptions {
  ipcMain: IpcMain;
  dialog: Dialog;
  appUrl: string;
  window: () => BrowserWindow | undefined;
  /** The folder a save dialog starts in (the user's documents). */
  defaultFolder: () => string;
}

const MAX_SAVED_CHARS = 50 * 1024 * 1024;

function fromAppPage(event: IpcMainInvokeEvent, appUrl: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppPage(frame.url, appUrl);
}

/** Registers the save-dialog channel; returns a function that removes it. */
export function registerFileDialogs({ ipcMain, dialog, appUrl, window, defaultFolder }: FileDialogOptions): () => void {
  ipcMain.handle(IPC_CHANNELS.saveFile, async (event, request: unknown): Promise<FileSaveResult> => {
    if (!fromAppPage(event, appUrl)) return { saved: false, error: 'Only the application page may save files' };
    const { suggestedName, content } = (request ?? {}) as { suggestedName?: unknown; content?: unknown };
    if (typeof suggestedName !== 'string' || typeof content !== 'string' || content.length > MAX_SAVED_CHARS) {
      return { saved: false, error: 'Nothing valid to save' };
    }
    const owner = window();
    const options = { defaultPath: join(defaultFolder(), basename(suggestedName)) };
    const chosen = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
    if (chosen.canceled || !chosen.filePath) return { saved: false };
    try {
      // The system dialog has asked the operator before replacing an existing file.
      await writeFile(chosen.filePath, content, { encoding: 'utf8', flush: true });
      return { saved: true, path: chosen.filePath };
    } catch (error) {
      return { saved: false, error: `Could not write ${chosen.filePath}: ${(error as Error).message}` };
    }
  });

  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.saveFile);
  };
}
