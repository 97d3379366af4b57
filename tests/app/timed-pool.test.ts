// The Piscina pool shared by the ECC and SSH gateways: its threads run with the V8 limits they
// are given, and both gateways refuse unworkable time limits with the same words.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLimits, createTimedPool, type TimedPoolOptions } from '../../src/main/app/timed-pool';
import { createSshGateway } from '../../src/main/worker-node/ssh-pool';
import { tempDir } from '../support/store';

// Its task `probe` tells the limits its thread runs with.
const filename = join(import.meta.dirname, '../support/thread-limits-worker.mjs');

function options(extra: Partial<TimedPoolOptions> = {}): TimedPoolOptions {
  return {
    worker: { filename, execArgv: [] },
    firstTask: 'probe',
    minThreads: 0,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
    maxQueue: 10,
    idleTimeout: 1_000,
    retireGraceMs: 1_000,
    closeTimeoutMs: 1_000,
    ...extra,
  };
}

async function limitsOfAThread(extra: Partial<TimedPoolOptions> = {}): Promise<Record<string, number>> {
  const pool = createTimedPool(options(extra));
  try {
    return await pool.run<Record<string, number>>('probe', {}, AbortSignal.timeout(10_000), 10_000);
  } finally {
    await pool.close();
  }
}

describe('a timed pool', () => {
  it('runs its threads with the resource limits it is given', async () => {
    const limits = await limitsOfAThread({ resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 } });
    expect(limits.maxYoungGenerationSizeMb).toBe(4);
    expect(limits.maxOldGenerationSizeMb).toBe(256);
  });

  it('leaves V8 its own limits when given none', async () => {
    const limits = await limitsOfAThread();
    expect(limits.maxYoungGenerationSizeMb).not.toBe(4);
    expect(limits.maxYoungGenerationSizeMb).toBeGreaterThan(8);
  });
});

describe('time limits', () => {
  it('are refused when the soft limit is not positive or the hard one is shorter, naming whose they are', () => {
    expect(() => checkLimits('stepLimits', { softMs: 0, hardMs: 10 })).toThrow(
      'stepLimits: the soft limit must be positive and the hard limit at least as long (got 0 / 10 ms)',
    );
    expect(() => checkLimits('stepLimits', { softMs: 1_000, hardMs: 500 })).toThrow(RangeError);
    const limits = { softMs: 500, hardMs: 500 };
    expect(checkLimits('stepLimits', limits)).toBe(limits);
  });

  it('are checked alike by the SSH gateway', () => {
    const connect = { dataDir: tempDir('timed-pool-'), knownHostsFiles: [] };
    expect(() => createSshGateway({ connect, fileLimits: { softMs: 1_000, hardMs: 500 } })).toThrow(
      'fileLimits: the soft limit must be positive and the hard limit at least as long (got 1000 / 500 ms)',
    );
  });
});
