// The ECC gateway's threads run with a small young generation unless told otherwise: a refresh
// round leaves only short-lived garbage, which a small young generation collects early.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEccGateway, DEFAULT_ECC_RESOURCE_LIMITS, type EccGatewayOptions } from '../../src/main/ecc/pool';

// Stands for the worker module: its getState tells the limits of the thread it runs in.
const filename = join(import.meta.dirname, '../support/thread-limits-worker.mjs');

async function threadLimits(options: EccGatewayOptions = {}): Promise<unknown> {
  const gateway = createEccGateway({ ...options, worker: { filename, execArgv: [] } });
  try {
    return await gateway.getState({ address: '127.0.0.1', port: 1, soapNamespace: 'urn:ecc' });
  } finally {
    await gateway.close();
  }
}

describe('the ECC gateway\'s threads', () => {
  it('have a young generation of 4 MB by default', async () => {
    expect(DEFAULT_ECC_RESOURCE_LIMITS).toEqual({ maxYoungGenerationSizeMb: 4 });
    expect(await threadLimits()).toMatchObject({ maxYoungGenerationSizeMb: 4 });
  });

  it('take the limits the options give instead', async () => {
    expect(await threadLimits({ resourceLimits: { maxYoungGenerationSizeMb: 16 } })).toMatchObject({ maxYoungGenerationSizeMb: 16 });
  });
});
