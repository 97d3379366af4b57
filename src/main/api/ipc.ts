// The API over Electron IPC, for the application's own window through the preload: calls by
// invoke, subscriptions pushed on `daq:data`. Every message is checked to come from the app's
// own page in a top-level frame. Only types come from Electron, so this module loads in Node.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import type { ApiResult } from '../../shared/api/errors';
import { IPC_CHANNELS } from '../../shared/api/transport';
import { isAppPage } from './app-page';
import { ipcCaller } from './caller';
import type { ApiService } from './service';
import { ClientSubscriptions } from './subscriptions';

export interface IpcOptions {
  ipcMain: IpcMain;
  service: ApiService;
  /** The address the window loads: the dev server's URL or the built index.html's file URL. */
  appUrl: string;
}

const NOT_OURS: ApiResult<never> = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'Only the application page may use the API over IPC' },
};

function isTrustedFrame(frame: WebFrameMain | null, appUrl: string): boolean {
  // A detached frame (null) or a subframe is never the app itself.
  return frame !== null && frame.parent === null && isAppPage(frame.url, appUrl);
}

/** Registers the IPC handlers; returns a function that removes them and ends every subscription. */
export function registerIpc({ ipcMain, service, appUrl }: IpcOptions): () => void {
  const caller = ipcCaller();
  const clients = new Map<number, ClientSubscriptions>();

  const tracked = new Set<number>();

  const end = (contentsId: number) => {
    clients.get(contentsId)?.close();
    clients.delete(contentsId);
  };

  const clientOf = (contents: WebContents): ClientSubscriptions => {
    const id = contents.id;
    if (!tracked.has(id)) {
      tracked.add(id);
      contents.once('destroyed', () => {
        end(id);
        tracked.delete(id);
      });
      contents.on('render-process-gone', () => end(id));
      // A reload starts a new page: the old page's subscriptions would only leak. The new page's
      // own subscriptions can only arrive after this, once it has loaded.
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) end(id);
      });
    }
    let client = clients.get(id);
    if (!client) {
      client = new ClientSubscriptions(service, caller);
      clients.set(id, client);
    }
    return client;
  };

  ipcMain.handle(IPC_CHANNELS.call, (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    if (!isTrustedFrame(event.senderFrame, appUrl)) return NOT_OURS;
    if (typeof name !== 'string') {
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'The operation name must be a string' } } satisfies ApiResult<never>;
    }
    return service.call(name, input, caller);
  });

  const onSubscribe = (event: IpcMainEvent, id: unknown, name: unknown, input: unknown) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) return;
    const sender = event.sender;
    const push = (result: ApiResult<unknown>) => {
      if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.data, id, result);
    };
    if (!isTrustedFrame(event.senderFrame, appUrl)) {
      push(NOT_OURS);
      return;
    }
    if (typeof name !== 'string') {
      push({ ok: false, error: { code: 'INVALID_INPUT', message: 'The operation name must be a string' } });
      return;
    }
    const refused = clientOf(sender).subscribe(id, name, input, push);
    if (refused) push({ ok: false, error: refused });
  };
  const onUnsubscribe = (event: IpcMainEvent, id: unknown) => {
    if (typeof id === 'string') clients.get(event.sender.id)?.unsubscribe(id);
  };
  ipcMain.on(IPC_CHANNELS.subscribe, onSubscribe);
  ipcMain.on(IPC_CHANNELS.unsubscribe, onUnsubscribe);

  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.off(IPC_CHANNELS.subscribe, onSubscribe);
    ipcMain.off(IPC_CHANNELS.unsubscribe, onUnsubscribe);
    for (const client of clients.values()) client.close();
    clients.clear();
  };
}
