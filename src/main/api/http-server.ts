// The API for browsers and scripts: `POST /api/<operation>`, a WebSocket at /api/ws, and the
// built renderer as static files, all behind the API token. It serves the same ApiService as
// Electron's IPC, so both interfaces behave alike.
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP_STATUS, type ApiErrorData, type ApiResult, type ErrorCode } from '../../shared/api/errors';
import { API_PATH_PREFIX, WEBSOCKET_PATH } from '../../shared/api/transport';
import type { Application } from '../app/application';
import { TOKEN_FILE } from '../app/token';
import { httpCaller } from './caller';
import {
  isAllowedHost,
  isAllowedOrigin,
  isAuthorized,
  isLoopback,
  setSecurityHeaders,
  tokenCookie,
  tokensEqual,
} from './http-security';
import { lookupStaticFile, sendStaticFile } from './static-files';
import { ApiSocketServer } from './websocket';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpServerOptions {
  application: Pick<Application, 'service' | 'token' | 'readOnly'>;
  /** Address to listen on; loopback by default. Anything else exposes the API to the network. */
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** Every caller is read-only (also when the application itself is). */
  readOnly?: boolean;
  /** The built renderer (out/renderer); without it only the API is served. */
  staticDir?: string;
  maxBodyBytes?: number;
  heartbeatMs?: number;
  /** Called when a WebSocket client connects or goes away. */
  onClientsChange?: () => void;
  /** The data directory's file that holds this server's token, named on the sign-in page. */
  tokenFile?: string;
}

export interface HttpServer {
  /** Base address, e.g. `http://127.0.0.1:8765`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** WebSocket clients connected now. */
  readonly connections: number;
  /** Closes every WebSocket with a code and a reason the client can show; the server stays open. */
  disconnect(code: number, reason: string): void;
  /** Stops listening; the WebSockets are closed as going away, for `reason`. */
  close(reason?: string): Promise<void>;
}

class BodyTooLarge extends Error {}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const error: ApiErrorData = { code, message };
  sendJson(res, status, { ok: false, error } satisfies ApiResult<never>);
}

const UNAUTHORIZED_MESSAGE =
  'Missing or wrong API token: open the address the server printed (http://…/?token=…), or send Authorization: Bearer <token>';

function sendUnauthorizedPage(res: ServerResponse, tokenFile: string): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AT-TPC DAQ: sign-in needed</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>AT-TPC DAQ control</h1>
<p>This page needs the API token. Open the address printed by the server when it started,
the one that ends in <code>/?token=…</code>. It is also in the file <code>${tokenFile}</code> in the data directory.</p>
</body></html>
`;
  res.statusCode = 401;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(html));
  res.end(html);
}

function wantsHtml(req: IncomingMessage, pathname: string): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !pathname.startsWith('/api') && (req.headers.accept ?? '').includes('text/html');
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Refuses an upgrade before any WebSocket exists, with a short JSON answer. */
function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ ok: false, error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}

/** Starts serving; resolves once listening. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { application } = options;
  const host = options.host ?? '127.0.0.1';
  const readOnly = options.readOnly === true || application.readOnly;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const loopback = isLoopback(host);
  const tokenFile = options.tokenFile ?? TOKEN_FILE;
  let port = options.port ?? 0;

  const callerFor = (req: IncomingMessage) => httpCaller(req.socket.remoteAddress, readOnly);
  const sockets = new ApiSocketServer({
    service: application.service,
    callerFor,
    heartbeatMs: options.heartbeatMs,
    onClientsChange: options.onClientsChange,
  });

  /** The checks every request and upgrade passes first; returns the refusal, if any. */
  const refusal = (req: IncomingMessage, changes: boolean): { status: number; code: ErrorCode; message: string } | undefined => {
    if (loopback && !isAllowedHost(req.headers.host, port, host)) {
      return { status: 403, code: 'REFUSED', message: `Unexpected Host header: use http://127.0.0.1:${port}/` };
    }
    if (changes && !isAllowedOrigin(req.headers.origin, req.headers.host)) {
      return { status: 403, code: 'REFUSED', message: 'Cross-origin requests are refused' };
    }
    return undefined;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (pathname === WEBSOCKET_PATH) {
      res.setHeader('Upgrade', 'websocket');
      sendError(res, 426, 'INVALID_INPUT', `${WEBSOCKET_PATH} is a WebSocket endpoint`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, 405, 'INVALID_INPUT', 'Use POST with a JSON body');
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      res.setHeader('Connection', 'close');
      sendError(res, 413, 'INVALID_INPUT', `The request body is larger than ${maxBodyBytes} bytes`);
      return;
    }
    let text: string;
    try {
      text = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        sendError(res, 413, 'INVALID_INPUT', `The request body is larger than ${maxBodyBytes} bytes`);
        req.resume();
        return;
      }
      throw error;
    }
    let input: unknown;
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text);
      } catch (error) {
        sendError(res, 400, 'INVALID_INPUT', `Malformed JSON body: ${(error as Error).message}`);
        return;
      }
    }
    const name = pathname.slice(API_PATH_PREFIX.length);
    const result = await application.service.call(name, input, callerFor(req));
    sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (!req.url?.startsWith('/')) {
      sendError(res, 400, 'INVALID_INPUT', 'Bad request target');
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    const pathname = url.pathname;
    const isApi = pathname === '/api' || pathname.startsWith(API_PATH_PREFIX);
    if (isApi) res.setHeader('Cache-Control', 'no-store');

    const refused = refusal(req, req.method !== 'GET' && req.method !== 'HEAD');
    if (refused) {
      sendError(res, refused.status, refused.code, refused.message);
      return;
    }

    // `/?token=<token>`: trade the token in the address for a cookie, then drop it from the address.
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && !isApi && (req.method === 'GET' || req.method === 'HEAD')) {
      res.setHeader('Cache-Control', 'no-store');
      if (!tokensEqual(queryToken, application.token)) {
        sendUnauthorizedPage(res, tokenFile);
        return;
      }
      url.searchParams.delete('token');
      res.statusCode = 303;
      res.setHeader('Set-Cookie', tokenCookie(application.token, port));
      res.setHeader('Location', `${pathname}${url.search}`);
      res.end();
      return;
    }

    if (!isAuthorized(req, application.token, port)) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('WWW-Authenticate', 'Bearer realm="attpc-daq"');
      if (wantsHtml(req, pathname)) sendUnauthorizedPage(res, tokenFile);
      else sendError(res, 401, 'UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
      return;
    }

    if (isApi) {
      if (pathname === '/api') sendError(res, 404, 'UNKNOWN_OPERATION', 'Use POST /api/<operation>');
      else await handleApi(req, res, pathname);
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(res, 405, 'INVALID_INPUT', 'Only GET and HEAD are served here');
      return;
    }
    if (!options.staticDir) {
      sendError(res, 404, 'NOT_FOUND', 'This server has no user interface to serve: build it with electron-vite build');
      return;
    }
    const found = await lookupStaticFile(options.staticDir, pathname);
    if ('status' in found) {
      const message = found.status === 404 ? 'Not found' : found.status === 403 ? 'Forbidden' : 'Bad path';
      sendError(res, found.status, found.status === 404 ? 'NOT_FOUND' : 'REFUSED', message);
      return;
    }
    sendStaticFile(req, res, found.file, found.size);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('HTTP request failed:', error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error');
      else res.destroy();
    });
  });
  // Slow-loris defence: a request must arrive in full within this time.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== WEBSOCKET_PATH) {
      refuseUpgrade(socket, 404, 'NOT_FOUND', `WebSocket connections go to ${WEBSOCKET_PATH}`);
      return;
    }
    const refused = refusal(req, true);
    if (refused) {
      refuseUpgrade(socket, refused.status, refused.code, refused.message);
      return;
    }
    if (!isAuthorized(req, application.token, port)) {
      refuseUpgrade(socket, 401, 'UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
      return;
    }
    sockets.wss.handleUpgrade(req, socket, head, (ws) => sockets.wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  }).catch(async (error: unknown) => {
    await sockets.close();
    throw error;
  });
  port = (server.address() as AddressInfo).port;

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    get connections() {
      return sockets.clientCount;
    },
    disconnect(code, reason) {
      sockets.disconnectAll(code, reason);
    },
    close(reason) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await sockets.close(reason);
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
