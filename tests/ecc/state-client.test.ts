// The lean GetState client (state-client.ts) of the refresh rounds, in this thread, against real
// simulators and hand-made peers on 127.0.0.1: what it sends, how it reads answers however they
// arrive, and that every failure is reported as the same kind as the `soap` client reports it.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import { resolveEccWorker } from '../../src/main/ecc/pool';
import { closeEccSimulators, GARBAGE_BODY, startEccSimulator, type EccSimulator, type EccSimulatorOptions } from '../../src/main/ecc/simulator';
import { EccSoapClients, MAX_ANSWER_BYTES } from '../../src/main/ecc/soap-client';
import { getState, getStateEnvelope } from '../../src/main/ecc/state-client';
import { closedPort, ENVELOPE_OPEN, envelope, failure, faultAnswer, gsoap, httpPeer, rawAnswer, stateAnswer, tcpPeer } from './peers';

const WSDL = join(import.meta.dirname, '../../resources/ecc.wsdl');
const SOFT_MS = 500;
const limit = { timeoutMs: SOFT_MS };

const simulators: EccSimulator[] = [];
afterEach(() => closeEccSimulators(simulators.splice(0)));

async function simulator(options: EccSimulatorOptions = {}): Promise<EccSimulator> {
  const sim = await startEccSimulator({ strict: true, stepMs: 0, log: () => {}, ...options });
  simulators.push(sim);
  return sim;
}


describe('GetState as the simulator receives it', () => {
  for (const namespace of ['urn:ecc', 'urn:http://localhost:8083/', `urn:a&b<c>"d'e`]) {
    it(`is accepted byte for byte, exactly as built, in the namespace ${namespace}`, async () => {
      const sim = await simulator({ namespace, state: 'Prepared' });
      const report = await getState(sim.endpoint, limit);
      expect(report).toEqual({ state: 'Prepared', transition: null, errorCode: 0, errorMessage: '' });
      const [received] = sim.requests;
      expect(sim.requests).toHaveLength(1);
      expect(received!.body).toBe(getStateEnvelope(namespace));
      expect(received).toMatchObject({ method: 'POST', operation: 'GetState', operationNamespace: namespace, fields: {}, outcome: 200 });
    });
  }

  it('is read by the simulator as it reads the soap client\'s GetState, and both read its answer alike', async () => {
    const sim = await simulator({ stepMs: 5_000, state: 'Described' });
    const soap = new EccSoapClients(WSDL);
    void soap.step(sim.endpoint, 'Prepare', '', '', { timeoutMs: 10_000 }).catch(() => {});
    await sim.waitForRequest((r) => r.operation === 'Prepare');
    const lean = await getState(sim.endpoint, limit);
    const viaSoap = await soap.getState(sim.endpoint, limit);
    expect(lean).toEqual({ state: 'Described', transition: 'Prepare', errorCode: 0, errorMessage: 'The ECC state machine is busy!' });
    expect(lean).toEqual(viaSoap);
    const [leanRecord, soapRecord] = sim.requests.filter((r) => r.operation === 'GetState');
    const { operation, operationNamespace, fields, outcome, response } = soapRecord!;
    expect(leanRecord).toMatchObject({ operation, operationNamespace, fields, outcome, response });
  });

  it('is one POST to / with the WSDL\'s empty SOAPAction, as text/xml in UTF-8, on a connection of its own', async () => {
    const peer = await httpPeer((res) => gsoap(res, stateAnswer(1, 0)));
    await getState(peer.endpoint, limit);
    await getState(peer.endpoint, limit);
    expect(peer.received).toHaveLength(2);
    const [first] = peer.received;
    expect(first!.method).toBe('POST');
    expect(first!.url).toBe('/');
    expect(first!.headers.soapaction).toBe('""');
    expect(first!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first!.headers['content-length']).toBe(String(first!.body.length));
    expect(first!.headers.connection).toBe('close');
    expect(first!.body.toString('utf8')).toBe(getStateEnvelope('urn:ecc'));
  });
});

describe('an answer however it arrives', () => {
  it('is read when it comes chunked, in pieces a while apart', async () => {
    const whole = stateAnswer(5, 0, 'Run going');
    const peer = await httpPeer((res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', Connection: 'close' });
      const pieces = [whole.slice(0, 10), whole.slice(10, 200), whole.slice(200, 201), whole.slice(201)];
      let i = 0;
      const next = (): void => {
        if (i < pieces.length) res.write(pieces[i++]!, () => setTimeout(next, 20));
        else res.end();
      };
      next();
    });
    expect(await getState(peer.endpoint, limit)).toEqual({ state: 'Running', transition: null, errorCode: 0, errorMessage: 'Run going' });
  });

  it('is read when it is split across many TCP writes, a multi-byte character included', async () => {
    const message = 'Détecteur prêt – 3 CoBo';
    const bytes = rawAnswer(stateAnswer(4, 0, message));
    let writes = 0;
    const endpoint = await tcpPeer((socket) => {
      socket.setNoDelay(true);
      let offset = 0;
      const next = (): void => {
        if (offset >= bytes.length) return void socket.end();
        // 7 bytes at a time: every header line and the é's two bytes fall across writes.
        socket.write(bytes.subarray(offset, (offset += 7)), () => setImmediate(next));
        writes++;
      };
      next();
    });
    expect(await getState(endpoint, { timeoutMs: 5_000 })).toEqual({ state: 'Ready', transition: null, errorCode: 0, errorMessage: message });
    expect(writes).toBeGreaterThan(50);
  });

  it('decodes character references and entities in the error message, and ignores the layout between elements', async () => {
    const body = stateAnswer(1, 0, 'a &amp; b &lt;c&gt; caf&#xE9;&#33; &amp;#233;').replace(/<ecc:(State|Transition|ErrorCode)>/g, '\n    <ecc:$1>');
    const peer = await httpPeer((res) => gsoap(res, body));
    expect(await getState(peer.endpoint, limit)).toEqual({ state: 'Idle', transition: null, errorCode: 0, errorMessage: 'a & b <c> café! &#233;' });
  });
});

describe('failures', () => {
  it('reports an answer larger than the cap as garbage without reading it all', async () => {
    let written = 0;
    let closed!: () => void;
    const clientGone = new Promise<void>((resolve) => (closed = resolve));
    const peer = await httpPeer((res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', Connection: 'close' });
      res.write(`${ENVELOPE_OPEN}<SOAP-ENV:Body><ecc:ResponseState><ecc:ErrorMessage>`);
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const pump = (): void => {
        // Up to four times the cap, or until the client hangs up.
        while (!res.destroyed && written < 4 * MAX_ANSWER_BYTES) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', closed);
      pump();
    });
    const error = await failure(getState(peer.endpoint, { timeoutMs: 10_000 }));
    expect(error.kind).toBe('garbage');
    expect(error.message).toMatch(/larger than/);
    await clientGone;
    expect(written).toBeLessThan(4 * MAX_ANSWER_BYTES);
  });

  it('reports an answer whose announced length is over the cap as garbage at once', async () => {
    const endpoint = await tcpPeer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${MAX_ANSWER_BYTES + 1}\r\n\r\n<?xml`);
    });
    // The peer never sends the body: only reading the header can end the call as garbage (a wait
    // for the body would end at the limit, as a timeout).
    const error = await failure(getState(endpoint, { timeoutMs: 5_000 }));
    expect(error.kind).toBe('garbage');
    expect(error.message).toMatch(/larger than/);
  });

  it('reports HTTP 500 with a SOAP fault as fault, with its faultcode and faultstring', async () => {
    const sim = await simulator({ namespace: 'urn:other' });
    // GetState in urn:ecc, which this server does not know: gSOAP answers with a fault.
    const error = await failure(getState({ ...sim.endpoint, soapNamespace: 'urn:ecc' }, limit));
    expect(error.kind).toBe('fault');
    expect(error.message).toMatch(/^SOAP-ENV:Client: Method 'ecc:GetState' not implemented/);
    expect(sim.requests[0]!.outcome).toBe(500);
  });

  it('reports a fault answered with HTTP 200 as fault too', async () => {
    const peer = await httpPeer((res) => gsoap(res, faultAnswer('Out of memory')));
    const error = await failure(getState(peer.endpoint, limit));
    expect(error.kind).toBe('fault');
    expect(error.message).toBe('SOAP-ENV:Client: Out of memory');
  });

  it('reports HTTP 200 with an HTML page as garbage, well-formed or not', async () => {
    for (const page of ['<html><body><h1>Welcome</h1></body></html>', '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Router</title></head><body>Login<br></body></html>']) {
      const peer = await httpPeer((res) => gsoap(res, page, 200, 'text/html'));
      const error = await failure(getState(peer.endpoint, limit));
      expect(error.kind, page).toBe('garbage');
      expect(error.message, page).toMatch(/Not a SOAP answer|not XML/);
    }
  });

  it('reports an answer whose envelope is never closed as garbage that is not XML, though its ResponseState is whole', async () => {
    const open = stateAnswer(1, 0).replace('</SOAP-ENV:Body></SOAP-ENV:Envelope>', '');
    const peer = await httpPeer((res) => gsoap(res, open));
    const error = await failure(getState(peer.endpoint, limit));
    expect(error.kind).toBe('garbage');
    expect(error.message).toMatch(/not XML/);
  });

  it('reports the simulator\'s garbage answer as garbage that is not XML', async () => {
    const sim = await simulator({ garbage: ['GetState'] });
    const error = await failure(getState(sim.endpoint, limit));
    expect(error.kind).toBe('garbage');
    expect(error.message).toMatch(/not XML/);
    expect(error.message).toContain(GARBAGE_BODY.slice(0, 20));
  });

  it('reports an HTTP error without a SOAP body as garbage, naming the status', async () => {
    const peer = await httpPeer((res) => gsoap(res, '<html><body><h1>405 Method Not Allowed</h1></body></html>\n', 405, 'text/html'));
    const error = await failure(getState(peer.endpoint, limit));
    expect(error.kind).toBe('garbage');
    expect(error.message).toMatch(/HTTP 405/);
  });

  it('refuses an answer with a document type declaration (no entity expansion) as garbage', async () => {
    const body = stateAnswer(1, 0, '&boom;').replace('<SOAP-ENV:Envelope', '<!DOCTYPE x [<!ENTITY boom "kaboom">]><SOAP-ENV:Envelope');
    const peer = await httpPeer((res) => gsoap(res, body));
    expect((await failure(getState(peer.endpoint, limit))).kind).toBe('garbage');
  });

  it('reports a server that closes the connection in the middle of the answer as disconnected', async () => {
    const whole = rawAnswer(stateAnswer(1, 0));
    const endpoint = await tcpPeer((socket) => socket.write(whole.subarray(0, whole.length - 40), () => setTimeout(() => socket.destroy(), 20)));
    const error = await failure(getState(endpoint, limit));
    expect(error.kind).toBe('disconnected');
    expect(error.message).toMatch(/closed before the end of the answer/);
  });

  it('reports a chunked answer cut off before its last chunk as disconnected', async () => {
    const endpoint = await tcpPeer((socket) => {
      const part = stateAnswer(1, 0).slice(0, 120);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n${part.length.toString(16)}\r\n${part}\r\n`, () =>
        setTimeout(() => socket.end(), 20),
      );
    });
    expect((await failure(getState(endpoint, limit))).kind).toBe('disconnected');
  });

  it('reports a server that reads the request and never answers as a timeout within the soft limit, and closes the socket', async () => {
    let closedAt = 0;
    const endpoint = await tcpPeer((socket) => socket.on('close', () => (closedAt = Date.now())));
    const started = Date.now();
    const error = await failure(getState(endpoint, limit));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', message: `No answer within ${SOFT_MS} ms` });
    expect(elapsed).toBeGreaterThanOrEqual(SOFT_MS - 20);
    await expect.poll(() => closedAt).toBeGreaterThan(0);
  });

  it('ends at the soft limit however slowly the answer trickles in', async () => {
    const whole = stateAnswer(1, 0);
    const peer = await httpPeer((res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(whole) });
      let offset = 0;
      const timer = setInterval(() => res.write(whole.slice(offset, ++offset)), 50);
      res.on('close', () => clearInterval(timer));
    });
    // The whole answer would take over 50 ms a byte; the soft limit ends it (its own message).
    expect(await failure(getState(peer.endpoint, limit))).toMatchObject({ kind: 'timeout', message: `No answer within ${SOFT_MS} ms` });
  });
});

describe('every failure as the soap client reports it', () => {
  // Each peer gets the same request from both clients; the kinds must agree.
  const peers: [string, () => Promise<EccEndpoint>][] = [
    ['refuses the connection', async () => ({ address: '127.0.0.1', port: await closedPort(), soapNamespace: 'urn:ecc' })],
    ['closes before answering', async () => (await httpPeer((res) => res.socket?.destroy())).endpoint],
    ['closes in the middle', () => tcpPeer((socket) => socket.write(rawAnswer(stateAnswer(1, 0)).subarray(0, 200), () => setTimeout(() => socket.destroy(), 20)))],
    ['never answers', () => tcpPeer(() => {})],
    ['answers a fault', async () => (await httpPeer((res) => gsoap(res, faultAnswer('Validation constraint violation'), 500))).endpoint],
    ['answers text that is not XML', async () => (await httpPeer((res) => gsoap(res, 'this is not XML at all'))).endpoint],
    ['answers an empty body', async () => (await httpPeer((res) => gsoap(res, ''))).endpoint],
    ['answers HTML', async () => (await httpPeer((res) => gsoap(res, '<html><body>Hello</body></html>'))).endpoint],
    ['answers 405 without a body', async () => (await httpPeer((res) => gsoap(res, '', 405))).endpoint],
    ['answers 404 with HTML', async () => (await httpPeer((res) => gsoap(res, '<html><body>Not found</body></html>', 404, 'text/html'))).endpoint],
    ['answers a ResponseText', async () => (await httpPeer((res) => gsoap(res, envelope('<ecc:ResponseText><ecc:ErrorCode>0</ecc:ErrorCode><ecc:ErrorMessage/><ecc:Text>x</ecc:Text></ecc:ResponseText>')))).endpoint],
    ['answers a code that is not a number', async () => (await httpPeer((res) => gsoap(res, stateAnswer(1, 0).replace('<ecc:ErrorCode>0', '<ecc:ErrorCode>zero')))).endpoint],
    ['answers an unknown state code', async () => (await httpPeer((res) => gsoap(res, stateAnswer(9, 0)))).endpoint],
    ['answers an unknown transition code', async () => (await httpPeer((res) => gsoap(res, stateAnswer(1, 12)))).endpoint],
    ['answers a truncated document', async () => (await httpPeer((res) => gsoap(res, stateAnswer(1, 0).slice(0, 300)))).endpoint],
    ['answers an envelope never closed', async () => (await httpPeer((res) => gsoap(res, stateAnswer(1, 0).replace('</SOAP-ENV:Body></SOAP-ENV:Envelope>', '')))).endpoint],
  ];
  const soap = new EccSoapClients(WSDL);
  for (const [what, peer] of peers) {
    it(`a server that ${what}`, async () => {
      const endpoint = await peer();
      const [lean, viaSoap] = await Promise.all([failure(getState(endpoint, limit)), failure(soap.getState(endpoint, limit))]);
      expect(lean.kind, `lean: ${lean.message}; soap: ${viaSoap.message}`).toBe(viaSoap.kind);
    });
  }
});

describe('a worker thread that only refreshes', () => {
  it('never loads the soap package; GetConfigIDs loads it', async () => {
    const sim = await simulator();
    const { filename, execArgv } = resolveEccWorker(new URL('../../src/main/ecc/pool.ts', import.meta.url).href);
    // The thread as Piscina runs it (tsx's require hook), reporting whether `soap` is loaded.
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const tasks = require(workerData.filename);
      const soapLoaded = () => Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]soap[\\\\/]/.test(file));
      (async () => {
        const task = { wsdlPath: workerData.wsdl, timeoutMs: 5000 };
        const round = await tasks.getStates({ ...task, endpoints: [workerData.endpoint, workerData.endpoint] });
        const one = await tasks.getState({ ...task, endpoint: workerData.endpoint });
        const afterRefresh = soapLoaded();
        const listing = await tasks.getConfigIds({ ...task, endpoint: workerData.endpoint });
        parentPort.postMessage({ round, one, afterRefresh, listing: listing.ok, afterConfigIds: soapLoaded() });
      })().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
    `;
    const worker = new Worker(script, { eval: true, execArgv, workerData: { filename, wsdl: WSDL, endpoint: sim.endpoint } });
    try {
      const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({
        round: [
          { ok: true, value: { state: 'Idle' } },
          { ok: true, value: { state: 'Idle' } },
        ],
        one: { ok: true, value: { state: 'Idle' } },
        afterRefresh: false,
        listing: true,
        afterConfigIds: true,
      });
    } finally {
      await worker.terminate();
    }
  });
});
