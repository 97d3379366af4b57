// The command line of `npm run sim:ecc`: its help text and the parsing of its options into
// simulator options, kept apart from the process so that it can be tested.
import { parseArgs } from 'node:util';
import { DEFAULT_ECC_PORT, ECC_STEPS, soapNamespace, type EccStep } from '../../../shared/domain';
import { ECC_OPERATIONS, type EccOperation, type EccSimulatorOptions } from './server';
import { isEccStep } from './state-machine';

export const SIM_CLI_HELP = `Usage: npm run sim:ecc -- [options]

Starts simulated ECC servers (getEccSoapServer) on consecutive ports; Ctrl+C stops them.

  --count N               number of servers (default 1)
  --base-port P           port of the first server; the others on P+1, P+2, ... (default ${DEFAULT_ECC_PORT}; 0: any free ports)
  --host H                address to listen on (default 127.0.0.1)
  --namespace NS          SOAP namespace of the operations (default urn:ecc)
  --step-ms MS            duration of every step in milliseconds (default 200; 0 allowed)
  --step-ms STEP=MS       duration of one step (repeatable), e.g. --step-ms Configure=5000
  --describe a,b          describe config names (default cobo0,cobo1)
  --configure x,y         configure (= prepare) config names (default experiment,pulser)
  --config-dir DIR        read the names from describe-*.xcfg / configure-*.xcfg in DIR instead
  --data-senders LIST     data senders each server drives, e.g. 'CoBo[0],CoBo[1]'; '{i}' is replaced
                          by the server's index (0, 1, ...), e.g. 'CoBo[{i}]'. Configure fails when one
                          has no data link in the table. Default: any, but at least one link.
  --state STATE           state to start in (default Idle): ${['Off', 'Idle', 'Described', 'Prepared', 'Ready', 'Running', 'Paused'].join(', ')}
  --off                   start in state Off (0), the state machine halted
  --fail-step STEP:MSG    STEP fails with message MSG (ErrorCode = the step's code), e.g. 'Configure:CoBo not found'
  --hang                  accept every connection and never answer
  --hang-on OPS           never answer these operations, e.g. GetState,Configure
  --garbage               answer every request with a body that is not XML
  --garbage-on OPS        answer these operations with a body that is not XML
  --die-mid-step          half-way through the next step, close every connection and stop listening
  --stress                while a step runs, answer nothing else (other requests wait for its end)
  --strict                die like the real server on a configID that crashes it (a SubConfigId
                          without a valid type or text); it is always logged
  --log                   print every request received
  --help                  show this help

Steps: ${ECC_STEPS.join(', ')}. Operations: ${ECC_OPERATIONS.join(', ')}.`;

export interface SimCliConfig {
  count: number;
  basePort: number;
  /** Options for the server of index i. */
  options: (index: number) => EccSimulatorOptions;
  help: boolean;
}

/** A bad command line: the message says what is wrong. */
export class SimCliError extends Error {
  override name = 'SimCliError';
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new SimCliError(`--${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  }
  return Number(value);
}

function operations(name: string, value: string): EccOperation[] {
  const ops = list(value);
  const unknown = ops.filter((op) => !(ECC_OPERATIONS as readonly string[]).includes(op));
  if (ops.length === 0 || unknown.length > 0) {
    throw new SimCliError(`--${name}: unknown operation(s) '${unknown.join(',') || value}'; use ${ECC_OPERATIONS.join(', ')}`);
  }
  return ops as EccOperation[];
}

export function parseSimCliArgs(argv: string[]): SimCliConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        count: { type: 'string' },
        'base-port': { type: 'string' },
        host: { type: 'string' },
        namespace: { type: 'string' },
        'step-ms': { type: 'string', multiple: true },
        describe: { type: 'string' },
        configure: { type: 'string' },
        'config-dir': { type: 'string' },
        'data-senders': { type: 'string' },
        state: { type: 'string' },
        off: { type: 'boolean' },
        'fail-step': { type: 'string' },
        hang: { type: 'boolean' },
        'hang-on': { type: 'string' },
        garbage: { type: 'boolean' },
        'garbage-on': { type: 'string' },
        'die-mid-step': { type: 'boolean' },
        stress: { type: 'boolean' },
        strict: { type: 'boolean' },
        log: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new SimCliError(error instanceof Error ? error.message : String(error));
  }
  const count = values.count === undefined ? 1 : integer('count', values.count, 1, 10000);
  const basePort = values['base-port'] === undefined ? DEFAULT_ECC_PORT : integer('base-port', values['base-port'], 0, 65535);
  if (basePort !== 0 && basePort + count - 1 > 65535) throw new SimCliError(`--base-port ${basePort} leaves no room for ${count} servers`);

  const base: EccSimulatorOptions = {};
  if (values.host !== undefined) base.host = values.host;
  if (values.namespace !== undefined) {
    // The application's own rule for a SOAP namespace (src/shared/domain.ts).
    const parsed = soapNamespace.safeParse(values.namespace);
    if (!parsed.success) throw new SimCliError(`--namespace: ${parsed.error.issues[0]?.message ?? 'not a SOAP namespace'}`);
    base.namespace = parsed.data;
  }
  const durations: Partial<Record<EccStep, number>> = {};
  for (const item of values['step-ms'] ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      base.stepMs = integer('step-ms', item, 0, 86_400_000);
      continue;
    }
    const step = item.slice(0, eq);
    if (!isEccStep(step)) throw new SimCliError(`--step-ms: unknown step '${step}'; use ${ECC_STEPS.join(', ')}`);
    durations[step] = integer('step-ms', item.slice(eq + 1), 0, 86_400_000);
  }
  base.stepDurations = durations;
  if (values.describe !== undefined) base.describe = list(values.describe);
  if (values.configure !== undefined) base.configure = list(values.configure);
  if (values['config-dir'] !== undefined) {
    if (values.describe !== undefined || values.configure !== undefined) {
      throw new SimCliError('Give either --config-dir or --describe/--configure, not both');
    }
    base.configDir = values['config-dir'];
  }
  if (values.state !== undefined) {
    const states = ['Off', 'Idle', 'Described', 'Prepared', 'Ready', 'Running', 'Paused'];
    if (!states.includes(values.state)) throw new SimCliError(`--state must be one of ${states.join(', ')}`);
    base.state = values.state as EccSimulatorOptions['state'];
  }
  if (values.off) base.off = true;
  if (values['fail-step'] !== undefined) {
    const colon = values['fail-step'].indexOf(':');
    const step = colon < 0 ? values['fail-step'] : values['fail-step'].slice(0, colon);
    const message = colon < 0 ? '' : values['fail-step'].slice(colon + 1);
    if (!isEccStep(step) || message === '') {
      throw new SimCliError(`--fail-step must be STEP:MESSAGE with STEP one of ${ECC_STEPS.join(', ')}`);
    }
    base.failStep = { step, message };
  }
  if (values.hang && values['hang-on'] !== undefined) throw new SimCliError('Give either --hang or --hang-on, not both');
  if (values.hang) base.hang = true;
  if (values['hang-on'] !== undefined) base.hang = operations('hang-on', values['hang-on']);
  if (values.garbage && values['garbage-on'] !== undefined) throw new SimCliError('Give either --garbage or --garbage-on, not both');
  if (values.garbage) base.garbage = true;
  if (values['garbage-on'] !== undefined) base.garbage = operations('garbage-on', values['garbage-on']);
  if (values['die-mid-step']) base.dieMidStep = true;
  if (values.stress) base.stress = true;
  if (values.strict) base.strict = true;
  if (values.log) base.logRequests = true;

  const senders = values['data-senders'];
  if (senders !== undefined && list(senders).length === 0) throw new SimCliError('--data-senders must name at least one data sender');
  return {
    count,
    basePort,
    help: values.help ?? false,
    options: (index) => ({
      ...base,
      ...(senders !== undefined ? { dataSenders: list(senders.replaceAll('{i}', String(index))) } : {}),
    }),
  };
}
