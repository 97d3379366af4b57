// The SSH gateway's limit of calls per worker computer: OpenSSH allows about 10 channels per
// connection, so calls beyond the limit to one host wait their turn, in order, while other hosts
// are not held up.
import { expect, it } from 'vitest';
import { HostSlots } from '../../src/main/worker-node/ssh-pool';

it('lets the limit of calls through to one host, queues the rest in order, and never holds up another host', async () => {
  const slots = new HostSlots(2);
  const order: string[] = [];
  const first = await slots.acquire('a');
  const second = await slots.acquire('a');
  const third = slots.acquire('a').then((release) => (order.push('third'), release));
  const fourth = slots.acquire('a').then((release) => (order.push('fourth'), release));
  // Another host is not held up by a full one.
  const other = await slots.acquire('b');
  await Promise.resolve();
  expect(order).toEqual([]);

  first();
  const releaseThird = await third;
  expect(order).toEqual(['third']);
  // A release called twice frees one slot only.
  first();
  await Promise.resolve();
  expect(order).toEqual(['third']);

  second();
  const releaseFourth = await fourth;
  expect(order).toEqual(['third', 'fourth']);
  releaseThird();
  releaseFourth();
  other();

  // All free again: the limit applies afresh.
  const again = await Promise.all([slots.acquire('a'), slots.acquire('a')]);
  let waited = false;
  const last = slots.acquire('a').then((release) => ((waited = true), release));
  await Promise.resolve();
  expect(waited).toBe(false);
  again[0]!();
  (await last)();
  again[1]!();
});
