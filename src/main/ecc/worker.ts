// The ECC worker module run by the Piscina pool (pool.ts): each named export is a task taking
// and returning plain data. A call that produced no answer comes back as `{ ok: false, kind,
// message }` rather than a thrown error, since class instances do not cross threads. Many tasks
// run at once in one thread (they wait on the network, not on the processor). GetState, every
// refresh round's call, goes through the lean client (state-client.ts); GetConfigIDs and the
// steps through `soap`, which is loaded only when one of them first runs in the thread.
import type { EccStep } from '../../shared/domain';
import { EccCallError, type ConfigSetNames, type EccEndpoint, type EccErrorKind, type StateReport, type StepAnswer } from './gateway';
import { ConfigListingError, parseConfigIds } from './payloads';
import { EccSoapClients } from './soap-client';
import { getState as getEccState } from './state-client';

export type TaskResult<T> = { ok: true; value: T } | { ok: false; kind: EccErrorKind; message: string };

interface CallTask {
  /** The WSDL file, read once per thread (GetState does without it). */
  wsdlPath: string;
  /** The call's own time limit (the soft limit). */
  timeoutMs: number;
}

export interface GetStateTask extends CallTask {
  endpoint: EccEndpoint;
}

export interface GetStatesTask extends CallTask {
  endpoints: EccEndpoint[];
}

export interface GetConfigIdsTask extends CallTask {
  endpoint: EccEndpoint;
}

export interface ConfigIdsValue {
  errorCode: number;
  errorMessage: string;
  sets: ConfigSetNames[];
  /** Entries of the listing that could not be read, each with its reason. */
  skipped: string[];
}

export interface StepTask extends CallTask {
  endpoint: EccEndpoint;
  step: EccStep;
  /** Built by payloads.ts in the main process. */
  configID: string;
  table: string;
}

const clientsByWsdl = new Map<string, EccSoapClients>();

function clients(wsdlPath: string): EccSoapClients {
  let found = clientsByWsdl.get(wsdlPath);
  if (!found) clientsByWsdl.set(wsdlPath, (found = new EccSoapClients(wsdlPath)));
  return found;
}

async function settle<T>(work: () => Promise<T>): Promise<TaskResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof EccCallError) return { ok: false, kind: error.kind, message: error.message };
    return { ok: false, kind: 'other', message: error instanceof Error ? error.message : String(error) };
  }
}

export function getState(task: GetStateTask): Promise<TaskResult<StateReport>> {
  return settle(() => getEccState(task.endpoint, task));
}

/** A refresh round: every call at once, each with its own time limit; one result per endpoint. */
export function getStates(task: GetStatesTask): Promise<TaskResult<StateReport>[]> {
  return Promise.all(task.endpoints.map((endpoint) => settle(() => getEccState(endpoint, task))));
}

export function getConfigIds(task: GetConfigIdsTask): Promise<TaskResult<ConfigIdsValue>> {
  return settle(async () => {
    const answer = await clients(task.wsdlPath).getConfigIds(task.endpoint, task);
    if (answer.errorCode !== 0) return { errorCode: answer.errorCode, errorMessage: answer.errorMessage, sets: [], skipped: [] };
    try {
      const { sets, skipped } = parseConfigIds(answer.text);
      return { errorCode: 0, errorMessage: answer.errorMessage, sets, skipped };
    } catch (error) {
      if (error instanceof ConfigListingError) throw new EccCallError('garbage', `Unreadable config listing: ${error.message}`);
      throw error;
    }
  });
}

export function step(task: StepTask): Promise<TaskResult<StepAnswer>> {
  return settle(() => clients(task.wsdlPath).step(task.endpoint, task.step, task.configID, task.table, task));
}
