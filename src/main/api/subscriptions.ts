// The subscriptions of one client (a WebSocket, or an Electron window), by the client's own ids,
// so that all of them end together when the client goes away.
import type { ApiErrorData, ApiResult } from '../../shared/api/errors';
import type { Caller } from './handler';
import type { ApiService } from './service';

/** More than any view needs; a client above it is broken or hostile. */
export const MAX_SUBSCRIPTIONS_PER_CLIENT = 500;

export class ClientSubscriptions {
  private readonly active = new Map<string, () => void>();
  private closed = false;

  constructor(
    private readonly service: ApiService,
    private readonly caller: Caller,
    private readonly limit = MAX_SUBSCRIPTIONS_PER_CLIENT,
  ) {}

  /**
   * Starts a subscription; `push` gets every result. A new subscription with the id of an active
   * one replaces it. Returns an error instead when the client has too many.
   */
  subscribe(id: string, name: string, input: unknown, push: (result: ApiResult<unknown>) => void): ApiErrorData | undefined {
    if (this.closed) return { code: 'REFUSED', message: 'The connection is closing' };
    this.unsubscribe(id);
    if (this.active.size >= this.limit) {
      return { code: 'REFUSED', message: `Too many subscriptions on one connection (at most ${this.limit})` };
    }
    let ended = false;
    const stop = this.service.subscribe(name, input, this.caller, (result) => {
      if (!ended) push(result);
    });
    this.active.set(id, () => {
      ended = true;
      stop();
    });
    return undefined;
  }

  /** Ends one subscription; false when there was none with that id. */
  unsubscribe(id: string): boolean {
    const stop = this.active.get(id);
    if (!stop) return false;
    this.active.delete(id);
    stop();
    return true;
  }

  /** Ends every subscription of the client. */
  closeAll(): void {
    for (const stop of this.active.values()) stop();
    this.active.clear();
  }

  /** Ends everything and refuses new subscriptions (the client is gone). */
  close(): void {
    this.closed = true;
    this.closeAll();
  }

  get size(): number {
    return this.active.size;
  }
}
