// The bridge between the sandboxed page and the main process: narrow functions over the API's
// IPC channels and the save dialog, never ipcRenderer itself. Declared for the renderer in index.d.ts.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiResult } from '../shared/api/errors';
import { IPC_CHANNELS, type FileSaveResult } from '../shared/api/transport';

type OnData = (result: ApiResult<unknown>) => void;

const listeners = new Map<string, OnData>();
let nextId = 0;

ipcRenderer.on(IPC_CHANNELS.data, (_event, id: unknown, result: ApiResult<unknown>) => {
  if (typeof id === 'string') listeners.get(id)?.(result);
});

function invalid(message: string): ApiResult<never> {
  return { ok: false, error: { code: 'INVALID_INPUT', message } };
}

const bridge = {
  /** Runs an operation; resolves with its ApiResult (never rejects for an API error). */
  call(name: string, input?: unknown): Promise<ApiResult<unknown>> {
    if (typeof name !== 'string') return Promise.resolve(invalid('The operation name must be a string'));
    return ipcRenderer.invoke(IPC_CHANNELS.call, name, input) as Promise<ApiResult<unknown>>;
  },

  /** Subscribes to a query: onData gets its result now and after every change. Returns the unsubscribe function. */
  subscribe(name: string, input: unknown, onData: OnData): () => void {
    if (typeof onData !== 'function') throw new TypeError('onData must be a function');
    if (typeof name !== 'string') {
      queueMicrotask(() => onData(invalid('The operation name must be a string')));
      return () => {};
    }
    const id = `s${++nextId}`;
    listeners.set(id, onData);
    ipcRenderer.send(IPC_CHANNELS.subscribe, id, name, input);
    return () => {
      if (listeners.delete(id)) ipcRenderer.send(IPC_CHANNELS.unsubscribe, id);
    };
  },

  /** Asks where to save a text file (system dialog), then writes it. */
  saveFile(suggestedName: string, content: string): Promise<FileSaveResult> {
    return ipcRenderer.invoke(IPC_CHANNELS.saveFile, { suggestedName: String(suggestedName), content: String(content) }) as Promise<FileSaveResult>;
  },
};

contextBridge.exposeInMainWorld('daq', bridge);
