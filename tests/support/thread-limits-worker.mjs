// Stands for a pool's worker module in the tests of thread limits (tests/app/timed-pool.test.ts,
// tests/ecc/pool-limits.test.ts): each task tells the V8 limits of the thread it runs in.
import { resourceLimits } from 'node:worker_threads';

/** A timed pool's task. */
export function probe() {
  return resourceLimits;
}

/** The ECC worker's getState, whose result the gateway unwraps. */
export function getState() {
  return { ok: true, value: resourceLimits };
}
