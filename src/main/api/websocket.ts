// The API over one WebSocket: calls and subscriptions, multiplexed by the client's ids. All
// subscriptions of a socket end when it closes; a heartbeat drops sockets whose peer is gone.
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { ClientMessage, ServerMessage } from '../../shared/api/transport';
import type { Caller } from './handler';
import type { ApiService } from './service';
import { ClientSubscriptions } from './subscriptions';

/** Largest message a client may send, like the HTTP body limit. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** A client that lets this much pile up unread is too slow to follow; it is dropped. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

const messageId = z.string().min(1, 'id is required').max(200, 'id is too long');
const operationName = z.string().min(1, 'op is required').max(200, 'op is too long');
const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), id: messageId, op: operationName, input: z.unknown().optional() }),
  z.object({ type: z.literal('unsubscribe'), id: messageId }),
  z.object({ type: z.literal('call'), id: messageId, op: operationName, input: z.unknown().optional() }),
]);

/** Reads a client message, or says what is wrong with it. */
export function parseClientMessage(text: string): ClientMessage | { error: string; id?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: 'Not JSON' };
  }
  const parsed = clientMessage.safeParse(data);
  if (parsed.success) return parsed.data as ClientMessage;
  const id = (data as { id?: unknown } | null)?.id;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const message = `Bad message: ${where}${issue?.message ?? 'invalid'} (expected {type: 'subscribe' | 'unsubscribe' | 'call', id, op, input})`;
  return typeof id === 'string' && id.length <= 200 ? { error: message, id } : { error: message };
}

export interface ApiSocketServerOptions {
  service: ApiService;
  /** Decides who the socket's requests come from, from the upgrade request. */
  callerFor(req: IncomingMessage): Caller;
  heartbeatMs?: number;
  /** Called when a client connects or goes away (what shows how many are connected). */
  onClientsChange?: (() => void) | undefined;
}

/** A WebSocket server (noServer) that speaks the API; the HTTP server hands it authorized upgrades. */
export class ApiSocketServer {
  readonly wss: WebSocketServer;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: ApiSocketServerOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, clientTracking: true });
    this.wss.on('connection', (ws, req: IncomingMessage) => this.serve(ws, req));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }

  private serve(ws: WebSocket, req: IncomingMessage): void {
    const caller = this.options.callerFor(req);
    const subscriptions = new ClientSubscriptions(this.options.service, caller);
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      subscriptions.close();
      this.options.onClientsChange?.();
    });
    this.options.onClientsChange?.();

    const send = (message: ServerMessage): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    };

    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ type: 'error', message: 'Binary messages are not understood: send JSON text' });
        return;
      }
      const message = parseClientMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      if ('error' in message) {
        send(message.id === undefined ? { type: 'error', message: message.error } : { type: 'error', message: message.error, id: message.id });
        return;
      }
      switch (message.type) {
        case 'subscribe': {
          const { id } = message;
          const refused = subscriptions.subscribe(id, message.op, message.input, (result) => send({ type: 'data', id, result }));
          if (refused) send({ type: 'data', id, result: { ok: false, error: refused } });
          return;
        }
        case 'unsubscribe':
          subscriptions.unsubscribe(message.id);
          return;
        case 'call': {
          const { id } = message;
          void this.options.service.call(message.op, message.input, caller).then((result) => send({ type: 'result', id, result }));
          return;
        }
      }
    });
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  /** Closes every socket with a code and a reason the client can show; the server stays open. */
  disconnectAll(code: number, reason: string): void {
    for (const ws of this.wss.clients) ws.close(code, reason);
  }

  /** Closes every socket (going away, for `reason`) and stops the heartbeat. */
  close(reason = 'Server shutting down'): Promise<void> {
    clearInterval(this.heartbeat);
    this.disconnectAll(1001, reason);
    return new Promise((resolve) => {
      // Sockets that do not finish the closing handshake promptly are cut.
      const timer = setTimeout(() => {
        for (const ws of this.wss.clients) ws.terminate();
      }, 1000);
      timer.unref();
      this.wss.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
