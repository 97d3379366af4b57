// GetState without the `soap` package, for the refresh rounds (docs/performance.md, change 4): a
// fixed SOAP 1.1 envelope per namespace POSTed with node:http, the answer parsed with
// fast-xml-parser and read by the same toStateReport as the soap client's. Far less CPU and
// garbage per call than `soap` and axios; every failure is an EccCallError of the kind the soap
// client gives (soap-client.ts). Steps and GetConfigIDs, which are rare, stay on `soap`.
import { request } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EccCallError, type EccEndpoint, type StateReport } from './gateway';
import { escapeXml } from './payloads';
import { decodeXmlText } from './xml-text';
import { MAX_ANSWER_BYTES, agent, endpointUrl, isRecord, normalizeError, preview, toStateReport, type CallOptions } from './soap-client';

// Namespace prefixes dropped: the answer's elements are read by local name, as `soap` reads them.
// Values trimmed, as `soap` trims them. No entity processing by the parser (it never fetches
// external entities; a DTD is refused before parsing): text is decoded by decodeXmlText.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Envelopes by namespace (a handful in practice; the cap only guards against unbounded growth). */
const envelopes = new Map<string, Buffer>();
const MAX_ENVELOPES = 100;

/**
 * The request, byte for byte: what the `soap` package sends for GetState with resources/ecc.wsdl
 * (document/literal, the request element qualified in the server's namespace, no children), with
 * the namespace escaped (`soap` writes it as is and breaks the XML when it holds `&`, `<` or `"`).
 */
export function getStateEnvelope(namespace: string): string {
  const ns = escapeXml(namespace);
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ecc="${ns}">` +
    '<soap:Body><ecc:GetState/></soap:Body></soap:Envelope>'
  );
}

function envelopeBytes(namespace: string): Buffer {
  let bytes = envelopes.get(namespace);
  if (!bytes) {
    if (envelopes.size >= MAX_ENVELOPES) envelopes.clear();
    envelopes.set(namespace, (bytes = Buffer.from(getStateEnvelope(namespace), 'utf8')));
  }
  return bytes;
}

interface HttpAnswer {
  status: number;
  body: string;
}

/** What happened before a failure, to describe it. */
interface Progress {
  /** The status line and headers arrived. */
  head: boolean;
}

function tooLarge(bytes: number): EccCallError {
  return new EccCallError('garbage', `The answer is larger than ${MAX_ANSWER_BYTES} bytes (${bytes} bytes or more): not an ECC server`);
}

/**
 * One POST: resolves with the status and the whole body; rejects with what node:http gave (or an
 * EccCallError for an answer too large). The signal aborts the request and destroys its socket.
 */
function post(endpoint: EccEndpoint, body: Buffer, signal: AbortSignal, progress: Progress): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      endpointUrl(endpoint),
      {
        method: 'POST',
        agent,
        signal,
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          'Content-Length': body.length,
          // WSDL: soapAction="" for every operation; SOAP 1.1 quotes it.
          SOAPAction: '""',
        },
      },
      (res) => {
        progress.head = true;
        const declared = Number(res.headers['content-length']);
        if (declared > MAX_ANSWER_BYTES) {
          reject(tooLarge(declared));
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            reject(tooLarge(size));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks, size).toString('utf8') }));
        res.on('error', reject);
        // Node reports a connection closed before the end of the body as an error ('aborted');
        // this catches any close that reports nothing.
        res.on('close', () => {
          if (!res.complete && !signal.aborted) reject(new EccCallError('disconnected', 'The connection closed before the end of the answer'));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads a GetState answer: its ResponseState, or the EccCallError it amounts to. */
export function readStateAnswer(status: number, text: string): StateReport {
  const httpStatus = status === 200 ? '' : ` (HTTP ${status})`;
  if (text.trim() === '') throw new EccCallError('garbage', `Not a SOAP answer${httpStatus}: the body is empty`);
  // The parser alone is lenient: it reads an envelope left open (an answer cut short, with a
  // Content-Length to match) as a whole ResponseState. This check first is a third of the time to
  // read an answer (about 8 of 26 µs), and it is what keeps such an answer out as garbage.
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line } = valid.err;
    throw new EccCallError('garbage', `The answer is not XML${httpStatus} (${msg} on line ${line}): ${preview(text)}`);
  }
  // SOAP forbids a DTD in a message; refusing it also refuses entity expansion.
  if (/<!DOCTYPE/i.test(text)) throw new EccCallError('garbage', `Not a SOAP answer${httpStatus}: it has a document type declaration`);
  const root: unknown = parser.parse(text);
  const envelope = isRecord(root) ? root.Envelope : undefined;
  const body = isRecord(envelope) ? envelope.Body : undefined;
  if (!isRecord(body)) throw new EccCallError('garbage', `Not a SOAP answer${httpStatus}: ${preview(text)}`);
  if ('Fault' in body) throw faultError(body.Fault);
  if (status !== 200) throw new EccCallError('garbage', `Not a SOAP answer (HTTP ${status}): ${preview(text)}`);
  return toStateReport(body.ResponseState ?? body);
}

/** A SOAP fault, worded as `soap` words it: "faultcode: faultstring[: detail]". */
function faultError(fault: unknown): EccCallError {
  const field = (name: string): string => {
    const value = isRecord(fault) ? fault[name] : undefined;
    return value === undefined || value === '' ? '' : preview(value);
  };
  const [code, string, detail] = [field('faultcode'), field('faultstring'), field('detail')];
  const message = [code || 'SOAP fault', string || '(no faultstring)', ...(detail ? [detail] : [])].join(': ');
  return new EccCallError('fault', message);
}

/** GetState on one server under its soft limit. */
export async function getState(endpoint: EccEndpoint, options: CallOptions): Promise<StateReport> {
  // A wall clock (a server trickling bytes does not extend it); aborting destroys the socket.
  const signal = AbortSignal.timeout(options.timeoutMs);
  const progress: Progress = { head: false };
  let answer: HttpAnswer;
  try {
    answer = await post(endpoint, envelopeBytes(endpoint.soapNamespace), signal, progress);
  } catch (error) {
    const normalized = normalizeError(error, signal.aborted, options.timeoutMs);
    if (normalized.kind === 'disconnected' && progress.head && !(error instanceof EccCallError)) {
      throw new EccCallError('disconnected', `The connection closed before the end of the answer (${normalized.message})`);
    }
    throw normalized;
  }
  return readStateAnswer(answer.status, answer.body);
}
