// Stands for the ECC worker module in tests/ecc/pool-failures.test.ts: getState on port 1 never
// settles (a stuck worker thread); on any other port it answers at once.
export function getState(task) {
  return task.endpoint.port === 1 ? new Promise(() => {}) : { ok: true, value: 'fine' };
}
