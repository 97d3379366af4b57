// Waiting for a query's pushed value to satisfy a predicate, on the application's own
// subscription (no polling, no sleeps). Used by the tests and the benchmark alike, so it imports
// no test framework.
import type { Caller } from '../../src/main/api/handler';
import type { ApiService } from '../../src/main/api/service';
import type { InputOf, OutputOf, QueryName } from '../../src/shared/api/contract';

/** Resolves with the first result of a query subscription that satisfies `predicate`. */
export function waitForQuery<K extends QueryName>(
  service: Pick<ApiService, 'subscribe'>,
  caller: Caller,
  name: K,
  input: InputOf<K>,
  predicate: (value: OutputOf<K>) => boolean,
  timeoutMs: number,
): Promise<OutputOf<K>> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    let done = false;
    const subscription: { stop?: () => void } = {};
    const finish = () => {
      done = true;
      clearTimeout(timer);
      subscription.stop?.();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${name} did not reach the expected value within ${timeoutMs} ms; last: ${JSON.stringify(last, null, 1)}`));
    }, timeoutMs);
    subscription.stop = service.subscribe(name, input, caller, (result) => {
      if (done) return;
      last = result;
      if (result.ok && predicate(result.value as OutputOf<K>)) {
        finish();
        resolve(result.value as OutputOf<K>);
      }
    });
    // The first result is pushed at once: it may have ended the wait already.
    if (done) subscription.stop();
  });
}
