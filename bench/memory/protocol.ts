// The messages between the memory scenario and the headless application it measures.
import type { EccEndpoint } from '../../src/main/ecc/gateway';

export type ToApp = { type: 'setup'; endpoints: EccEndpoint[] } | { type: 'stop' };

export type FromApp =
  | { type: 'ready'; url: string; token: string }
  | { type: 'configured' }
  /** Once a second: refresh rounds finished so far and the process's memory (bytes). */
  | { type: 'sample'; time: number; rounds: number; rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }
  | { type: 'error'; message: string };
