// The API as both transports serve it: validates every call against the contract, refuses
// changes from read-only callers, runs the handler, records mutations in the audit trail, and
// keeps every subscription's result up to date by re-running it after the changes it reads.
import {
  isOperationName,
  isQuery,
  operations,
  type OperationName,
  type QueryName,
} from '../../shared/api/contract';
import { ApiError, fromZodError, type ApiResult } from '../../shared/api/errors';
import type { Store, Table } from '../db/store';
import { insertAuditEntry } from '../log/queries';
import type { Caller, HandlerContext, Handlers, MutationHandler, QueryHandler } from './handler';
import { MAX_INPUT_DEPTH, nestedDeeperThan } from './input-depth';

class InputTooDeepError extends ApiError {
  constructor() {
    super('INVALID_INPUT', `The input is nested deeper than ${MAX_INPUT_DEPTH} levels (objects and arrays): no operation takes that`);
  }
}

const readOnlyRefusal = () => new ApiError('READ_ONLY', 'This connection is read-only: it can watch but not change anything');

export interface ApiServiceOptions {
  store: Store;
  handlers: Handlers;
  app: HandlerContext['app'];
}

interface Subscription {
  name: QueryName;
  input: unknown;
  caller: Caller;
  reads: ReadonlySet<Table>;
  push: (result: ApiResult<unknown>) => void;
  last: string | undefined;
  running: boolean;
  again: boolean;
  closed: boolean;
  /** Ends what the handler's `watch` began. */
  unwatch?: (() => void) | undefined;
}

interface SharedRun {
  result: ApiResult<unknown>;
  serialized: string;
}
type SharedRuns = Map<string, Promise<SharedRun>>;

/** Turns anything thrown by a handler into an ApiError a caller can act on. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    // Handlers check the rules first with precise messages; this is the safety net.
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new ApiError('CONFLICT', 'That would duplicate something that must be unique');
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return new ApiError('CONFLICT', 'It is still in use, or refers to something that does not exist');
    }
    return new ApiError('INVALID_INPUT', `Refused by the database: ${(error as Error).message}`);
  }
  if (code === 'SQLITE_FULL') {
    const message = 'The database is full (its disk, or its size limit): nothing of this change was written. Free space on the disk of the data directory, then try again.';
    console.error(`${message} (${(error as Error).message})`);
    return new ApiError('INTERNAL', message);
  }
  if (code === 'SQLITE_READONLY') {
    const message = 'The database cannot be written (it became read-only): nothing of this change was written. Make the data directory writable, then try again.';
    console.error(`${message} (${(error as Error).message})`);
    return new ApiError('INTERNAL', message);
  }
  console.error(error);
  return new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
}

function shorten(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class ApiService {
  private readonly subscriptions = new Set<Subscription>();
  private readonly dirty = new Set<Table>();
  private flushScheduled = false;
  private readonly stopListening: () => void;

  constructor(private readonly options: ApiServiceOptions) {
    this.stopListening = options.store.onChange((tables) => this.invalidate(tables));
  }

  /** A context for one call; what the handler names as its target goes to `nameTarget`. */
  private context(caller: Caller, nameTarget: (target: string) => void): HandlerContext {
    return { store: this.options.store, caller, app: this.options.app, auditTarget: nameTarget };
  }

  private parse(name: string, input: unknown): { name: OperationName; input: unknown } {
    if (!isOperationName(name)) throw new ApiError('UNKNOWN_OPERATION', `There is no operation "${name}"`);
    if (nestedDeeperThan(input)) throw new InputTooDeepError();
    const parsed = operations[name].input.safeParse(input ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    return { name, input: parsed.data };
  }

  /** Runs one operation for a caller. Never throws: failures come back as `{ ok: false }`. */
  async call(name: string, rawInput: unknown, caller: Caller): Promise<ApiResult<unknown>> {
    let parsedName: OperationName | undefined;
    let input: unknown = rawInput;
    // What the handler named as its target; each call has its own, so concurrent calls of one
    // operation cannot mix them up.
    let named: string | undefined;
    try {
      // A read-only caller (a monitor) is refused any change before its input is even read: every
      // mutation answers 403, whatever was sent with it.
      if (caller.readOnly && isOperationName(name) && !isQuery(name) && !nestedDeeperThan(rawInput)) throw readOnlyRefusal();
      ({ name: parsedName, input } = this.parse(name, rawInput));
      const ctx = this.context(caller, (target) => {
        named = target;
      });
      if (isQuery(parsedName)) {
        const handler = this.options.handlers[parsedName] as QueryHandler<QueryName>;
        return { ok: true, value: await handler.run(input as never, ctx) };
      }
      if (caller.readOnly) throw readOnlyRefusal();
      const handler = this.options.handlers[parsedName] as MutationHandler<never>;
      const value = await handler.run(input as never, ctx);
      this.audit(caller, parsedName, input, true, named, 'ok');
      return { ok: true, value };
    } catch (error) {
      const apiError = toApiError(error);
      // Not copied into the audit trail: its copy would be as deep (and the trail says what it was).
      if (error instanceof InputTooDeepError) input = '(input nested too deeply)';
      // Refused or failed actions are part of the trail too; calls that never named a real
      // operation, and reads, are not operator actions.
      if (parsedName !== undefined ? !isQuery(parsedName) : isOperationName(name) && !isQuery(name)) {
        // A handler may have named its target before it threw.
        this.audit(caller, name, input, parsedName !== undefined, named, `${apiError.code}: ${apiError.message}`);
      }
      return { ok: false, error: apiError.toJSON() };
    }
  }

  /**
   * Records a mutation in the audit trail. The target is what the handler named while running,
   * else the handler's description of its input (only an input that passed validation is
   * described), else the input itself.
   */
  private audit(caller: Caller, action: string, input: unknown, parsed: boolean, named: string | undefined, result: string): void {
    const handler = isOperationName(action) ? (this.options.handlers[action] as Partial<MutationHandler<never>>) : undefined;
    let target = named;
    if (target === undefined && parsed && handler?.describeTarget) {
      try {
        target = handler.describeTarget(input as never);
      } catch {
        target = undefined;
      }
    }
    target ??= JSON.stringify(input ?? {});
    try {
      insertAuditEntry(this.options.store, {
        osUser: caller.osUser,
        origin: caller.origin,
        action,
        target: shorten(target ?? ''),
        result: shorten(result, 1000),
      });
    } catch (error) {
      console.error('Could not write the audit trail:', error);
    }
  }

  /**
   * Subscribes to a query: `push` gets its result now and again whenever a table it reads has
   * changed and the result differs. An invalid subscription gets one error push and ends.
   */
  subscribe(name: string, rawInput: unknown, caller: Caller, push: (result: ApiResult<unknown>) => void): () => void {
    let parsed: { name: OperationName; input: unknown };
    try {
      parsed = this.parse(name, rawInput);
      if (!isQuery(parsed.name)) throw new ApiError('INVALID_INPUT', `"${name}" changes data and cannot be subscribed to`);
    } catch (error) {
      push({ ok: false, error: toApiError(error).toJSON() });
      return () => {};
    }
    const handler = this.options.handlers[parsed.name] as QueryHandler<QueryName>;
    const subscription: Subscription = {
      name: parsed.name as QueryName,
      input: parsed.input,
      caller,
      reads: new Set(handler.reads),
      push,
      last: undefined,
      running: false,
      again: false,
      closed: false,
    };
    this.subscriptions.add(subscription);
    let unwatch: (() => void) | undefined;
    try {
      unwatch = handler.watch?.(parsed.input as never, this.context(caller, () => {}));
    } catch (error) {
      console.error(`Could not watch ${parsed.name}:`, error);
    }
    subscription.unwatch = unwatch;
    void this.refresh(subscription);
    return () => this.end(subscription);
  }

  private end(subscription: Subscription): void {
    if (subscription.closed) return;
    subscription.closed = true;
    this.subscriptions.delete(subscription);
    try {
      subscription.unwatch?.();
    } catch (error) {
      console.error(`Could not stop watching ${subscription.name}:`, error);
    }
  }

  /** Marks tables as changed outside a store write (e.g. live status kept in memory). */
  invalidate(tables: readonly Table[]): void {
    for (const table of tables) this.dirty.add(table);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Coalesces the writes of one tick into one re-run per subscription.
    setImmediate(() => {
      this.flushScheduled = false;
      const dirty = new Set(this.dirty);
      this.dirty.clear();
      // Subscribers of the same query with the same input (a control window and twenty monitors
      // watching one status) share one run of it per flush, and its serialization.
      const shared: SharedRuns = new Map();
      for (const subscription of this.subscriptions) {
        if ([...subscription.reads].some((table) => dirty.has(table))) void this.refresh(subscription, shared);
      }
    });
  }

  private async refresh(subscription: Subscription, shared?: SharedRuns): Promise<void> {
    if (subscription.running) {
      subscription.again = true;
      return;
    }
    subscription.running = true;
    try {
      let runs = shared;
      do {
        subscription.again = false;
        const { result, serialized } = await this.run(subscription, runs);
        // A re-run asked for meanwhile reads the changes made since: never the flush's shared run.
        runs = undefined;
        if (subscription.closed) return;
        if (serialized !== subscription.last) {
          subscription.last = serialized;
          subscription.push(result);
        }
      } while (subscription.again && !subscription.closed);
    } finally {
      subscription.running = false;
    }
  }

  /** The subscription's query run, or the run of the same query this flush already began. */
  private run(subscription: Subscription, shared: SharedRuns | undefined): Promise<SharedRun> {
    const once = async (): Promise<SharedRun> => {
      const result = await this.call(subscription.name, subscription.input, subscription.caller);
      return { result, serialized: JSON.stringify(result) };
    };
    if (!shared) return once();
    // Queries answer the same to every caller but for whether it is read-only (app.info says so).
    const key = `${subscription.name}\0${subscription.caller.readOnly}\0${JSON.stringify(subscription.input)}`;
    let running = shared.get(key);
    if (!running) {
      running = once();
      shared.set(key, running);
    }
    return running;
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  close(): void {
    this.stopListening();
    for (const subscription of [...this.subscriptions]) this.end(subscription);
  }
}
