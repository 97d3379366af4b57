// The earlier system's way of reading a state, as a Piscina task: every call builds a new SOAP
// client from the WSDL (reads the file and parses it) and then sends GetState. Run by a pool of
// two threads that each carry one call at a time, like two Celery prefork workers.
import * as soap from 'soap';
import { endpointUrl } from '../../src/main/ecc/soap-client';
import type { EccEndpoint } from '../../src/main/ecc/gateway';

export interface EarlierGetStateTask {
  wsdlPath: string;
  endpoint: EccEndpoint;
  timeoutMs: number;
}

export type EarlierResult = { ok: true; state: number } | { ok: false; message: string };

export async function getState(task: EarlierGetStateTask): Promise<EarlierResult> {
  try {
    const client = await soap.createClientAsync(task.wsdlPath, {}, endpointUrl(task.endpoint));
    const method = client['GetStateAsync'] as (args: object, options: object) => Promise<[{ State?: unknown }]>;
    const [answer] = await method.call(client, {}, { timeout: task.timeoutMs });
    return { ok: true, state: Number(answer.State) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
