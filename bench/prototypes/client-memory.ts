// PROTOTYPE experiment, not part of `npm run bench`: how much resident memory the GetState client
// itself holds while refresh rounds over 200 simulated servers run back to back, the product's
// gateway (soap + axios in the worker threads) against the lean prototype. Both run in a process
// of their own under tsx (the same loader overhead for both), without the rest of the application.
//   npx tsx bench/prototypes/client-memory.ts product|prototype [seconds] [servers]
import { createEccGateway } from '../../src/main/ecc/pool';
import { SimHost } from '../lib/sim-host-client';
import { round, summarize } from '../lib/stats';
import { createLeanRefresh } from './lean-get-state';

const variant = process.argv[2];
const seconds = Number(process.argv[3] ?? 60);
const servers = Number(process.argv[4] ?? 200);
if (variant !== 'product' && variant !== 'prototype') {
  console.error('Usage: npx tsx bench/prototypes/client-memory.ts product|prototype [seconds] [servers]');
  process.exit(2);
}

const host = await SimHost.launch();
const endpoints = await host.start(servers);
const gateway = variant === 'product' ? createEccGateway() : null;
const lean = variant === 'prototype' ? createLeanRefresh() : null;
const roundOnce = async () => {
  if (gateway) await gateway.getStates(endpoints);
  else await lean?.round(endpoints);
};
const MB = 1024 * 1024;
const rss: number[] = [];
let rounds = 0;
const sampler = setInterval(() => rss.push(process.memoryUsage().rss / MB), 1_000);
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  await roundOnce();
  rounds++;
}
clearInterval(sampler);
// The first fifth is warm-up.
const summary = summarize(rss.slice(Math.floor(rss.length / 5)));
console.log(`${variant}: ${rounds} rounds over ${servers} servers in ${seconds} s (${round((seconds * 1000) / rounds)} ms a round); resident memory median ${round(summary.median)} MB, max ${round(summary.max)} MB`);
await gateway?.close();
await lean?.close();
await host.close();
