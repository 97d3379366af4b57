// Test fixtures for the HTTP/WebSocket transport: a real application on a temporary data
// directory, served on a free port of 127.0.0.1, and raw HTTP requests (node:http, so tests
// can send any Host or Origin header they like).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { openApplication, type Application } from '../../src/main/app/application';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../src/main/api/http-server';
import type { ServerMessage } from '../../src/shared/api/transport';
import { tempDir } from '../support/store';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Runs `cleanup` after the current test (last registered, first run). */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export interface TestServer {
  application: Application;
  server: HttpServer;
  dataDir: string;
  token: string;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** host:port as a browser would send it. */
  host: string;
  /** POST /api/<name> with the token; the parsed answer. */
  api(name: string, input?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export async function startTestServer(
  options: Omit<HttpServerOptions, 'application'> & { dataDir?: string; appReadOnly?: boolean } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir('daq-http-');
  const application = openApplication({ dataDir, readOnly: options.appReadOnly ?? false });
  onCleanup(() => application.close());
  const { dataDir: _ignored, appReadOnly: _alsoIgnored, ...serverOptions } = options;
  const server = await startHttpServer({ application, ...serverOptions });
  onCleanup(() => server.close());
  const host = `127.0.0.1:${server.port}`;
  return {
    application,
    server,
    dataDir,
    token: application.token,
    url: server.url,
    host,
    api: (name, input = {}, headers = {}) =>
      request(`${server.url}/api/${name}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${application.token}`, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(input),
      }),
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: { ok: boolean; value?: unknown; error?: { code: string; message: string; field?: string } } | undefined;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent as is, unnormalized (`/../x`), instead of the URL's own path. */
  rawPath?: string;
}

/** One HTTP request with exactly the given headers; never follows redirects. */
export function request(url: string, options: RequestOptions = {}): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.rawPath ?? `${target.pathname}${target.search}`,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Answer['json'];
          try {
            json = JSON.parse(text) as Answer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The `daq_token_<port>=...` pair of a Set-Cookie answer, ready for a Cookie header. */
export function cookieFrom(answer: Answer): string {
  const setCookie = answer.headers['set-cookie']?.[0];
  if (!setCookie) throw new Error('No Set-Cookie in the answer');
  return setCookie.split(';')[0] as string;
}

/** A WebSocket client that queues the server's messages so a test can wait for the next one. */
export class TestSocket {
  private readonly queue: ServerMessage[] = [];
  private readonly waiters: ((message: ServerMessage) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
  }

  /** Connects, or rejects with the HTTP status of the refused upgrade (`Refused 401`). */
  static connect(url: string, headers: Record<string, string> = {}, options: { autoPong?: boolean } = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws') + '/api/ws', { headers, ...options });
      ws.once('open', () => {
        const socket = new TestSocket(ws);
        onCleanup(() => socket.close());
        resolve(socket);
      });
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`Refused ${res.statusCode}`));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message from the server. */
  next(): Promise<ServerMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Waits for the next message that satisfies `match`, skipping others. */
  async nextMatching(match: (message: ServerMessage) => boolean): Promise<ServerMessage> {
    for (;;) {
      const message = await this.next();
      if (match(message)) return message;
    }
  }

  /** Messages received but not yet read. */
  get pending(): number {
    return this.queue.length;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
