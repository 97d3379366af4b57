// What a handler of an operation is: the function that does the work, plus, for a query, the
// tables its result depends on (so subscriptions re-run it only when those change).
import type { MutationName, OperationName, OutputOf, ParsedInputOf, QueryName } from '../../shared/api/contract';
import type { Store, Table } from '../db/store';

/** Who is calling: decided by the transport, never by the caller's input. */
export interface Caller {
  /** How the call arrived, e.g. `ipc` or `http 127.0.0.1`. */
  origin: string;
  /** The operating-system user the action is recorded under. */
  osUser: string;
  readOnly: boolean;
}

export interface HandlerContext {
  store: Store;
  caller: Caller;
  app: { version: string; dataDir: string };
  /** Names what this call acts on, for the audit trail (mutations); the last call wins. */
  auditTarget(target: string): void;
}

type Awaitable<T> = T | Promise<T>;

export interface QueryHandler<K extends QueryName> {
  reads: readonly Table[];
  run(input: ParsedInputOf<K>, ctx: HandlerContext): Awaitable<OutputOf<K>>;
  /**
   * Called when a subscription to this query begins; what it returns is called when it ends.
   * For results that the application refreshes only while someone watches (a remote log).
   */
  watch?(input: ParsedInputOf<K>, ctx: HandlerContext): () => void;
}

export interface MutationHandler<K extends MutationName> {
  run(input: ParsedInputOf<K>, ctx: HandlerContext): Awaitable<OutputOf<K>>;
  /**
   * What the audit trail names as the target when `run` did not name it through
   * `ctx.auditTarget` (e.g. it was refused first); by default the input, shortened.
   */
  describeTarget?(input: ParsedInputOf<K>): string;
}

export type Handler<K extends OperationName> = K extends QueryName
  ? QueryHandler<K>
  : K extends MutationName
    ? MutationHandler<K>
    : never;

export type Handlers<K extends OperationName = OperationName> = { [P in K]: Handler<P> };

/** Declares the handlers of one capability; the compiler checks each against the contract. */
export function defineHandlers<K extends OperationName>(handlers: Handlers<K>): Handlers<K> {
  return handlers;
}
