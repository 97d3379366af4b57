// The messages between the benchmark and its simulator host process (sim-host.ts).
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import type { EccSimulatorBehaviour } from '../../src/main/ecc/simulator';

/** The simulator options that cross the process boundary (plain data; host and port are the host's). */
export type SimBehaviour = Partial<EccSimulatorBehaviour>;

export type SimHostRequest =
  | { id: number; type: 'start'; count: number; options: SimBehaviour }
  | { id: number; type: 'usage' }
  | { id: number; type: 'close' };

export type SimHostReply =
  | { id: number; type: 'ready' }
  | { id: number; type: 'started'; endpoints: EccEndpoint[] }
  | { id: number; type: 'usage'; cpu: NodeJS.CpuUsage; rss: number }
  | { id: number; type: 'done' }
  | { id: number; type: 'error'; message: string };
