// The boundary between the application and the ECC servers: what the control logic asks of a
// server, whatever carries the call (SOAP tasks in the worker pool in the product). Everything
// here is plain data that crosses threads.
import type { EccState, EccStep } from '../../shared/domain';

/** Where a server is and how to talk to it. */
export interface EccEndpoint {
  address: string;
  port: number;
  /** The SOAP namespace of the server's operations (`urn:ecc` unless configured otherwise). */
  soapNamespace: string;
}

/** A config set as the server names it: describe-<d>, prepare-<p>, configure-<c>. */
export interface ConfigSetNames {
  describe: string;
  prepare: string;
  configure: string;
}

/** One data link of the `table` string: a data source and its data router. */
export interface DataLink {
  /** The data source's name, e.g. `CoBo[0]` or `Mutant[master]`. */
  dataSender: string;
  routerName: string;
  routerAddress: string;
  routerPort: number;
  routerType: string;
}

export interface StateReport {
  state: EccState;
  /** The step under way, or null when none runs. */
  transition: EccStep | null;
  errorCode: number;
  errorMessage: string;
}

export interface StepAnswer {
  /** 0: accepted (which does not prove the state changed; read it back). */
  errorCode: number;
  errorMessage: string;
}

export const ECC_ERROR_KINDS = [
  /** No answer within the time limit; the request was aborted. */
  'timeout',
  /** The connection was refused or the host could not be reached. */
  'unreachable',
  /** The connection closed before a complete answer. */
  'disconnected',
  /** The answer was not a SOAP message of the expected shape. */
  'garbage',
  /** A SOAP fault (HTTP 500). */
  'fault',
  /** Anything else. */
  'other',
] as const;
export type EccErrorKind = (typeof ECC_ERROR_KINDS)[number];

/** A call that did not produce an answer; crosses threads as `{ name, kind, message }`. */
export class EccCallError extends Error {
  constructor(
    readonly kind: EccErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'EccCallError';
  }
}

/** Time limits in milliseconds: the call's own limit, and the hard limit of the task carrying it. */
export interface CallLimits {
  softMs: number;
  hardMs: number;
}

export interface EccGateway {
  getState(endpoint: EccEndpoint, limits?: CallLimits): Promise<StateReport>;
  getConfigIds(endpoint: EccEndpoint, limits?: CallLimits): Promise<ConfigSetNames[]>;
  /**
   * Sends one step with the selected config set and the server's data links. Resolves with the
   * server's answer; rejects with EccCallError when there is none (a step that outlives its limit
   * may still be running on the server: follow it with getState).
   */
  step(
    endpoint: EccEndpoint,
    step: EccStep,
    configSet: ConfigSetNames,
    links: DataLink[],
    limits?: CallLimits,
  ): Promise<StepAnswer>;
  /** Many GetState calls in one go (a refresh round); one result per endpoint, in order. */
  getStates(
    endpoints: EccEndpoint[],
    limits?: CallLimits,
  ): Promise<({ ok: true; report: StateReport } | { ok: false; kind: EccErrorKind; message: string })[]>;
  close(): Promise<void>;
}
