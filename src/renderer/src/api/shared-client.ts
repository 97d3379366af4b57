// One subscription per query and input, however many views ask for it: the status view, the
// header and the run sheet all follow `ecc.status`, `runs.status` or `experiments.list`, and the
// main process need compute and send each push once. A view that joins gets the last result at
// once (on the next microtask), then every push with the others.
import type { ApiClient, InputOf, OperationName, OutputOf, QueryName } from '../../../shared/api/contract';

type Listener = { onData: (value: unknown) => void; onError: (error: Error) => void };

interface Shared {
  listeners: Set<Listener>;
  last: { data: unknown } | { error: Error } | undefined;
  stop: () => void;
}

export class SharedSubscriptionsClient implements ApiClient {
  private readonly shared = new Map<string, Shared>();

  constructor(private readonly inner: ApiClient) {}

  /** Queries followed by the transport now (tests). */
  get active(): number {
    return this.shared.size;
  }

  call<K extends OperationName>(name: K, input: InputOf<K>): Promise<OutputOf<K>> {
    return this.inner.call(name, input);
  }

  subscribe<K extends QueryName>(
    name: K,
    input: InputOf<K>,
    onData: (value: OutputOf<K>) => void,
    onError: (error: Error) => void,
  ): () => void {
    const key = `${name}\u0000${JSON.stringify(input ?? {})}`;
    const listener: Listener = { onData: onData as (value: unknown) => void, onError };
    let entry = this.shared.get(key);
    if (!entry) {
      const created: Shared = { listeners: new Set(), last: undefined, stop: () => {} };
      this.shared.set(key, created);
      created.stop = this.inner.subscribe(
        name,
        input,
        (value) => {
          created.last = { data: value };
          for (const l of [...created.listeners]) l.onData(value);
        },
        (error) => {
          created.last = { error };
          for (const l of [...created.listeners]) l.onError(error);
        },
      );
      entry = created;
    } else if (entry.last !== undefined) {
      const { last } = entry;
      const joined = entry;
      queueMicrotask(() => {
        // Still listening, and no newer push has reached it meanwhile.
        if (!joined.listeners.has(listener) || joined.last !== last) return;
        if ('data' in last) listener.onData(last.data);
        else listener.onError(last.error);
      });
    }
    entry.listeners.add(listener);
    const current = entry;
    return () => {
      if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
      if (this.shared.get(key) === current) this.shared.delete(key);
      current.stop();
    };
  }
}
