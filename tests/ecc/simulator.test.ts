// The ECC server simulator behaves on the wire like the real gSOAP server (ECC-PROTOCOL.md):
// raw HTTP POSTs of hand-written envelopes, real sockets on 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as soap from 'soap';
import { afterEach, describe, expect, it } from 'vitest';
import { ECC_STATES, ECC_STEPS } from '../../src/shared/domain';
import { stepTarget as applicationStepTarget } from '../../src/shared/ecc-state-machine';
import {
  BUSY_MESSAGE,
  closeEccSimulators,
  startEccSimulator,
  startEccSimulators,
  stepTarget,
  type EccSimulator,
  type EccSimulatorOptions,
} from '../../src/main/ecc/simulator';
import { parseXml } from '../../src/main/ecc/simulator/wire';

const WSDL = join(import.meta.dirname, '../../resources/ecc.wsdl');

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(url: string, body: string, method = 'POST'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(method === 'POST' ? body : undefined);
  });
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A request as a careful client writes it: every field qualified with a prefix bound to `namespace`. */
function envelope(operation: string, fields: Record<string, string> = {}, namespace = 'urn:ecc', qualify = true): string {
  const prefix = qualify ? 'ecc:' : '';
  const children = Object.entries(fields)
    .map(([name, value]) => `<${prefix}${name}>${escape(value)}</${prefix}${name}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:ecc="${namespace}"><SOAP-ENV:Body><ecc:${operation}>${children}</ecc:${operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

/** The text of an `ecc:` field of an answer ('' for an empty element). */
function field(body: string, name: string): string {
  const match = new RegExp(`<ecc:${name}>([^<]*)</ecc:${name}>|<ecc:${name}/>`).exec(body);
  if (!match) throw new Error(`No ecc:${name} in ${body}`);
  return (match[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function configId(d: string, p: string, c: string): string {
  return (
    `<ConfigId>\n  <SubConfigId type="describe">${d}</SubConfigId>\n  <SubConfigId type="prepare">${p}</SubConfigId>\n` +
    `  <SubConfigId type="configure">${c}</SubConfigId>\n</ConfigId>`
  );
}

const CONFIG = configId('cobo0', 'experiment', 'experiment');
const TABLE =
  '<DataLinkSet><DataLink><DataSender id="CoBo[0]"/>' +
  '<DataRouter name="DataRouter0" ipAddress="192.168.41.60" port="46005" type="TCP"/></DataLink></DataLinkSet>';

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

async function getState(sim: EccSimulator): Promise<{ code: number; message: string; state: number; transition: number }> {
  const answer = await http(sim.url, envelope('GetState', {}, sim.endpoint.soapNamespace));
  return {
    code: Number(field(answer.body, 'ErrorCode')),
    message: field(answer.body, 'ErrorMessage'),
    state: Number(field(answer.body, 'State')),
    transition: Number(field(answer.body, 'Transition')),
  };
}

async function step(sim: EccSimulator, name: string, configID = CONFIG, table = TABLE): Promise<{ code: number; message: string }> {
  const answer = await http(sim.url, envelope(name, { configID, table }, sim.endpoint.soapNamespace));
  expect(answer.status).toBe(200);
  return { code: Number(field(answer.body, 'ErrorCode')), message: field(answer.body, 'ErrorMessage') };
}

describe('the wire format', () => {
  it('reads entities and character references once, in text and attributes, and CDATA as written', () => {
    const root = parseXml(
      '<a xmlns="urn:x&amp;y" note="&lt;&#65;&gt;"><b>x &amp;#65; &#xA;&#10;&lt;y&gt; &quot;&apos;</b><c><![CDATA[&amp; <raw>]]></c></a>',
    );
    expect(root.namespace).toBe('urn:x&y');
    expect(root.attributes['note']).toBe('<A>');
    expect(root.children[0]!.text).toBe('x &#65; \n\n<y> "\'');
    expect(root.children[1]!.text).toBe('&amp; <raw>');
    expect(() => parseXml('<a><b></a>')).toThrow();
  });

  it('answers GetState exactly as gSOAP writes it: SOAP-ENV envelope, ecc-qualified fields, empty element for an empty string', async () => {
    const sim = await simulator();
    const answer = await http(sim.url, envelope('GetState'));
    expect(answer.status).toBe(200);
    expect(answer.headers['connection']).toBe('close');
    expect(answer.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ecc="urn:ecc">' +
        '<SOAP-ENV:Body><ecc:ResponseState><ecc:ErrorCode>0</ecc:ErrorCode><ecc:ErrorMessage/><ecc:State>1</ecc:State>' +
        '<ecc:Transition>0</ecc:Transition></ecc:ResponseState></SOAP-ENV:Body></SOAP-ENV:Envelope>\n',
    );
  });

  it('answers steps with ResponseText and ServerExit with Response, never <Operation>Response', async () => {
    const sim = await simulator();
    const described = await http(sim.url, envelope('Describe', { configID: CONFIG, table: '' }));
    expect(described.body).toContain('<ecc:ResponseText><ecc:ErrorCode>0</ecc:ErrorCode><ecc:ErrorMessage/><ecc:Text/></ecc:ResponseText>');
    const exit = await http(sim.url, envelope('ServerExit'));
    expect(exit.body).toContain('<ecc:Response><ecc:ErrorCode>0</ecc:ErrorCode><ecc:ErrorMessage/></ecc:Response>');
    expect(exit.body).not.toMatch(/ServerExitResponse|DescribeResponse/);
  });

  it('answers an HTTP GET with 405 and Connection: close', async () => {
    const sim = await simulator();
    const answer = await http(sim.url, '', 'GET');
    expect(answer.status).toBe(405);
    expect(answer.headers['connection']).toBe('close');
  });

  it('answers an unknown operation with a SOAP fault whose faultcode and faultstring are unqualified', async () => {
    const sim = await simulator();
    const answer = await http(sim.url, envelope('Explode'));
    expect(answer.status).toBe(500);
    expect(answer.headers['connection']).toBe('close');
    expect(answer.body).toMatch(/<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client<\/faultcode><faultstring>Method 'ecc:Explode' not implemented/);
  });

  it('answers an operation in another namespace and an unreadable envelope with a SOAP fault', async () => {
    const sim = await simulator();
    expect((await http(sim.url, envelope('GetState', {}, 'urn:other'))).status).toBe(500);
    const notXml = await http(sim.url, 'this is not XML');
    expect(notXml.status).toBe(500);
    expect(notXml.body).toContain('<faultcode>SOAP-ENV:Client</faultcode>');
    expect((await http(sim.url, '<Envelope><Body><GetState/></Body></Envelope>')).status).toBe(500);
  });

  it('speaks its own namespace when configured with one, and refuses urn:ecc then', async () => {
    const sim = await simulator({ namespace: 'urn:http://localhost:8083/' });
    expect(sim.endpoint).toEqual({ address: '127.0.0.1', port: sim.port, soapNamespace: 'urn:http://localhost:8083/' });
    const answer = await http(sim.url, envelope('GetState', {}, 'urn:http://localhost:8083/'));
    expect(answer.body).toContain('xmlns:ecc="urn:http://localhost:8083/"');
    expect(field(answer.body, 'State')).toBe('1');
    expect((await http(sim.url, envelope('GetState'))).status).toBe(500);
  });

  it('reads fields qualified through a default namespace declaration', async () => {
    const sim = await simulator();
    const body =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<Describe xmlns="urn:ecc"><configID>${escape(CONFIG)}</configID><table></table></Describe></soap:Body></soap:Envelope>`;
    const answer = await http(sim.url, body);
    expect(field(answer.body, 'ErrorCode')).toBe('0');
    expect(sim.state).toBe('Described');
    expect(sim.requests[0]?.qualified).toBe(true);
  });
});

describe('the state machine', () => {
  it('has every arc the application believes the server has, and no other (two tables kept apart on purpose)', () => {
    for (const step of ECC_STEPS) {
      for (const state of ECC_STATES) expect(stepTarget(step, state), `${step} from ${state}`).toBe(applicationStepTarget(step, state));
    }
  });

  it('walks every forward step from Idle to Running, each confirmed by GetState', async () => {
    const sim = await simulator();
    const expected: [string, number][] = [['Describe', 2], ['Prepare', 3], ['Configure', 4], ['Start', 5]];
    for (const [name, state] of expected) {
      expect(await step(sim, name)).toEqual({ code: 0, message: '' });
      expect(await getState(sim)).toEqual({ code: 0, message: '', state, transition: 0 });
    }
    expect(sim.state).toBe('Running');
  });

  it('walks back from Running to Idle with Stop, Breakup, Undo and Undo', async () => {
    const sim = await simulator({ state: 'Running' });
    const expected: [string, number][] = [['Stop', 4], ['Breakup', 3], ['Undo', 2], ['Undo', 1]];
    for (const [name, state] of expected) {
      expect((await step(sim, name)).code).toBe(0);
      expect((await getState(sim)).state).toBe(state);
    }
  });

  it('pauses and resumes a run, stops from Paused and breaks up from Running or Paused', async () => {
    const sim = await simulator({ state: 'Running' });
    await step(sim, 'Pause');
    expect(sim.state).toBe('Paused');
    await step(sim, 'Resume');
    expect(sim.state).toBe('Running');
    await step(sim, 'Pause');
    await step(sim, 'Stop');
    expect(sim.state).toBe('Ready');
    sim.setState('Running');
    await step(sim, 'Breakup');
    expect(sim.state).toBe('Prepared');
    sim.setState('Paused');
    await step(sim, 'Breakup');
    expect(sim.state).toBe('Prepared');
  });

  it('silently ignores a step not allowed in the current state: ErrorCode 0, state unchanged, answered at once', async () => {
    const sim = await simulator({ stepMs: 5000 });
    const since = sim.requests.length;
    for (const name of ['Start', 'Configure', 'Undo', 'Stop', 'Resume', 'Breakup']) {
      expect(await step(sim, name)).toEqual({ code: 0, message: '' });
      expect(sim.transition).toBeNull();
    }
    // None ran its 5 s step: each was answered before a step's duration could pass.
    for (const r of sim.requests.slice(since)) expect(r.answeredAt! - r.time).toBeLessThan(5000);
    expect(await getState(sim)).toEqual({ code: 0, message: '', state: 1, transition: 0 });
  });

  it('answers a step only when its duration has passed', async () => {
    const sim = await simulator({ stepMs: 0, stepDurations: { Describe: 300 } });
    const started = Date.now();
    await step(sim, 'Describe');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers GetState at once during a step: old State, busy message, Transition = the step code', async () => {
    const sim = await simulator({ state: 'Prepared', stepMs: 600 });
    const configuring = step(sim, 'Configure');
    await sim.waitForRequest((r) => r.operation === 'Configure');
    expect(await getState(sim)).toEqual({ code: 0, message: BUSY_MESSAGE, state: 3, transition: 3 });
    // Answered while the step still runs, not after it.
    expect(sim.transition).toBe('Configure');
    expect(await configuring).toEqual({ code: 0, message: '' });
    expect(await getState(sim)).toEqual({ code: 0, message: '', state: 4, transition: 0 });
  });

  it('refuses a second step while one runs with ErrorCode = its own step code and the busy message', async () => {
    const sim = await simulator({ state: 'Prepared', stepMs: 400 });
    const configuring = step(sim, 'Configure');
    await sim.waitForRequest((r) => r.operation === 'Configure');
    expect(await step(sim, 'Undo')).toEqual({ code: 9, message: BUSY_MESSAGE });
    await configuring;
    expect(sim.state).toBe('Ready');
  });

  it('never blocks GetConfigIDs and Special during a step', async () => {
    const sim = await simulator({ stepMs: 1000 });
    const describing = step(sim, 'Describe');
    await sim.waitForRequest((r) => r.operation === 'Describe');
    expect(field((await http(sim.url, envelope('GetConfigIDs'))).body, 'ErrorCode')).toBe('0');
    expect(field((await http(sim.url, envelope('Special', { command: 'connect', table: '' }))).body, 'ErrorCode')).toBe('0');
    // Both answered while the Describe still runs.
    expect(sim.transition).toBe('Describe');
    await describing;
  });

  it('reports Off (0) and ignores every step when its state machine is halted', async () => {
    const sim = await simulator({ off: true });
    expect((await getState(sim)).state).toBe(0);
    expect((await step(sim, 'Describe')).code).toBe(0);
    expect(sim.state).toBe('Off');
  });

  it('serves many connections at once', async () => {
    const sim = await simulator({ stepMs: 300 });
    const describing = step(sim, 'Describe');
    await sim.waitForRequest((r) => r.operation === 'Describe');
    const states = await Promise.all(Array.from({ length: 50 }, () => getState(sim)));
    expect(states.every((s) => s.transition === 1 && s.state === 1)).toBe(true);
    await describing;
  });
});

describe('the fields of a request', () => {
  it('reads unqualified fields as empty strings, like gSOAP, and logs them as received', async () => {
    const sim = await simulator();
    const answer = await http(sim.url, envelope('Describe', { configID: CONFIG, table: TABLE }, 'urn:ecc', false));
    expect(field(answer.body, 'ErrorCode')).toBe('1');
    expect(field(answer.body, 'ErrorMessage')).toBe("Configuration identifier '' is not valid.");
    expect(sim.state).toBe('Idle');
    const received = sim.requests[0];
    expect(received?.qualified).toBe(false);
    expect(received?.configID).toBe(CONFIG);
    expect(received?.fields['configID']).toEqual({ text: CONFIG, namespace: null, qualified: false });
  });

  it('reads missing fields as empty strings', async () => {
    const sim = await simulator();
    const answer = await http(sim.url, envelope('Describe'));
    expect(field(answer.body, 'ErrorMessage')).toBe("Configuration identifier '' is not valid.");
    expect(sim.requests[0]?.configID).toBeUndefined();
    expect(sim.requests[0]?.qualified).toBe(false);
  });

  it('logs every request with its time, operation and the configID and table strings exactly as received', async () => {
    const sim = await simulator();
    const before = Date.now();
    const table = `  ${TABLE}\n`;
    await step(sim, 'Describe', CONFIG, table);
    await getState(sim);
    expect(sim.requests.map((r) => r.operation)).toEqual(['Describe', 'GetState']);
    const [describe] = sim.requests;
    expect(describe?.time).toBeGreaterThanOrEqual(before);
    expect(describe?.method).toBe('POST');
    expect(describe?.configID).toBe(CONFIG);
    expect(describe?.table).toBe(table);
    expect(describe?.qualified).toBe(true);
    expect(describe?.outcome).toBe(200);
    expect(describe?.body).toContain('<ecc:configID>&lt;ConfigId&gt;');
  });
});

describe('config sets', () => {
  it('lists every describe name with every configure name, sorted, without XML declaration and unescaped', async () => {
    const sim = await simulator({ describe: ['cobo1', 'a&b'], configure: ['pulser', 'experiment'] });
    const text = field((await http(sim.url, envelope('GetConfigIDs'))).body, 'Text');
    const id = (d: string, c: string): string =>
      `<ConfigId><SubConfigId type="describe">${d}</SubConfigId><SubConfigId type="prepare">${c}</SubConfigId>` +
      `<SubConfigId type="configure">${c}</SubConfigId></ConfigId>`;
    expect(text).toBe(
      `<ConfigIdSet>${id('a&b', 'experiment')}${id('a&b', 'pulser')}${id('cobo1', 'experiment')}${id('cobo1', 'pulser')}</ConfigIdSet>`,
    );
  });

  it('reads the names from a folder of describe-*.xcfg and configure-*.xcfg files at every call', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ecc-sim-'));
    try {
      for (const file of ['describe-cobo0.xcfg', 'prepare-beam.xcfg', 'configure-beam.xcfg', 'notes.txt']) writeFileSync(join(folder, file), '');
      const sim = await simulator({ configDir: folder });
      let text = field((await http(sim.url, envelope('GetConfigIDs'))).body, 'Text');
      expect(text.match(/<ConfigId>/g)).toHaveLength(1);
      writeFileSync(join(folder, 'configure-with.dot.xml'), '');
      text = field((await http(sim.url, envelope('GetConfigIDs'))).body, 'Text');
      expect(text).toContain('<SubConfigId type="configure">with.dot</SubConfigId>');
      expect(await step(sim, 'Describe', configId('cobo0', 'beam', 'beam'))).toEqual({ code: 0, message: '' });
      // A name with a dot is listed but cannot be used.
      expect(await step(sim, 'Prepare', configId('cobo0', 'with.dot', 'with.dot'))).toEqual({
        code: 2,
        message: "Exception: Configuration 'with.dot' does not exist.",
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("fails a step on an unknown config name with the real message, ErrorCode = step code, state unchanged", async () => {
    const sim = await simulator();
    expect(await step(sim, 'Describe', configId('cobo9', 'experiment', 'experiment'))).toEqual({
      code: 1,
      message: "Exception: Configuration 'cobo9' does not exist.",
    });
    expect(sim.state).toBe('Idle');
    sim.setState('Described');
    expect(await step(sim, 'Prepare', configId('cobo0', 'nope', 'experiment'))).toEqual({
      code: 2,
      message: "Exception: Configuration 'nope' does not exist.",
    });
    expect(sim.state).toBe('Described');
  });

  it('fails a step on a malformed configID, quoting it', async () => {
    const sim = await simulator();
    const bad = '<ConfigId><SubConfigId type="describe">cobo0</SubConfigId></ConfigId>';
    expect(await step(sim, 'Describe', bad)).toEqual({ code: 1, message: `Configuration identifier '${bad}' is not valid.` });
    expect(await step(sim, 'Describe', 'cobo0/experiment/experiment')).toEqual({
      code: 1,
      message: "Configuration identifier 'cobo0/experiment/experiment' is not valid.",
    });
  });

  it('fails Configure when a data sender it drives has no data router in the table', async () => {
    const sim = await simulator({ state: 'Prepared', dataSenders: ['CoBo[0]', 'CoBo[1]'] });
    expect(await step(sim, 'Configure', CONFIG, TABLE)).toEqual({
      code: 3,
      message: "Could not find a valid data router for data sender 'CoBo[1]'",
    });
    expect(sim.state).toBe('Prepared');
    const both = TABLE.replace('</DataLinkSet>', TABLE.slice('<DataLinkSet>'.length).replace('CoBo[0]', 'CoBo[1]'));
    expect(await step(sim, 'Configure', CONFIG, both)).toEqual({ code: 0, message: '' });
    expect(sim.state).toBe('Ready');
  });

  it('fails Configure with an empty table even when no data senders are given', async () => {
    const sim = await simulator({ state: 'Prepared' });
    expect(await step(sim, 'Configure', CONFIG, '')).toEqual({
      code: 3,
      message: "Could not find a valid data router for data sender 'CoBo[0]'",
    });
  });

  it('records a SubConfigId without a valid type as a crash risk, and answers it as not valid', async () => {
    const lines: string[] = [];
    const sim = await simulator({ log: (line) => lines.push(line) });
    const risky = '<ConfigId><SubConfigId>cobo0</SubConfigId></ConfigId>';
    expect(await step(sim, 'Describe', risky)).toEqual({ code: 1, message: `Configuration identifier '${risky}' is not valid.` });
    await step(sim, 'Describe', CONFIG.replace('type="prepare"', 'type="Prepare"'));
    expect(sim.problems).toHaveLength(2);
    expect(sim.problems[0]).toContain('without a type');
    expect(sim.problems[1]).toContain("unknown type 'Prepare'");
    expect(lines.filter((l) => l.includes('CRASH RISK'))).toHaveLength(2);
  });

  it('in strict mode dies like the real server on such a SubConfigId, and close() fails the test', async () => {
    const sim = await startEccSimulator({ strict: true, log: () => {} });
    await expect(step(sim, 'Describe', '<ConfigId><SubConfigId type="describe"></SubConfigId></ConfigId>')).rejects.toThrow();
    expect(sim.listening).toBe(false);
    await expect(sim.close()).rejects.toThrow(/crash the real server/);
  });

  it('fails the chosen step with the chosen message', async () => {
    const sim = await simulator({ state: 'Prepared', failStep: { step: 'Configure', message: 'CoBo[0]: AsAd 2 not found' } });
    expect(await step(sim, 'Configure')).toEqual({ code: 3, message: 'CoBo[0]: AsAd 2 not found' });
    expect(sim.state).toBe('Prepared');
    sim.set({ failStep: null });
    expect((await step(sim, 'Configure')).code).toBe(0);
  });
});

describe('Special and ServerExit', () => {
  it('accepts the known Special commands and refuses others with the real message', async () => {
    const sim = await simulator();
    for (const command of ['asad-inject', 'connect', 'write', 'writereg']) {
      expect(field((await http(sim.url, envelope('Special', { command, table: '' }))).body, 'ErrorCode')).toBe('0');
    }
    const answer = await http(sim.url, envelope('Special', { command: 'reboot', table: '' }));
    expect(field(answer.body, 'ErrorCode')).not.toBe('0');
    expect(field(answer.body, 'ErrorMessage')).toBe("Special command 'reboot' is unknown.");
  });

  it('answers ServerExit and then stops listening', async () => {
    const sim = await simulator();
    expect(field((await http(sim.url, envelope('ServerExit'))).body, 'ErrorCode')).toBe('0');
    await expect.poll(() => sim.listening).toBe(false);
    await expect(http(sim.url, envelope('GetState'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('the soap package client built from resources/ecc.wsdl', () => {
  it('talks to the simulator: GetState and Describe round trip, fields received qualified', async () => {
    const sim = await simulator({ stepMs: 50 });
    const client = await soap.createClientAsync(WSDL, {}, sim.url);
    const [state] = (await client.GetStateAsync({})) as [{ ErrorCode: number; ErrorMessage: string; State: number; Transition: number }];
    expect(state).toEqual({ ErrorCode: 0, ErrorMessage: '', State: 1, Transition: 0 });
    const [described] = (await client.DescribeAsync({ configID: CONFIG, table: TABLE })) as [{ ErrorCode: number }];
    expect(described.ErrorCode).toBe(0);
    expect(sim.state).toBe('Described');
    const received = sim.requests.find((r) => r.operation === 'Describe');
    expect(received?.qualified).toBe(true);
    expect(received?.operationNamespace).toBe('urn:ecc');
    expect(received?.configID).toBe(CONFIG);
    expect(received?.table).toBe(TABLE);
    const [listed] = (await client.GetConfigIDsAsync({})) as [{ Text: string }];
    expect(listed.Text).toMatch(/^<ConfigIdSet><ConfigId>/);
  });
});

describe('many simulators', () => {
  it('starts 100 simulators on their own ports, all answering GetState concurrently', async () => {
    simulators = await startEccSimulators(100, { log: () => {} });
    expect(new Set(simulators.map((s) => s.port)).size).toBe(100);
    const states = await Promise.all(simulators.map((s) => getState(s)));
    expect(states.every((s) => s.state === 1 && s.code === 0)).toBe(true);
  });

  it('gives each simulator its own options and consecutive ports from a base port', async () => {
    // Below Linux's ephemeral range (32768 and up), so that other tests' client sockets do not
    // take base + 1 or base + 2 meanwhile; another base when one is taken anyway.
    let base = 0;
    for (let attempt = 0; attempt < 20 && simulators.length === 0; attempt++) {
      base = 20_000 + Math.floor(Math.random() * 10_000);
      try {
        simulators = await startEccSimulators(3, { port: base }, (i) => ({ dataSenders: [`CoBo[${i}]`] }));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    expect(simulators.map((s) => s.port)).toEqual([base, base + 1, base + 2]);
    expect(simulators[2]?.behaviour.dataSenders).toEqual(['CoBo[2]']);
  });
});
