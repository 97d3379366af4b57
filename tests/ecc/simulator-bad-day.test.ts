// The ECC server simulator's bad days: hanging, garbage answers, dying mid-step, a stressed server
// that answers nothing during a step. Real sockets on 127.0.0.1.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeEccSimulators, GARBAGE_BODY, startEccSimulator, type EccSimulator, type EccSimulatorOptions } from '../../src/main/ecc/simulator';

interface HttpAnswer {
  status: number;
  body: string;
}

function post(url: string, body: string, timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml; charset=utf-8' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function envelope(operation: string, fields: Record<string, string> = {}): string {
  const children = Object.entries(fields)
    .map(([name, value]) => `<ecc:${name}>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ecc:${name}>`)
    .join('');
  return (
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ecc="urn:ecc"><SOAP-ENV:Body>' +
    `<ecc:${operation}>${children}</ecc:${operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

function field(body: string, name: string): string {
  const match = new RegExp(`<ecc:${name}>([^<]*)</ecc:${name}>|<ecc:${name}/>`).exec(body);
  if (!match) throw new Error(`No ecc:${name} in ${body}`);
  return match[1] ?? '';
}

const CONFIG =
  '<ConfigId><SubConfigId type="describe">cobo0</SubConfigId><SubConfigId type="prepare">experiment</SubConfigId>' +
  '<SubConfigId type="configure">experiment</SubConfigId></ConfigId>';

let simulators: EccSimulator[] = [];
afterEach(async () => {
  await closeEccSimulators(simulators);
  simulators = [];
});

async function simulator(options: EccSimulatorOptions = {}): Promise<EccSimulator> {
  const sim = await startEccSimulator({ stepMs: 0, log: () => {}, ...options });
  simulators.push(sim);
  return sim;
}

describe('a hanging server', () => {
  it('accepts the connection, reads the request and never answers', async () => {
    const sim = await simulator({ hang: true });
    await expect(post(sim.url, envelope('GetState'), 300)).rejects.toThrow('client timeout');
    expect(sim.requests[0]?.operation).toBe('GetState');
    expect(sim.requests[0]?.outcome).toBe('hang');
  });

  it('can hang on some operations only and answer the others', async () => {
    const sim = await simulator({ hang: ['GetState'] });
    await expect(post(sim.url, envelope('GetState'), 300)).rejects.toThrow('client timeout');
    expect(field((await post(sim.url, envelope('GetConfigIDs'))).body, 'ErrorCode')).toBe('0');
    sim.set({ hang: false });
    expect(field((await post(sim.url, envelope('GetState'))).body, 'State')).toBe('1');
  });

  it('destroys hanging connections on close', async () => {
    const sim = await startEccSimulator({ hang: true, log: () => {} });
    const hanging = post(sim.url, envelope('GetState'), 10_000);
    await sim.waitForRequest();
    await sim.close();
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});

describe('a server answering garbage', () => {
  it('answers 200 with a body that is not XML', async () => {
    const sim = await simulator({ garbage: ['GetState'] });
    expect(await post(sim.url, envelope('GetState'))).toEqual({ status: 200, body: GARBAGE_BODY });
    expect(field((await post(sim.url, envelope('GetConfigIDs'))).body, 'ErrorCode')).toBe('0');
  });
});

describe('a server dying mid-step', () => {
  it('drops every connection and stops listening during the step, leaving the state as it was', async () => {
    const sim = await simulator({ stepMs: 400, dieMidStep: true });
    const describing = post(sim.url, envelope('Describe', { configID: CONFIG, table: '' }));
    await expect(describing).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sim.listening).toBe(false);
    await expect(post(sim.url, envelope('GetState'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(sim.state).toBe('Idle');
  });

  it('comes back in Idle on the same port when restarted', async () => {
    const sim = await simulator({ state: 'Prepared', stepMs: 100, dieMidStep: true });
    const port = sim.port;
    await expect(post(sim.url, envelope('Configure', { configID: CONFIG, table: '' }))).rejects.toThrow();
    await sim.restart();
    expect(sim.port).toBe(port);
    expect(field((await post(sim.url, envelope('GetState'))).body, 'State')).toBe('1');
  });
});

describe('a stressed server', () => {
  it('answers nothing during a step: GetState waits until the step ends and reports the new state', async () => {
    const sim = await simulator({ stepMs: 500, stress: true });
    const started = Date.now();
    const describing = post(sim.url, envelope('Describe', { configID: CONFIG, table: '' }));
    await sim.waitForRequest((r) => r.operation === 'Describe');
    const state = await post(sim.url, envelope('GetState'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(field(state.body, 'State')).toBe('2');
    expect(field(state.body, 'Transition')).toBe('0');
    expect(field((await describing).body, 'ErrorCode')).toBe('0');
  });
});

describe('an Off server', () => {
  it('reports state 0 once put Off at run time', async () => {
    const sim = await simulator();
    sim.setState('Off');
    expect(field((await post(sim.url, envelope('GetState'))).body, 'State')).toBe('0');
  });
});

describe('behaviour changed at run time', () => {
  it('refuses unknown operations and negative durations', async () => {
    const sim = await simulator();
    expect(() => sim.set({ hang: ['Explode' as never] })).toThrow(/Unknown operation/);
    expect(() => sim.set({ stepMs: -1 })).toThrow(/step duration/);
    expect(sim.behaviour.stepMs).toBe(0);
  });
});
