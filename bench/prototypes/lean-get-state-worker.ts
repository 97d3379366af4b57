// PROTOTYPE, not product code: GetState without the `soap` package and axios, to measure what a
// lean refresh path would save (docs/performance.md, "Proposed changes"). The request is a fixed
// envelope per namespace, sent with node:http; the answer is parsed with fast-xml-parser and read
// by the product's own toStateReport, so the same answers are accepted and refused.
import { request, Agent } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import type { EccEndpoint, StateReport } from '../../src/main/ecc/gateway';
import { EccCallError } from '../../src/main/ecc/gateway';
import { endpointUrl, toStateReport } from '../../src/main/ecc/soap-client';
import { escapeXml } from '../../src/main/ecc/payloads';

export interface LeanGetStatesTask {
  endpoints: EccEndpoint[];
  timeoutMs: number;
}

export type LeanResult = { ok: true; value: StateReport } | { ok: false; message: string };

// The server closes every connection after one answer (ECC-PROTOCOL.md): no keep-alive.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true, processEntities: true });
const envelopes = new Map<string, string>();

function envelope(namespace: string): string {
  let found = envelopes.get(namespace);
  if (!found) {
    found =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
      `xmlns:ecc="${escapeXml(namespace)}"><soap:Body><ecc:GetState/></soap:Body></soap:Envelope>`;
    envelopes.set(namespace, found);
  }
  return found;
}

function post(endpoint: EccEndpoint, timeoutMs: number): Promise<string> {
  const body = envelope(endpoint.soapNamespace);
  return new Promise((resolve, reject) => {
    const req = request(
      endpointUrl(endpoint),
      {
        method: 'POST',
        agent,
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body), SOAPAction: '""' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new EccCallError('fault', `HTTP ${res.statusCode}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function getState(endpoint: EccEndpoint, timeoutMs: number): Promise<LeanResult> {
  try {
    const text = await post(endpoint, timeoutMs);
    const parsed = parser.parse(text) as { Envelope?: { Body?: { ResponseState?: unknown } } };
    return { ok: true, value: toStateReport(parsed.Envelope?.Body?.ResponseState) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export function getStates(task: LeanGetStatesTask): Promise<LeanResult[]> {
  return Promise.all(task.endpoints.map((endpoint) => getState(endpoint, task.timeoutMs)));
}
