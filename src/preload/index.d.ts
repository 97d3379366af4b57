// What the preload gives the page, for the renderer's type checks (no Node or Electron types).
// In a plain browser (npm run serve) there is no preload: window.daq is undefined and the
// renderer uses HTTP and the WebSocket instead (src/shared/api/transport.ts).
import type { ApiResult } from '../shared/api/errors';
import type { FileSaveResult } from '../shared/api/transport';

export interface DaqBridge {
  /** Runs an operation; resolves with its ApiResult (an API error is a result, not a rejection). */
  call(name: string, input?: unknown): Promise<ApiResult<unknown>>;
  /** Subscribes to a query: onData gets its result now and after every change. Returns the unsubscribe function. */
  subscribe(name: string, input: unknown, onData: (result: ApiResult<unknown>) => void): () => void;
  /** A system save dialog, then the text written to the chosen file. */
  saveFile(suggestedName: string, content: string): Promise<FileSaveResult>;
}

declare global {
  interface Window {
    daq?: DaqBridge;
  }
}
