// SOAP calls to ECC servers with the `soap` package (ECC-PROTOCOL.md), and the reading of answers
// and failures that the lean GetState client (state-client.ts) shares. Runs inside the worker
// threads: the WSDL is read and parsed once per thread and SOAP namespace, a client is kept per
// namespace and endpoint, and each call has its own time limit that aborts the request and
// closes its socket. Every failure comes out as an EccCallError of a known kind.
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import type * as soap from 'soap';
import { ECC_STATES, ECC_STEPS, type EccStep } from '../../shared/domain';
import { EccCallError, type EccEndpoint, type EccErrorKind, type StateReport, type StepAnswer } from './gateway';
import { escapeXml } from './payloads';

/** The namespace the WSDL is written in; replaced by each server's own. */
export const WSDL_NAMESPACE = 'urn:ecc';

export interface ResponseTextAnswer {
  errorCode: number;
  errorMessage: string;
  text: string;
}

export interface CallOptions {
  /** The call's own time limit (the soft limit), a wall clock: the request is aborted when it runs out. */
  timeoutMs: number;
}

/** At most this many clients are kept per thread (oldest dropped first). */
const MAX_CLIENTS = 1000;
/** Answers are a few kilobytes; anything far larger is not an ECC server talking. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

// The server closes every connection after one answer (ECC-PROTOCOL.md): no keep-alive (Node's
// global agent keeps connections alive), no socket limit. The lean GetState client uses it too.
export const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

type SoapModule = typeof soap;
let soapModule: Promise<SoapModule> | undefined;

/**
 * The `soap` package, loaded on first use: it and axios are most of a worker thread's memory, and
 * a thread that only refreshes (GetState, state-client.ts) never needs them.
 */
function loadSoap(): Promise<SoapModule> {
  soapModule ??= import('soap').then(
    // Native import() of this CommonJS package also puts everything under `default`.
    (loaded) => (typeof loaded.WSDL === 'function' ? loaded : (loaded as { default: SoapModule }).default),
    (error: unknown) => {
      soapModule = undefined;
      throw error;
    },
  );
  return soapModule;
}

export class EccSoapClients {
  readonly #wsdlPath: string;
  #wsdlText: Promise<string> | undefined;
  readonly #wsdls = new Map<string, Promise<soap.WSDL>>();
  readonly #clients = new Map<string, soap.Client>();

  constructor(wsdlPath: string) {
    this.#wsdlPath = wsdlPath;
  }

  /** The parsed WSDL for one SOAP namespace, parsed on first use only. */
  #wsdl(namespace: string): Promise<soap.WSDL> {
    let wsdl = this.#wsdls.get(namespace);
    if (!wsdl) {
      this.#wsdlText ??= readFile(this.#wsdlPath, 'utf8');
      wsdl = this.#wsdlText.then((text) => parseWsdl(text, namespace));
      // A failure is not cached: the file may be fixed without restarting.
      wsdl.catch(() => this.#wsdls.delete(namespace));
      this.#wsdlText.catch(() => (this.#wsdlText = undefined));
      this.#wsdls.set(namespace, wsdl);
    }
    return wsdl;
  }

  async #client(endpoint: EccEndpoint): Promise<soap.Client> {
    const url = endpointUrl(endpoint);
    const key = `${endpoint.soapNamespace} ${url}`;
    const cached = this.#clients.get(key);
    if (cached) {
      this.#clients.delete(key);
      this.#clients.set(key, cached);
      return cached;
    }
    let wsdl: soap.WSDL;
    try {
      wsdl = await this.#wsdl(endpoint.soapNamespace);
    } catch (error) {
      throw new EccCallError('other', `Could not read the ECC WSDL (${this.#wsdlPath}): ${messageOf(error)}`);
    }
    const { Client } = await loadSoap();
    const client = new Client(wsdl, url);
    this.#clients.set(key, client);
    if (this.#clients.size > MAX_CLIENTS) this.#clients.delete(this.#clients.keys().next().value!);
    return client;
  }

  async #call(endpoint: EccEndpoint, operation: string, args: Record<string, string>, options: CallOptions): Promise<unknown> {
    const client = await this.#client(endpoint);
    const method = client[`${operation}Async`] as
      | ((args: object, options: object) => Promise<[unknown, ...unknown[]]>)
      | undefined;
    if (typeof method !== 'function') throw new EccCallError('other', `The ECC WSDL has no operation ${operation}`);
    // axios' own timeout only watches for an idle socket; the signal is a wall clock. Either
    // one aborts the request, which destroys its socket.
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const [result] = await method.call(client, args, {
        timeout: options.timeoutMs,
        signal,
        httpAgent: agent,
        maxContentLength: MAX_ANSWER_BYTES,
        maxRedirects: 0,
      });
      return result;
    } catch (error) {
      throw normalizeError(error, signal.aborted, options.timeoutMs);
    }
  }

  /**
   * GetState through `soap`. The worker uses the lean client (state-client.ts) instead; this one
   * stays as the reference that client's answers and failure kinds are compared with
   * (tests/ecc/state-client.test.ts) and for the demo's tests.
   */
  async getState(endpoint: EccEndpoint, options: CallOptions): Promise<StateReport> {
    return toStateReport(await this.#call(endpoint, 'GetState', {}, options));
  }

  async getConfigIds(endpoint: EccEndpoint, options: CallOptions): Promise<ResponseTextAnswer> {
    return toTextAnswer(await this.#call(endpoint, 'GetConfigIDs', {}, options), true);
  }

  /** One step, with `configID` and `table` already built (payloads.ts). */
  async step(endpoint: EccEndpoint, step: EccStep, configID: string, table: string, options: CallOptions): Promise<StepAnswer> {
    if (!ECC_STEPS.includes(step)) throw new EccCallError('other', `Unknown step ${String(step)}`);
    const { errorCode, errorMessage } = toTextAnswer(await this.#call(endpoint, step, { configID, table }, options), false);
    return { errorCode, errorMessage };
  }
}

export function endpointUrl(endpoint: EccEndpoint): string {
  const host = endpoint.address.includes(':') && !endpoint.address.startsWith('[') ? `[${endpoint.address}]` : endpoint.address;
  return `http://${host}:${endpoint.port}/`;
}

/** Parses the WSDL text written for `urn:ecc` as the WSDL of another namespace. */
export async function parseWsdl(text: string, namespace: string): Promise<soap.WSDL> {
  const { WSDL } = await loadSoap();
  const quoted = new RegExp(`(["'])${WSDL_NAMESPACE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`, 'g');
  if (!quoted.test(text)) throw new Error(`The WSDL does not use the namespace ${WSDL_NAMESPACE}`);
  const own = namespace === WSDL_NAMESPACE ? text : text.replace(quoted, (_m, q: string) => `${q}${escapeXml(namespace)}${q}`);
  return new Promise((resolve, reject) => {
    const wsdl = new WSDL(own, `ecc-wsdl:${namespace}`, {});
    wsdl.onReady((error) => (error ? reject(error) : resolve(wsdl)));
  });
}

// ---------------------------------------------------------------------------------------------
// Answers

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function intField(answer: Record<string, unknown>, name: string): number {
  const value = answer[name];
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number)) throw new EccCallError('garbage', `The answer's ${name} is not a whole number: ${preview(value)}`);
  return number;
}

/** An empty element comes back as an empty object or nothing at all. */
function stringField(answer: Record<string, unknown>, name: string, required: boolean): string {
  const value = answer[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value === undefined || value === null) {
    if (required) throw new EccCallError('garbage', `The answer has no ${name}`);
    return '';
  }
  if (isRecord(value) && Object.keys(value).filter((k) => k !== 'attributes').length === 0) return '';
  throw new EccCallError('garbage', `The answer's ${name} is not text: ${preview(value)}`);
}

export function toStateReport(answer: unknown): StateReport {
  if (!isRecord(answer) || !('ErrorCode' in answer)) throw new EccCallError('garbage', `Not a ResponseState: ${preview(answer)}`);
  const errorCode = intField(answer, 'ErrorCode');
  const stateCode = intField(answer, 'State');
  const transitionCode = intField(answer, 'Transition');
  const state = ECC_STATES[stateCode];
  if (state === undefined) throw new EccCallError('garbage', `Unknown state code ${stateCode}`);
  let transition: EccStep | null = null;
  if (transitionCode !== 0) {
    const step = ECC_STEPS[transitionCode - 1];
    if (step === undefined) throw new EccCallError('garbage', `Unknown transition code ${transitionCode}`);
    transition = step;
  }
  return { state, transition, errorCode, errorMessage: stringField(answer, 'ErrorMessage', false) };
}

export function toTextAnswer(answer: unknown, withText: boolean): ResponseTextAnswer {
  if (!isRecord(answer) || !('ErrorCode' in answer) || (!('ErrorMessage' in answer) && !('Text' in answer))) {
    throw new EccCallError('garbage', `Not a ResponseText: ${preview(answer)}`);
  }
  const errorCode = intField(answer, 'ErrorCode');
  return {
    errorCode,
    errorMessage: stringField(answer, 'ErrorMessage', false),
    text: withText ? stringField(answer, 'Text', false) : '',
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A value shown in a message: on one line, at most 200 characters. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  return preview(error);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const DISCONNECTED = new Set(['ECONNRESET', 'EPIPE']);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; isRecord(e) && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
    // Node's AggregateError (happy eyeballs) carries its own errors.
    if (Array.isArray(e.errors)) for (const inner of e.errors) if (isRecord(inner) && typeof inner.code === 'string') codes.push(inner.code);
  }
  return codes;
}

/** Turns whatever `soap`/axios rejected with into an EccCallError of the right kind. */
export function normalizeError(error: unknown, timedOut: boolean, timeoutMs: number): EccCallError {
  if (error instanceof EccCallError) return error;
  const kind = errorKind(error, timedOut);
  if (kind === 'timeout') return new EccCallError(kind, `No answer within ${timeoutMs} ms`);
  let message = messageOf(error);
  if (isRecord(error) && isRecord(error.Fault)) {
    // soap's pseudo-fault for a body that is not XML.
    const { faultstring, detail } = error.Fault;
    message = `The answer is not XML (${preview([faultstring, detail].filter((p) => typeof p === 'string' && p).join(': '))})`;
  } else if (kind === 'garbage' && isRecord(error)) {
    const status = isRecord(error.response) && typeof error.response.status === 'number' ? error.response.status : undefined;
    const body = typeof error.body === 'string' ? error.body : undefined;
    message = `Not a SOAP answer${status !== undefined ? ` (HTTP ${status})` : ''}: ${body ? preview(body) : message}`;
  }
  return new EccCallError(kind, message || kind);
}

function errorKind(error: unknown, timedOut: boolean): EccErrorKind {
  const codes = codesOf(error);
  const message = messageOf(error);
  if (timedOut || codes.includes('ETIMEDOUT') || (codes.includes('ECONNABORTED') && /timeout/i.test(message))) return 'timeout';
  if (codes.some((c) => UNREACHABLE.has(c))) return 'unreachable';
  if (codes.some((c) => DISCONNECTED.has(c)) || /socket hang up|aborted|premature close/i.test(message)) return 'disconnected';
  if (isRecord(error)) {
    // A SOAP fault: soap throws an Error whose root is the parsed envelope.
    const root = error.root;
    if (isRecord(root) && isRecord(root.Envelope) && isRecord(root.Envelope.Body) && 'Fault' in root.Envelope.Body) {
      const fault = root.Envelope.Body.Fault;
      // soap's own "Invalid XML" pseudo-fault is not the server's.
      if (!(isRecord(fault) && fault.faultstring === 'Invalid XML')) return 'fault';
    }
    // A body that is not XML: soap rejects with a plain object shaped like a fault.
    if (isRecord(error.Fault)) return 'garbage';
    if (/Cannot parse response|Error http status codes|Invalid XML|Unexpected|Non-whitespace|Unclosed|Text data outside/i.test(message)) return 'garbage';
    if (codes.includes('ERR_BAD_RESPONSE') || codes.includes('ERR_FR_MAX_BODY_LENGTH_EXCEEDED') || codes.includes('HPE_INVALID_CONSTANT')) return 'garbage';
    if (codes.some((c) => c.startsWith('HPE_'))) return 'garbage';
  }
  return 'other';
}
