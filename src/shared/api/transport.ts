// How the API travels, for both ends of each transport: the Electron IPC channels the preload
// uses, and the HTTP paths and WebSocket messages a browser uses. The operations themselves are
// in contract.ts; every result is an ApiResult.
import type { ApiResult } from './errors';

/** Electron IPC channels (main process <-> preload). */
export const IPC_CHANNELS = {
  /** invoke(name, input) -> ApiResult */
  call: 'daq:call',
  /** send(id, name, input); results arrive on `data` */
  subscribe: 'daq:subscribe',
  /** send(id) */
  unsubscribe: 'daq:unsubscribe',
  /** main -> renderer: (id, ApiResult) */
  data: 'daq:data',
  /** invoke({ suggestedName, content }) -> FileSaveResult: a save dialog, then the file written */
  saveFile: 'daq:save-file',
} as const;

/** What a save dialog ended with. */
export type FileSaveResult = { saved: true; path: string } | { saved: false; error?: string };


/** `POST <API_PATH_PREFIX><operation>` with the input as a JSON body answers an ApiResult. */
export const API_PATH_PREFIX = '/api/';
/** The WebSocket endpoint, same origin as the page. */
export const WEBSOCKET_PATH = '/api/ws';
/**
 * Cookie set by `GET /?token=<token>`; authorizes the page's requests and WebSocket. Browsers do
 * not separate cookies by port, so the name carries it: two servers on one computer (say, an
 * operator's and a read-only monitor) do not overwrite each other's.
 */
export function tokenCookieName(port: number): string {
  return `daq_token_${port}`;
}

/** Messages a client sends over the WebSocket. */
export type ClientMessage =
  /** Start a subscription to a query; results arrive as `data` messages with the same id. */
  | { type: 'subscribe'; id: string; op: string; input?: unknown }
  /** End a subscription. */
  | { type: 'unsubscribe'; id: string }
  /** Run one operation; the answer is a `result` message with the same id. */
  | { type: 'call'; id: string; op: string; input?: unknown };

/** Messages the server sends over the WebSocket. */
export type ServerMessage =
  /** A subscription's result: first at once, then after every change to it. */
  | { type: 'data'; id: string; result: ApiResult<unknown> }
  /** The answer to a `call`. */
  | { type: 'result'; id: string; result: ApiResult<unknown> }
  /** A message the server could not act on (not JSON, unknown type, missing id...). */
  | { type: 'error'; message: string; id?: string };
