// The SOAP client on its own (in this thread), against tiny real peers on 127.0.0.1 that answer
// as gSOAP does, or badly: what it sends, and how every kind of failure is reported.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EccCallError } from '../../src/main/ecc/gateway';
import { EccSoapClients, normalizeError } from '../../src/main/ecc/soap-client';
import { closedPort, envelope, failure, gsoap, httpPeer, silentPeer, stateAnswer } from './peers';

const WSDL = join(__dirname, '../../resources/ecc.wsdl');
const SOFT_MS = 500;

describe('the SOAP client', () => {
  const soap = new EccSoapClients(WSDL);

  it('sends GetState qualified in urn:ecc with an empty SOAPAction and reads ResponseState', async () => {
    const peer = await httpPeer((res) => gsoap(res, stateAnswer(2, 3, 'The ECC state machine is busy!')));
    const report = await soap.getState(peer.endpoint, { timeoutMs: SOFT_MS });
    expect(report).toEqual({ state: 'Described', transition: 'Configure', errorCode: 0, errorMessage: 'The ECC state machine is busy!' });
    expect(peer.received[0]!.headers.soapaction).toBe('""');
    expect(peer.received[0]!.body.toString('utf8')).toMatch(/<(\w+):GetState\b[^>]*xmlns:\1="urn:ecc"|<GetState\b[^>]*xmlns="urn:ecc"/);
  });

  it('reads every state code and an idle transition as null', async () => {
    for (const [code, state] of [[0, 'Off'], [1, 'Idle'], [5, 'Running'], [6, 'Paused']] as const) {
      const peer = await httpPeer((res) => gsoap(res, stateAnswer(code, 0)));
      expect(await soap.getState(peer.endpoint, { timeoutMs: SOFT_MS })).toMatchObject({ state, transition: null });
    }
  });

  it('sends a step with configID and table as qualified, escaped children and reads ResponseText', async () => {
    const peer = await httpPeer((res) =>
      gsoap(res, envelope('<ecc:ResponseText><ecc:ErrorCode>3</ecc:ErrorCode><ecc:ErrorMessage>No router</ecc:ErrorMessage><ecc:Text/></ecc:ResponseText>')),
    );
    const answer = await soap.step(peer.endpoint, 'Configure', '<ConfigId>a&amp;b</ConfigId>', '<DataLinkSet/>', { timeoutMs: SOFT_MS });
    expect(answer).toEqual({ errorCode: 3, errorMessage: 'No router' });
    const body = peer.received[0]!.body.toString('utf8');
    expect(body).toMatch(/<(\w+):configID>&lt;ConfigId&gt;a&amp;amp;b&lt;\/ConfigId&gt;<\/\1:configID>/);
    expect(body).toMatch(/<(\w+):table>&lt;DataLinkSet\/&gt;<\/\1:table>/);
  });

  it('uses the server\'s own SOAP namespace when it is not urn:ecc', async () => {
    const namespace = 'urn:http://localhost:8083/';
    const peer = await httpPeer((res) => gsoap(res, stateAnswer(1, 0)));
    await soap.getState({ ...peer.endpoint, soapNamespace: namespace }, { timeoutMs: SOFT_MS });
    expect(peer.received[0]!.body.toString('utf8')).toContain(`="${namespace}"`);
    expect(peer.received[0]!.body.toString('utf8')).not.toContain('"urn:ecc"');
  });

  it('reads GetConfigIDs\' Text as a string', async () => {
    const text = '<ConfigIdSet><ConfigId><SubConfigId type="describe">a&b</SubConfigId></ConfigId></ConfigIdSet>';
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const peer = await httpPeer((res) =>
      gsoap(res, envelope(`<ecc:ResponseText><ecc:ErrorCode>0</ecc:ErrorCode><ecc:ErrorMessage/><ecc:Text>${escaped}</ecc:Text></ecc:ResponseText>`)),
    );
    expect(await soap.getConfigIds(peer.endpoint, { timeoutMs: SOFT_MS })).toEqual({ errorCode: 0, errorMessage: '', text });
  });

  it('reports a server that accepts and never answers as a timeout, and closes the socket', async () => {
    const peer = await silentPeer();
    const started = Date.now();
    const error = await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', message: `No answer within ${SOFT_MS} ms` });
    expect(elapsed).toBeGreaterThanOrEqual(SOFT_MS - 20);
    // The client closes the socket: the peer sees it close (the test's own limit is the bound).
    await peer.closed;
  });

  it('reports a server that trickles bytes forever as a timeout at the wall-clock limit', async () => {
    const peer = await httpPeer((res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    // Every byte resets no idle timer: the wall-clock limit ends it, with its own message.
    expect(await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }))).toMatchObject({ kind: 'timeout', message: `No answer within ${SOFT_MS} ms` });
  });

  it('reports a refused connection as unreachable', async () => {
    const endpoint = { address: '127.0.0.1', port: await closedPort(), soapNamespace: 'urn:ecc' };
    const error = await failure(soap.getState(endpoint, { timeoutMs: SOFT_MS }));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('reports an unknown host name as unreachable', async () => {
    const endpoint = { address: 'no-such-host.invalid', port: 8083, soapNamespace: 'urn:ecc' };
    expect((await failure(soap.getState(endpoint, { timeoutMs: 2000 }))).kind).toBe('unreachable');
  });

  it('reports a connection closed before any answer as disconnected', async () => {
    const peer = await httpPeer((res) => res.socket?.destroy());
    expect((await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }))).kind).toBe('disconnected');
  });

  it('reports a connection closed in the middle of the answer as disconnected', async () => {
    const peer = await httpPeer((res) => {
      const whole = stateAnswer(1, 0);
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(whole.length) });
      res.write(whole.slice(0, 100), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    expect((await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }))).kind).toBe('disconnected');
  });

  it('reports an answer that is not XML as garbage', async () => {
    const peer = await httpPeer((res) => gsoap(res, 'this is not XML at all'));
    expect((await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }))).kind).toBe('garbage');
  });

  it('reports XML of the wrong shape as garbage', async () => {
    const wrong = [
      '<html><body>Hello</body></html>',
      envelope('<ecc:ResponseText><ecc:ErrorCode>0</ecc:ErrorCode><ecc:ErrorMessage/><ecc:Text>x</ecc:Text></ecc:ResponseText>'),
      envelope('<ecc:ResponseState><ecc:ErrorCode>zero</ecc:ErrorCode><ecc:State>1</ecc:State><ecc:Transition>0</ecc:Transition></ecc:ResponseState>'),
      stateAnswer(9, 0),
      stateAnswer(1, 12),
      '',
    ];
    for (const body of wrong) {
      const peer = await httpPeer((res) => gsoap(res, body));
      const error = await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }));
      expect(error.kind, body).toBe('garbage');
    }
  });

  it('reports an HTTP error without a SOAP body (a GET answered 405) as garbage', async () => {
    const peer = await httpPeer((res) => {
      res.writeHead(405, { Connection: 'close' });
      res.end();
    });
    expect((await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }))).kind).toBe('garbage');
  });

  it('reports a SOAP fault as fault, with its faultstring', async () => {
    const peer = await httpPeer((res) =>
      gsoap(
        res,
        envelope('<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>Validation constraint violation</faultstring></SOAP-ENV:Fault>'),
        500,
      ),
    );
    const error = await failure(soap.getState(peer.endpoint, { timeoutMs: SOFT_MS }));
    expect(error.kind).toBe('fault');
    expect(error.message).toContain('Validation constraint violation');
  });

  it('normalizes a plain object rejection (soap\'s pseudo-fault for invalid XML) as garbage', () => {
    const error = normalizeError({ Fault: { faultcode: 500, faultstring: 'Invalid XML', detail: 'Error: Non-whitespace' } }, false, 500);
    expect(error).toBeInstanceOf(EccCallError);
    expect(error.kind).toBe('garbage');
    expect(normalizeError('what', false, 500).kind).toBe('other');
  });

  it('reports a WSDL it cannot read as other, naming the file', async () => {
    const broken = new EccSoapClients('/nonexistent/ecc.wsdl');
    const error = await failure(broken.getState({ address: '127.0.0.1', port: 1, soapNamespace: 'urn:ecc' }, { timeoutMs: SOFT_MS }));
    expect(error.kind).toBe('other');
    expect(error.message).toContain('/nonexistent/ecc.wsdl');
  });
});
