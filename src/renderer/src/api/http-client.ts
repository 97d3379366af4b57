// The API in a browser: calls are POSTs to /api/<operation>, subscriptions share one WebSocket
// at /api/ws that reconnects with backoff and re-subscribes everything when it comes back.
// Authentication is an HttpOnly cookie set when the page was opened with its token link, so
// nothing here ever sees the token.
import type { ApiClient, InputOf, OperationName, OutputOf, QueryName } from '../../../shared/api/contract';
import { ApiError, type ApiResult } from '../../../shared/api/errors';
import { API_PATH_PREFIX, WEBSOCKET_PATH, type ServerMessage } from '../../../shared/api/transport';
import type { ConnectionState } from './connection';
import { isApiResult, unwrap } from './result';

interface Subscription {
  op: QueryName;
  input: unknown;
  onResult: (result: ApiResult<unknown>) => void;
}


function parseServerMessage(text: string): ServerMessage | undefined {
  try {
    const message = JSON.parse(text) as Record<string, unknown>;
    if ((message.type === 'data' || message.type === 'result') && isApiResult(message.result)) {
      return { type: message.type, id: String(message.id), result: message.result };
    }
    if (message.type === 'error') return { type: 'error', message: String(message.message) };
  } catch {
    // Fall through: an unreadable message is reported by the caller.
  }
  return undefined;
}

/** Delay before the n-th reconnection attempt (0-based): doubling from 250 ms up to 10 s, with jitter. */
export function reconnectDelay(attempt: number): number {
  const base = Math.min(10_000, 250 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export interface HttpClientOptions {
  /** Where the API lives; the page's own origin by default. */
  baseUrl?: string;
  onConnectionChange?: (state: ConnectionState) => void;
}

export class HttpClient implements ApiClient {
  private readonly baseUrl: URL;
  private readonly subscriptions = new Map<string, Subscription>();
  private nextId = 1;
  private socket: WebSocket | undefined;
  private state: ConnectionState = 'connecting';
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.baseUrl = new URL(options.baseUrl ?? window.location.origin);
    // Coming back online is a good moment to retry at once instead of waiting out the backoff.
    window.addEventListener('online', this.retryNow);
    this.connect();
  }

  async call<K extends OperationName>(name: K, input: InputOf<K>): Promise<OutputOf<K>> {
    let response: Response;
    try {
      response = await fetch(new URL(`${API_PATH_PREFIX}${encodeURIComponent(name)}`, this.baseUrl), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new ApiError('INTERNAL', 'The DAQ server cannot be reached; check that it is still running');
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (isApiResult(body)) {
      if (!body.ok && body.error.code === 'UNAUTHORIZED') this.setState('unauthorized');
      return unwrap<OutputOf<K>>(body);
    }
    if (response.status === 401 || response.status === 403) {
      this.setState('unauthorized');
      throw new ApiError('UNAUTHORIZED', 'Not signed in: open the link the server printed (with its token) again');
    }
    throw new ApiError('INTERNAL', `Unexpected answer from the server (HTTP ${response.status})`);
  }

  subscribe<K extends QueryName>(
    name: K,
    input: InputOf<K>,
    onData: (value: OutputOf<K>) => void,
    onError: (error: Error) => void,
  ): () => void {
    const id = `s${this.nextId++}`;
    const subscription: Subscription = {
      op: name,
      input: input ?? {},
      onResult: (result) => {
        if (result.ok) onData(result.value as OutputOf<K>);
        else onError(ApiError.from(result.error));
      },
    };
    this.subscriptions.set(id, subscription);
    this.sendSubscribe(id, subscription);
    return () => {
      if (!this.subscriptions.delete(id)) return;
      this.send({ type: 'unsubscribe', id });
    };
  }

  /** Closes the socket for good (tests, hot reload). */
  close(): void {
    this.closed = true;
    window.removeEventListener('online', this.retryNow);
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.subscriptions.clear();
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onConnectionChange?.(state);
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendSubscribe(id: string, subscription: Subscription): void {
    this.send({ type: 'subscribe', id, op: subscription.op, input: subscription.input });
  }

  private connect(): void {
    if (this.closed) return;
    const url = new URL(WEBSOCKET_PATH, this.baseUrl);
    url.protocol = this.baseUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;

    socket.addEventListener('open', () => {
      opened = true;
      this.attempt = 0;
      this.setState('connected');
      // The server keeps no subscriptions across connections: send them all again; each
      // answers with its current result at once.
      for (const [id, subscription] of this.subscriptions) this.sendSubscribe(id, subscription);
    });

    socket.addEventListener('message', (event: MessageEvent) => {
      const message = typeof event.data === 'string' ? parseServerMessage(event.data) : undefined;
      if (!message) {
        console.warn('Unreadable message from the server', event.data);
        return;
      }
      if (message.type === 'error') {
        console.warn('The server refused a message:', message.message);
        return;
      }
      this.subscriptions.get(message.id)?.onResult(message.result);
    });

    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.closed) return;
      if (opened) this.setState('reconnecting');
      this.scheduleReconnect(opened);
    });
  }

  private scheduleReconnect(wasOpen: boolean): void {
    clearTimeout(this.retryTimer);
    const delay = reconnectDelay(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
    // A socket refused before it opened may mean the session cookie is gone rather than the
    // server: ask over HTTP, which says which (a WebSocket handshake cannot).
    if (!wasOpen) void this.checkSession();
  }

  private async checkSession(): Promise<void> {
    try {
      const response = await fetch(new URL(`${API_PATH_PREFIX}app.info`, this.baseUrl), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (this.state === 'connected') return;
      this.setState(response.status === 401 ? 'unauthorized' : 'reconnecting');
    } catch {
      if (this.state !== 'connected') this.setState('reconnecting');
    }
  }

  private readonly retryNow = (): void => {
    if (this.socket || this.closed) return;
    clearTimeout(this.retryTimer);
    this.connect();
  };
}
