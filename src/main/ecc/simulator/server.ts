// A simulated ECC server (getEccSoapServer) for the demo, the tests and the benchmarks: raw SOAP
// over node:http, written and read the way the gSOAP-generated real server does, with its state
// machine, its timing (a step answers only when done; GetState answers at once meanwhile), its
// failure messages, and bad-day behaviours (hang, garbage, dying mid-step, stress, Off).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_SOAP_NAMESPACE, ECC_STEPS, type EccState, type EccStep } from '../../../shared/domain';
import type { EccEndpoint } from '../gateway';
import {
  configIdSetText,
  invalidConfigIdMessage,
  knowsConfig,
  linkedDataSenders,
  missingDataRouterMessage,
  readConfigFolder,
  readConfigId,
  unknownConfigMessage,
  type ConfigNames,
} from './config-sets';
import { isEccStep, stateCode, stepCode, stepTarget } from './state-machine';
import { faultEnvelope, parseXml, responseEnvelope, SOAP_ENV_NAMESPACE, type XmlElement } from './wire';

export const ECC_OPERATIONS = ['GetState', 'GetConfigIDs', ...ECC_STEPS, 'Special', 'ServerExit'] as const;
export type EccOperation = (typeof ECC_OPERATIONS)[number];

export const BUSY_MESSAGE = 'The ECC state machine is busy!';
export const SPECIAL_COMMANDS = ['asad-inject', 'connect', 'write', 'writereg'] as const;
/** The body of a `garbage` answer: not XML at all. */
export const GARBAGE_BODY = 'this is not a SOAP answer <<<&&&';
/** ErrorCode of an unknown Special command or an unreadable config folder (the real value is not documented). */
export const OTHER_ERROR_CODE = 1;

/** What the simulator does; every field can be changed while it runs (`set`). */
export interface EccSimulatorBehaviour {
  /** How long every step takes, in milliseconds (0 allowed). */
  stepMs: number;
  /** Per-step durations overriding `stepMs`. */
  stepDurations: Partial<Record<EccStep, number>>;
  /** Config names the server lists and accepts (prepare names = configure names). */
  describe: string[];
  configure: string[];
  /** A folder of `describe-*.xcfg` / `configure-*.xcfg` files (read at every call); overrides the lists. */
  configDir: string | null;
  /**
   * The data senders this server drives: Configure fails unless each has a complete link in the
   * table. null: whatever the table names, but it must hold at least one complete link.
   */
  dataSenders: string[] | null;
  /** This step fails (ErrorCode = its code, state unchanged) with this message when it would run. */
  failStep: { step: EccStep; message: string } | null;
  /** Accept the connection, read the request, never answer: every operation (true) or these. */
  hang: boolean | EccOperation[];
  /** Answer 200 with a body that is not XML: every operation (true) or these. */
  garbage: boolean | EccOperation[];
  /** During the next step (half-way) the server closes every connection and stops listening; then reset to false. */
  dieMidStep: boolean;
  /** While a step runs, answer nothing else: other requests wait until the step ends. */
  stress: boolean;
}

export interface EccSimulatorOptions extends Partial<EccSimulatorBehaviour> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** The server's SOAP namespace (default `urn:ecc`). */
  namespace?: string;
  /** The state to start in (default Idle). */
  state?: EccState;
  /** Start in state Off (0), the server's state machine halted. */
  off?: boolean;
  /**
   * A request that would crash the real server (a SubConfigId without a valid type or text) is
   * always recorded in `problems` and logged; with `strict` the simulator also dies like the real
   * server and `close()` rejects, so a test that sent it fails.
   */
  strict?: boolean;
  /** Print every request (one line each) through `log`. */
  logRequests?: boolean;
  /** Where log lines go (default console.error). */
  log?: (line: string) => void;
  /** Called for every request received (after it is read, before it is answered). */
  onRequest?: (request: EccRequestRecord) => void;
  /**
   * Called whenever the state changes: a step that succeeds, setState, a restart (back to Idle).
   * The demo drives its simulated data routers and ECC server log from it. A listener that
   * throws is logged through `log`; the server carries on.
   */
  onStateChange?: (state: EccState, previous: EccState) => void;
}

/** One request field as received. */
export interface ReceivedField {
  /** Its text exactly as received (entities decoded), whether or not the server used it. */
  text: string;
  namespace: string | null;
  /** In the server's namespace, hence read by the server (otherwise it used ''). */
  qualified: boolean;
}

/** One request as received, for tests to check what the server actually got. */
export interface EccRequestRecord {
  /** When the request was complete (ms since the epoch). */
  time: number;
  method: string;
  /** The Body's operation element (local name), or null when the envelope was unreadable. */
  operation: string | null;
  operationNamespace: string | null;
  /** The configID / table / command children as received (qualified or not); undefined when absent. */
  configID: string | undefined;
  table: string | undefined;
  command: string | undefined;
  /** Every child of the operation element by local name. */
  fields: Record<string, ReceivedField>;
  /** Every field the operation takes was present and qualified in the server's namespace. */
  qualified: boolean;
  /** The raw HTTP body. */
  body: string;
  /** How it was answered (set when known): an HTTP status, or 'hang' / 'dropped'. */
  outcome?: number | 'hang' | 'dropped';
  /** The answer's body, when one was sent. */
  response?: string;
  /** When the answer was sent (ms since the epoch): with `time`, tests tell overlapping calls from sequential ones. */
  answeredAt?: number;
}

export interface EccSimulator {
  readonly port: number;
  readonly url: string;
  readonly endpoint: EccEndpoint;
  readonly state: EccState;
  /** The step under way, or null. */
  readonly transition: EccStep | null;
  readonly requests: EccRequestRecord[];
  /** Requests that would have crashed the real server. */
  readonly problems: string[];
  /** False once the server stopped listening (ServerExit, dieMidStep, strict crash, close). */
  readonly listening: boolean;
  readonly behaviour: Readonly<EccSimulatorBehaviour>;
  setState(state: EccState): void;
  /** Changes bad-day and other behaviour while running. */
  set(behaviour: Partial<EccSimulatorBehaviour>): void;
  /** Resolves with the first logged request matching `predicate` (already logged or yet to come). */
  waitForRequest(predicate?: (request: EccRequestRecord) => boolean, timeoutMs?: number): Promise<EccRequestRecord>;
  /** Ends like a killed process: stops listening and drops every connection, a step under way included; `restart` brings it back. */
  kill(): Promise<void>;
  /** Listens again on the same port after the server died or exited, back in Idle like a restarted server. */
  restart(): Promise<void>;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

const DEFAULT_BEHAVIOUR: EccSimulatorBehaviour = {
  stepMs: 200,
  stepDurations: {},
  describe: ['cobo0', 'cobo1'],
  configure: ['experiment', 'pulser'],
  configDir: null,
  dataSenders: null,
  failStep: null,
  hang: false,
  garbage: false,
  dieMidStep: false,
  stress: false,
};

const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Answer {
  status: number;
  body: string;
}

interface RunningStep {
  step: EccStep;
  done: Promise<void>;
}

class Simulator implements EccSimulator {
  readonly requests: EccRequestRecord[] = [];
  readonly problems: string[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #waiters = new Set<{ predicate: (r: EccRequestRecord) => boolean; resolve: (r: EccRequestRecord) => void }>();
  readonly #host: string;
  readonly #namespace: string;
  readonly #strict: boolean;
  readonly #logRequests: boolean;
  readonly #log: (line: string) => void;
  readonly #onRequest: ((request: EccRequestRecord) => void) | undefined;
  readonly #onStateChange: ((state: EccState, previous: EccState) => void) | undefined;
  #behaviour: EccSimulatorBehaviour;
  #port = 0;
  #state: EccState;
  #running: RunningStep | null = null;
  #listening = false;
  #closed = false;

  constructor(options: EccSimulatorOptions) {
    const { host, port: _port, namespace, state, off, strict, logRequests, log, onRequest, onStateChange, ...behaviour } = options;
    this.#host = host ?? '127.0.0.1';
    this.#namespace = namespace ?? DEFAULT_SOAP_NAMESPACE;
    this.#state = off ? 'Off' : (state ?? 'Idle');
    this.#strict = strict ?? false;
    this.#logRequests = logRequests ?? false;
    this.#log = log ?? ((line) => console.error(line));
    this.#onRequest = onRequest;
    this.#onStateChange = onStateChange;
    this.#behaviour = { ...DEFAULT_BEHAVIOUR };
    this.set(behaviour);
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  get port(): number {
    return this.#port;
  }
  get url(): string {
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `http://${host}:${this.#port}/`;
  }
  get endpoint(): EccEndpoint {
    return { address: this.#host, port: this.#port, soapNamespace: this.#namespace };
  }
  get state(): EccState {
    return this.#state;
  }
  get transition(): EccStep | null {
    return this.#running?.step ?? null;
  }
  get listening(): boolean {
    return this.#listening;
  }
  get behaviour(): Readonly<EccSimulatorBehaviour> {
    return this.#behaviour;
  }

  setState(state: EccState): void {
    this.#changeState(state);
  }

  #changeState(state: EccState): void {
    const previous = this.#state;
    this.#state = state;
    if (state === previous || !this.#onStateChange) return;
    try {
      this.#onStateChange(state, previous);
    } catch (error) {
      this.#log(`[ecc-sim :${this.#port}] onStateChange failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  set(behaviour: Partial<EccSimulatorBehaviour>): void {
    const defined = Object.fromEntries(Object.entries(behaviour).filter(([, v]) => v !== undefined));
    const next = { ...this.#behaviour, ...defined };
    for (const ms of [next.stepMs, ...Object.values(next.stepDurations)]) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error(`A step duration must be a number of milliseconds ≥ 0, not ${ms}`);
    }
    for (const list of [next.hang, next.garbage]) {
      if (Array.isArray(list)) {
        const unknown = list.filter((op) => !(ECC_OPERATIONS as readonly string[]).includes(op));
        if (unknown.length > 0) throw new Error(`Unknown operation(s): ${unknown.join(', ')}`);
      }
    }
    if (next.failStep && !isEccStep(next.failStep.step)) throw new Error(`Unknown step '${next.failStep.step}'`);
    this.#behaviour = next;
  }

  waitForRequest(predicate: (request: EccRequestRecord) => boolean = () => true, timeoutMs = 5000): Promise<EccRequestRecord> {
    const found = this.requests.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (r: EccRequestRecord) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`No matching request reached the simulator on port ${this.#port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      this.#server.listen({ host: this.#host, port, backlog: 1024 }, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
    this.#listening = true;
  }

  async kill(): Promise<void> {
    if (this.#closed) throw new Error('The simulator was closed');
    this.#log(`[ecc-sim :${this.#port}] killed`);
    await this.#stop();
  }

  async restart(): Promise<void> {
    if (this.#closed) throw new Error('The simulator was closed');
    if (this.#listening) return;
    this.#running = null;
    this.#changeState('Idle');
    await this.listen(this.#port);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#stop();
    if (this.#strict && this.problems.length > 0) {
      throw new Error(`The ECC simulator on port ${this.#port} received requests that crash the real server:\n${this.problems.join('\n')}`);
    }
  }

  /** Stops listening and drops every connection, like a server process that ends. */
  #stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const wasListening = this.#listening;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => {
      if (!wasListening) return resolve();
      this.#server.close(() => resolve());
    });
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    return closed;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.#respond(req, res, body, size > MAX_BODY_BYTES).catch((error: unknown) => {
        this.#log(`[ecc-sim :${this.#port}] internal error: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) this.#send(res, undefined, { status: 500, body: faultEnvelope(this.#namespace, 'SOAP-ENV:Server', 'Internal error') });
      });
    });
    req.on('error', () => res.destroy());
  }

  async #respond(req: IncomingMessage, res: ServerResponse, body: string, tooLarge: boolean): Promise<void> {
    const record: EccRequestRecord = {
      time: Date.now(),
      method: req.method ?? '',
      operation: null,
      operationNamespace: null,
      configID: undefined,
      table: undefined,
      command: undefined,
      fields: {},
      qualified: false,
      body,
    };
    const read = req.method === 'POST' && !tooLarge ? this.#readRequest(body, record) : null;
    this.#logRequest(record);

    if (req.method !== 'POST') {
      return this.#send(res, record, { status: 405, body: '<html><body><h1>405 Method Not Allowed</h1></body></html>\n' }, 'text/html');
    }
    const operation = read && 'operation' in read ? read.operation : null;
    if (this.#matches(this.#behaviour.hang, operation)) {
      record.outcome = 'hang';
      return;
    }
    if (this.#behaviour.stress && this.#running) {
      while (this.#running) await this.#running.done;
      if (!this.#listening) return;
    }
    if (this.#matches(this.#behaviour.garbage, operation)) {
      return this.#send(res, record, { status: 200, body: GARBAGE_BODY });
    }
    if (tooLarge) return this.#send(res, record, this.#fault('SOAP-ENV:Client', 'Message too large'));
    if (!read || 'fault' in read) return this.#send(res, record, this.#fault('SOAP-ENV:Client', read?.fault ?? 'Unreadable request'));

    const answer = await this.#operate(read.operation, read.field);
    if (answer === null) {
      record.outcome = 'dropped';
      return;
    }
    this.#send(res, record, answer);
    if (read.operation === 'ServerExit') res.on('finish', () => void this.#stop());
  }

  #matches(setting: boolean | EccOperation[], operation: EccOperation | null): boolean {
    return setting === true || (Array.isArray(setting) && operation !== null && setting.includes(operation));
  }

  #fault(code: 'SOAP-ENV:Client' | 'SOAP-ENV:Server', message: string): Answer {
    return { status: 500, body: faultEnvelope(this.#namespace, code, message) };
  }

  /** Reads the envelope and records what arrived; the fields the server uses are the qualified ones. */
  #readRequest(
    body: string,
    record: EccRequestRecord,
  ): { operation: EccOperation; field: (name: string) => string } | { fault: string } {
    let root: XmlElement;
    try {
      root = parseXml(body);
    } catch (error) {
      return { fault: `Unreadable SOAP message: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (root.localName !== 'Envelope' || root.namespace !== SOAP_ENV_NAMESPACE) return { fault: 'Not a SOAP 1.1 Envelope' };
    const soapBody = root.children.find((c) => c.localName === 'Body' && c.namespace === SOAP_ENV_NAMESPACE);
    if (!soapBody) return { fault: 'SOAP Body absent' };
    const element = soapBody.children[0];
    if (!element) return { fault: 'SOAP Body empty' };
    record.operation = element.localName;
    record.operationNamespace = element.namespace;
    for (const child of element.children) {
      record.fields[child.localName] ??= { text: child.text, namespace: child.namespace, qualified: child.namespace === this.#namespace };
    }
    record.configID = record.fields['configID']?.text;
    record.table = record.fields['table']?.text;
    record.command = record.fields['command']?.text;
    const expected = isEccStep(element.localName) ? ['configID', 'table'] : element.localName === 'Special' ? ['command', 'table'] : [];
    record.qualified = expected.every((name) => record.fields[name]?.qualified === true);

    const operation = element.localName as EccOperation;
    if (element.namespace !== this.#namespace || !(ECC_OPERATIONS as readonly string[]).includes(operation)) {
      return { fault: `Method '${element.name}' not implemented: method name or namespace not recognized` };
    }
    // Like gSOAP: an unqualified or missing child is not read, the operation runs with ''.
    const field = (name: string): string => {
      const child = element.children.find((c) => c.localName === name && c.namespace === this.#namespace);
      return child?.text ?? '';
    };
    return { operation, field };
  }

  #logRequest(record: EccRequestRecord): void {
    this.requests.push(record);
    this.#onRequest?.(record);
    for (const waiter of this.#waiters) {
      if (waiter.predicate(record)) {
        this.#waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
    if (!this.#logRequests) return;
    const parts = [`[ecc-sim :${this.#port}] ${new Date(record.time).toISOString()} ${record.method} ${record.operation ?? '(unreadable)'}`];
    for (const [name, field] of Object.entries(record.fields)) {
      parts.push(`${name}=${JSON.stringify(field.text)}${field.qualified ? '' : ' (UNQUALIFIED: read as empty)'}`);
    }
    this.#log(parts.join(' '));
  }

  #send(res: ServerResponse, record: EccRequestRecord | undefined, answer: Answer, contentType = 'text/xml'): void {
    if (record) {
      record.outcome = answer.status;
      record.response = answer.body;
      record.answeredAt = Date.now();
    }
    if (res.destroyed || res.headersSent) return;
    res.writeHead(answer.status, {
      Server: 'gSOAP/2.7',
      'Content-Type': `${contentType}; charset=utf-8`,
      'Content-Length': Buffer.byteLength(answer.body),
      Connection: 'close',
    });
    res.end(answer.body);
  }

  #text(errorCode: number, errorMessage: string, text = ''): Answer {
    return {
      status: 200,
      body: responseEnvelope(this.#namespace, 'ResponseText', [
        ['ErrorCode', errorCode],
        ['ErrorMessage', errorMessage],
        ['Text', text],
      ]),
    };
  }

  /** Runs one operation; null when the server died before answering. */
  async #operate(operation: EccOperation, field: (name: string) => string): Promise<Answer | null> {
    switch (operation) {
      case 'GetState': {
        const running = this.#running;
        return {
          status: 200,
          body: responseEnvelope(this.#namespace, 'ResponseState', [
            ['ErrorCode', 0],
            ['ErrorMessage', running ? BUSY_MESSAGE : ''],
            ['State', stateCode(this.#state)],
            ['Transition', running ? stepCode(running.step) : 0],
          ]),
        };
      }
      case 'GetConfigIDs': {
        let names: ConfigNames;
        try {
          names = this.#configNames();
        } catch (error) {
          return this.#text(OTHER_ERROR_CODE, error instanceof Error ? error.message : String(error));
        }
        return this.#text(0, '', configIdSetText(names));
      }
      case 'Special': {
        const command = field('command');
        if ((SPECIAL_COMMANDS as readonly string[]).includes(command)) return this.#text(0, '');
        return this.#text(OTHER_ERROR_CODE, `Special command '${command}' is unknown.`);
      }
      case 'ServerExit':
        return { status: 200, body: responseEnvelope(this.#namespace, 'Response', [['ErrorCode', 0], ['ErrorMessage', '']]) };
      default:
        return this.#step(operation, field('configID'), field('table'));
    }
  }

  #configNames(): ConfigNames {
    const { configDir, describe, configure } = this.#behaviour;
    return configDir ? readConfigFolder(configDir) : { describe, configure };
  }

  async #step(step: EccStep, configId: string, table: string): Promise<Answer | null> {
    if (this.#running) return this.#text(stepCode(step), BUSY_MESSAGE);
    const target = stepTarget(step, this.#state);
    if (target === null) return this.#text(0, ''); // not allowed here: silently ignored

    // The real server aborts on such a configID: record it loudly before anything else.
    const reading = step === 'Describe' || step === 'Prepare' || step === 'Configure' ? readConfigId(configId) : null;
    if (reading && !reading.ok && reading.crashRisk) {
      const problem = `${step} with ${reading.problem} (the real ECC server aborts on this): configID=${JSON.stringify(configId)}`;
      this.problems.push(problem);
      this.#log(`[ecc-sim :${this.#port}] CRASH RISK: ${problem}`);
      if (this.#strict) {
        await this.#stop();
        return null;
      }
    }

    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.#running = { step, done };
    try {
      const duration = this.#behaviour.stepDurations[step] ?? this.#behaviour.stepMs;
      if (this.#behaviour.dieMidStep) {
        await this.#sleep(duration / 2);
        this.#behaviour = { ...this.#behaviour, dieMidStep: false }; // once: a restarted server works
        this.#log(`[ecc-sim :${this.#port}] dying in the middle of ${step} (dieMidStep)`);
        await this.#stop();
        return null;
      }
      await this.#sleep(duration);
      const failure = this.#failure(step, configId, table, reading);
      if (failure !== null) return this.#text(stepCode(step), failure);
      this.#changeState(target);
      return this.#text(0, '');
    } finally {
      this.#running = null;
      finish();
    }
  }

  /** Why the step fails, or null when it succeeds. */
  #failure(step: EccStep, configId: string, table: string, reading: ReturnType<typeof readConfigId> | null): string | null {
    if (reading) {
      if (!reading.ok) return invalidConfigIdMessage(configId);
      let names: ConfigNames;
      try {
        names = this.#configNames();
      } catch (error) {
        return `Exception: ${error instanceof Error ? error.message : String(error)}`;
      }
      const name = step === 'Describe' ? reading.names.describe : step === 'Prepare' ? reading.names.prepare : reading.names.configure;
      const list = step === 'Describe' ? names.describe : names.configure;
      if (name === undefined || !knowsConfig(list, name)) return unknownConfigMessage(name ?? '');
    }
    if (step === 'Configure') {
      const linked = linkedDataSenders(table);
      const required = this.#behaviour.dataSenders;
      const missing = required ? required.find((sender) => !linked.includes(sender)) : linked.length === 0 ? 'CoBo[0]' : undefined;
      if (missing !== undefined) return missingDataRouterMessage(missing);
    }
    const fail = this.#behaviour.failStep;
    if (fail && fail.step === step) return fail.message;
    return null;
  }
}

/** Starts one simulated ECC server; resolves once it listens. */
export async function startEccSimulator(options: EccSimulatorOptions = {}): Promise<EccSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}

/**
 * Starts `count` simulated ECC servers, each on its own port: consecutive ports from
 * `options.port` when it is given (non-zero), otherwise any free ones. `each(i)` adds per-server
 * options (e.g. its data senders). If one fails to start, the others are closed.
 */
export async function startEccSimulators(
  count: number,
  options: EccSimulatorOptions = {},
  each?: (index: number) => EccSimulatorOptions,
): Promise<EccSimulator[]> {
  const base = options.port ?? 0;
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startEccSimulator({ ...options, ...each?.(i), port: base === 0 ? 0 : base + i })),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const simulators = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed) {
    await Promise.allSettled(simulators.map((s) => s.close()));
    throw failed.reason;
  }
  return simulators;
}

/** Closes every simulator (all of them, even if some fail); rejects with the first failure. */
export async function closeEccSimulators(simulators: EccSimulator[]): Promise<void> {
  const results = await Promise.allSettled(simulators.map((s) => s.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
