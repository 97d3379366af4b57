// `npm run sim:demo`: the demo's simulated hardware on its own (ECC servers and a worker computer
// reached over SSH), for trying the application or a plain `ssh`/`sftp` against it (options: --help).
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { knownHostsName } from '../worker-node/known-hosts';
import { startDemoSimulators, type DemoPorts, type DemoSimulators } from './simulators';

const SIM_DEMO_HELP = `Usage: npm run sim:demo -- [options]

Starts the demo's simulated hardware on 127.0.0.1: an ECC server per CoBo and one for the MuTAnT,
and a simulated worker computer (SSH, public key only) running their getEccSoapServer and
dataRouter processes, whose data routers write .graw files while their ECC server is Running.
Ctrl+C stops them.

  --dir DIR          the demo's folder: keys and the worker computer's files (default ${join(tmpdir(), 'attpc-daq-demo')});
                     keys and ports are kept there and reused on the next start
  --cobos N          number of CoBos (default 4)
  --no-mutant        no MuTAnT
  --ecc-port P       port of the first ECC server, the others on P+1, P+2, ... (default: those of the last start, else any free)
  --ssh-port P       port of the worker computer's SSH server (default: that of the last start, else any free)
  --write-ms MS      how often a running data router writes (default 1000)
  --rate B           bytes per second of the first data router, each next one a quarter more (default 100000)
  --step-ms MS       how long every ECC step takes (default 400)
  --drain-ms MS      how long a data router goes on writing after Stop (default 3000)
  --help             show this help`;

const PORTS_FILE = 'sim-demo-ports.json';

class UsageError extends Error {}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  return Number(value);
}

function lastPorts(dir: string): Partial<DemoPorts> {
  try {
    const saved = JSON.parse(readFileSync(join(dir, PORTS_FILE), 'utf8')) as Partial<DemoPorts>;
    return {
      ...(Array.isArray(saved.ecc) && saved.ecc.every((p) => Number.isInteger(p)) ? { ecc: saved.ecc } : {}),
      ...(Number.isInteger(saved.ssh) ? { ssh: saved.ssh } : {}),
    };
  } catch {
    return {};
  }
}

function describe(sim: DemoSimulators, dir: string): string {
  const sources = (server: string) => sim.dataSources.filter((s) => s.eccServer === server).map((s) => s.name).join(', ');
  const width = Math.max(...sim.eccServers.map((s) => s.name.length), ...sim.dataRouters.map((r) => r.name.length));
  const lines = [
    `Demo simulators, files in ${dir}`,
    '',
    'ECC servers (SOAP):',
    ...sim.eccServers.map((s) => `  ${s.name.padEnd(width)}  http://${sim.host}:${s.port}/  drives ${sources(s.name)}  log ${s.logPath}  configs ${s.configRoot}`),
    '',
    `Worker computer (SSH): ${sim.ssh.user}@${sim.host} port ${sim.ssh.port}; its / is ${sim.sandbox}`,
    `  identity file:   ${sim.ssh.identityFile}`,
    `  known_hosts:     ${knownHostsName(sim.host, sim.ssh.port)} ${sim.ssh.hostKey}`,
    `  try:             ssh -i ${sim.ssh.identityFile} -p ${sim.ssh.port} -o UserKnownHostsFile=${join(dir, 'known_hosts')} ${sim.ssh.user}@${sim.host} ps -e -o pid=,stat=,args=`,
    '',
    'Data routers (simulated dataRouter processes on the worker computer):',
    ...sim.dataRouters.map((r) => `  ${r.name.padEnd(width)}  port ${r.port} ${r.connectionType}  staging ${r.stagingDirectory}  log ${r.logPath}`),
    '',
    'Ctrl+C stops.',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        dir: { type: 'string' },
        cobos: { type: 'string' },
        'no-mutant': { type: 'boolean' },
        'ecc-port': { type: 'string' },
        'ssh-port': { type: 'string' },
        'write-ms': { type: 'string' },
        rate: { type: 'string' },
        'step-ms': { type: 'string' },
        'drain-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    console.error(`sim:demo: ${error instanceof Error ? error.message : String(error)}\nRun with --help for the options.`);
    process.exit(2);
  }
  if (values.help) {
    console.log(SIM_DEMO_HELP);
    return;
  }
  let options;
  try {
    const dir = resolve(values.dir ?? join(tmpdir(), 'attpc-daq-demo'));
    const cobos = integer('cobos', values.cobos, 0, 100) ?? 4;
    const mutant = !values['no-mutant'];
    const eccPort = integer('ecc-port', values['ecc-port'], 1, 65535);
    const count = cobos + (mutant ? 1 : 0);
    if (count === 0) throw new UsageError('Nothing to simulate: no CoBo and no MuTAnT');
    if (eccPort !== undefined && eccPort + count - 1 > 65535) throw new UsageError(`--ecc-port ${eccPort} leaves no room for ${count} servers`);
    const last = lastPorts(dir);
    const sshPort = integer('ssh-port', values['ssh-port'], 1, 65535) ?? last.ssh;
    const ecc = eccPort !== undefined ? Array.from({ length: count }, (_, i) => eccPort + i) : last.ecc;
    const writeIntervalMs = integer('write-ms', values['write-ms'], 10, 3_600_000);
    const bytesPerSecond = integer('rate', values.rate, 1, 10_000_000_000);
    const stepMs = integer('step-ms', values['step-ms'], 0, 86_400_000);
    const drainMs = integer('drain-ms', values['drain-ms'], 0, 3_600_000);
    options = {
      dir,
      cobos,
      mutant,
      ports: { ...(ecc ? { ecc } : {}), ...(sshPort !== undefined ? { ssh: sshPort } : {}) },
      ...(writeIntervalMs !== undefined ? { writeIntervalMs } : {}),
      ...(bytesPerSecond !== undefined ? { bytesPerSecond } : {}),
      ...(stepMs !== undefined ? { stepMs } : {}),
      ...(drainMs !== undefined ? { drainMs } : {}),
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`sim:demo: ${error.message}\nRun with --help for the options.`);
    process.exit(2);
  }

  let simulators: DemoSimulators;
  try {
    simulators = await startDemoSimulators(options);
  } catch (error) {
    console.error(`sim:demo: could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  writeFileSync(join(options.dir, PORTS_FILE), `${JSON.stringify(simulators.ports)}\n`);
  writeFileSync(join(options.dir, 'known_hosts'), `${knownHostsName(simulators.host, simulators.ssh.port)} ${simulators.ssh.hostKey}\n`);
  console.log(describe(simulators, options.dir));

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    simulators.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`sim:demo: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
