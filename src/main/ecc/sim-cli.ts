// `npm run sim:ecc`: simulated ECC servers on consecutive ports for the demo and for trying the
// application without hardware (options: --help).
import { existsSync, statSync } from 'node:fs';
import { closeEccSimulators, startEccSimulators, type EccSimulator } from './simulator';
import { parseSimCliArgs, SIM_CLI_HELP, SimCliError, type SimCliConfig } from './simulator/cli-options';

async function main(): Promise<void> {
  let config: SimCliConfig;
  try {
    config = parseSimCliArgs(process.argv.slice(2));
    const dir = config.options(0).configDir;
    if (dir && !(existsSync(dir) && statSync(dir).isDirectory())) throw new SimCliError(`--config-dir: '${dir}' is not a folder`);
  } catch (error) {
    if (!(error instanceof SimCliError)) throw error;
    console.error(`sim:ecc: ${error.message}\nRun with --help for the options.`);
    process.exit(2);
  }
  if (config.help) {
    console.log(SIM_CLI_HELP);
    return;
  }
  let simulators: EccSimulator[];
  try {
    simulators = await startEccSimulators(config.count, { ...config.options(0), port: config.basePort }, config.options);
  } catch (error) {
    console.error(`sim:ecc: could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  simulators.forEach((sim, i) => {
    const senders = config.options(i).dataSenders;
    console.log(
      `ECC simulator ${i + 1}/${simulators.length}: ${sim.url} (namespace ${sim.endpoint.soapNamespace}, ` +
        `data senders ${senders ? senders.join(',') : 'any'}, state ${sim.state})`,
    );
  });
  console.log('Ctrl+C stops.');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    closeEccSimulators(simulators).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`sim:ecc: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
