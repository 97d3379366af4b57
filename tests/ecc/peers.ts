// Tiny real peers on 127.0.0.1 for the ECC client and gateway tests: HTTP and TCP servers that
// answer as gSOAP does, or badly (each closed after its test), answers shaped as gSOAP writes
// them, and the EccCallError a call ends with.
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { EccCallError, type EccEndpoint } from '../../src/main/ecc/gateway';

const servers: (HttpServer | NetServer)[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          if ('closeAllConnections' in s) s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** Listens on a free loopback port until the end of the test; the endpoint speaks urn:ecc. */
export async function listen(server: HttpServer | NetServer): Promise<EccEndpoint> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: '127.0.0.1', port: (server.address() as AddressInfo).port, soapNamespace: 'urn:ecc' };
}

export interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** An HTTP peer: `answer` writes the response to each request, once its body is in; every request is recorded. */
export async function httpPeer(answer: (res: ServerResponse, received: Received) => void): Promise<{ endpoint: EccEndpoint; received: Received[] }> {
  const received: Received[] = [];
  const endpoint = await listen(
    createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
        received.push(request);
        answer(res, request);
      });
    }),
  );
  return { endpoint, received };
}

/** A TCP peer that reads the request, then does whatever `act` does with the raw socket. */
export async function tcpPeer(act: (socket: Socket) => void): Promise<EccEndpoint> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let request = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      request += chunk.toString('latin1');
      const end = request.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(request.slice(0, end))?.[1] ?? 0);
      if (request.length - end - 4 < length) return;
      answered = true;
      act(socket);
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return listen(server);
}

/** A TCP peer that accepts and never answers; `closed` tells when the client's socket closes. */
export async function silentPeer(): Promise<{ endpoint: EccEndpoint; closed: Promise<number> }> {
  let closedAt!: (t: number) => void;
  const closed = new Promise<number>((resolve) => (closedAt = resolve));
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    socket.resume();
    socket.on('close', () => closedAt(Date.now()));
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return { endpoint: await listen(server), closed };
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The EccCallError `promise` rejects with; anything else (a success included) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<EccCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EccCallError) return error;
    throw error;
  }
  throw new Error('The call succeeded');
}

// ---------------------------------------------------------------------------------------------
// Answers as gSOAP writes them

export const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ecc="urn:ecc">';

export function envelope(body: string): string {
  return `${ENVELOPE_OPEN}<SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>\n`;
}

/** A ResponseState by its wire codes (State 1 is Idle, Transition 0 none). */
export const stateAnswer = (state: number, transition: number, message = '') =>
  envelope(
    `<ecc:ResponseState><ecc:ErrorCode>0</ecc:ErrorCode>${message ? `<ecc:ErrorMessage>${message}</ecc:ErrorMessage>` : '<ecc:ErrorMessage/>'}` +
      `<ecc:State>${state}</ecc:State><ecc:Transition>${transition}</ecc:Transition></ecc:ResponseState>`,
  );

export const faultAnswer = (faultString: string) =>
  envelope(`<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>${faultString}</faultstring></SOAP-ENV:Fault>`);

/** Answers as a gSOAP server does: the whole body with its length, then the connection closed. */
export function gsoap(res: ServerResponse, body: string, status = 200, contentType = 'text/xml; charset=utf-8'): void {
  res.writeHead(status, { Server: 'gSOAP/2.7', 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

/** An HTTP response written by hand, as a gSOAP server writes it (no chunking). */
export function rawAnswer(body: string, status = '200 OK'): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const head = `HTTP/1.1 ${status}\r\nServer: gSOAP/2.7\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}
