// `npm run bench`: the control room's benchmarks (docs/performance.md). Starts its own
// simulators and servers on loopback, runs each scenario, prints a table and writes the figures
// to bench/results/<date>.json. `npm run bench -- --help` lists the options.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, machine, writeResults } from './lib/report';
import type { BenchOptions, Scenario, ScenarioResult } from './lib/scenario';
import { compare } from './scenarios/compare';
import { dataflow } from './scenarios/dataflow';
import { memory } from './scenarios/memory';
import { monitors } from './scenarios/monitors';
import { organize } from './scenarios/organize';
import { ready } from './scenarios/ready';
import { refresh } from './scenarios/refresh';
import { responsive } from './scenarios/responsive';
import { transition } from './scenarios/transition';

/** In the order of the issue; the transition scenario (a browser) runs last. */
const SCENARIOS: Scenario[] = [refresh, responsive, ready, organize, dataflow, compare, memory, monitors, transition];

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function help(): string {
  return `Usage: npm run bench -- [options]

Runs the control room's benchmarks on this computer (simulators and servers on 127.0.0.1 only),
prints a table and writes the figures as JSON. See docs/performance.md for what each measures.

Options:
  --scenario NAME[,NAME]  run only these scenarios (default: all, in this order):
${SCENARIOS.map((s) => `                            ${s.name.padEnd(11)} ${s.help}`).join('\n')}
  --servers N[,N...]      number(s) of ECC servers, replacing the scenario's default
  --rounds N              rounds (repetitions) per measurement; for memory, the refresh rounds
                          to sample (the run then lasts as long as they take, at most an hour
                          unless --seconds says otherwise)
  --seconds S             duration of the scenarios that run for a while (responsive, memory;
                          dataflow: each of its two phases)
  --files N               files on one worker computer (organize, dataflow; the 10 routers get N/10 each)
  --out FILE              where to write the JSON (default: bench/results/<date>.json for a
                          full default run, bench/results/<date>-partial.json otherwise)
  -h, --help              show this help

Examples:
  npm run bench                                       the whole default run (under 10 minutes on 2 cores)
  npm run bench -- --scenario refresh --servers 50    one scenario, smaller
`;
}

function positiveInts(name: string, text: string): number[] {
  const values = text.split(',').map((v) => v.trim());
  if (values.some((v) => !/^[1-9]\d*$/.test(v))) throw new Error(`${name} needs positive whole numbers, not "${text}"`);
  return values.map(Number);
}

function parse(argv: string[]): { scenarios: Scenario[]; options: Omit<BenchOptions, 'log'>; out?: string; partial: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true },
      servers: { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      files: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const names = (values.scenario ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  const scenarios = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const options: Omit<BenchOptions, 'log'> = {};
  if (values.servers !== undefined) options.servers = positiveInts('--servers', values.servers);
  if (values.rounds !== undefined) options.rounds = positiveInts('--rounds', values.rounds)[0];
  if (values.seconds !== undefined) options.seconds = positiveInts('--seconds', values.seconds)[0];
  if (values.files !== undefined) options.files = positiveInts('--files', values.files)[0];
  const partial = names.length > 0 || Object.keys(options).length > 0;
  return { scenarios, options, ...(values.out ? { out: values.out } : {}), partial, help: values.help ?? false };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\nRun with --help for the options.`);
    return 2;
  }
  if (parsed.help) {
    console.log(help());
    return 0;
  }
  const started = performance.now();
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  for (const scenario of parsed.scenarios) {
    console.log(`\n== ${scenario.title} (${scenario.name})`);
    const t = performance.now();
    // Others may use the machine too: the load around each scenario goes with its figures.
    const loadBefore = loadavg()[0] ?? 0;
    try {
      const result = await scenario.run({ ...parsed.options, log: (line) => console.log(line) });
      result.seconds = Math.round((performance.now() - t) / 100) / 10;
      result.data.loadAverage1min = { before: Number(loadBefore.toFixed(2)), after: Number((loadavg()[0] ?? 0).toFixed(2)) };
      results.push(result);
      console.log(`   done in ${result.seconds} s`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`   FAILED: ${message}`);
      failures.push({ scenario: scenario.name, error: message });
    }
  }
  const totalSeconds = Math.round((performance.now() - started) / 1000);
  console.log(`\n${formatTable(results)}\n\nTotal time: ${totalSeconds} s (load average, 1 min: ${loadavg()[0]?.toFixed(2)} on ${machine().cpus} cores)`);
  const date = startedAt.toISOString().slice(0, 10);
  const file = parsed.out ?? join(RESULTS_DIR, parsed.partial ? `${date}-partial.json` : `${date}.json`);
  writeResults(file, {
    startedAt: startedAt.toISOString(),
    totalSeconds,
    defaultRun: !parsed.partial,
    arguments: process.argv.slice(2),
    machine: machine(),
    scenarios: Object.fromEntries(
      results.map((r) => [r.name, { title: r.title, seconds: r.seconds, targets: r.targets, rows: r.rows, data: r.data }]),
    ),
    failures,
  });
  console.log(`Figures written to ${file}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
