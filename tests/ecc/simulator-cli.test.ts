// `npm run sim:ecc`: the command line is parsed strictly, and the CLI serves real simulators
// until it is interrupted.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimCliArgs, SIM_CLI_HELP, SimCliError } from '../../src/main/ecc/simulator/cli-options';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

describe('the sim:ecc command line', () => {
  it('defaults to one server on port 8083', () => {
    const config = parseSimCliArgs([]);
    expect(config).toMatchObject({ count: 1, basePort: 8083, help: false });
  });

  it('turns every option into simulator options, with {i} in data senders replaced per server', () => {
    const config = parseSimCliArgs([
      ...['--count', '3', '--base-port', '9000', '--host', '0.0.0.0', '--namespace', 'urn:http://localhost:8083/'],
      ...['--step-ms', '50', '--step-ms', 'Configure=2000', '--describe', 'a,b', '--configure', 'x'],
      ...['--data-senders', 'CoBo[{i}],Mutant[master]', '--fail-step', 'Start:CoBo[0]: no clock: really', '--hang-on', 'GetState,Start'],
      ...['--garbage', '--die-mid-step', '--stress', '--strict', '--log', '--state', 'Prepared'],
    ]);
    expect(config.count).toBe(3);
    expect(config.basePort).toBe(9000);
    expect(config.options(2)).toEqual({
      host: '0.0.0.0',
      namespace: 'urn:http://localhost:8083/',
      stepMs: 50,
      stepDurations: { Configure: 2000 },
      describe: ['a', 'b'],
      configure: ['x'],
      dataSenders: ['CoBo[2]', 'Mutant[master]'],
      failStep: { step: 'Start', message: 'CoBo[0]: no clock: really' },
      hang: ['GetState', 'Start'],
      garbage: true,
      dieMidStep: true,
      stress: true,
      strict: true,
      logRequests: true,
      state: 'Prepared',
    });
  });

  it.each([
    [['--count', 'many'], /--count must be a whole number/],
    [['--base-port', '70000'], /--base-port must be a whole number/],
    [['--step-ms', 'Launch=5'], /unknown step 'Launch'/],
    [['--fail-step', 'Configure'], /STEP:MESSAGE/],
    [['--hang-on', 'Explode'], /unknown operation/],
    [['--config-dir', '/tmp', '--describe', 'a'], /either --config-dir or/],
    [['--state', 'Broken'], /--state must be one of/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--namespace', 'urn:a b'], /--namespace: Must be a URI without spaces/],
    [['--namespace', 'urn:a&b'], /--namespace: Must not contain & < > or "/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseSimCliArgs(argv)).toThrow(SimCliError);
    expect(() => parseSimCliArgs(argv)).toThrow(message);
  });

  it('documents every option in --help', () => {
    for (const option of ['count', 'base-port', 'host', 'namespace', 'step-ms', 'describe', 'configure', 'config-dir', 'data-senders', 'state', 'off', 'fail-step', 'hang', 'hang-on', 'garbage', 'garbage-on', 'die-mid-step', 'stress', 'strict', 'log', 'help']) {
      expect(SIM_CLI_HELP).toContain(`--${option} `);
    }
  });
});

function run(args: string[]): { child: ReturnType<typeof spawn>; output: () => string; exit: Promise<number | null> } {
  const child = spawn(TSX, ['src/main/ecc/sim-cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('the sim:ecc process', () => {
  it('exits 2 on a bad option, saying what is wrong', async () => {
    const cli = run(['--count', '0']);
    expect(await cli.exit).toBe(2);
    expect(cli.output()).toMatch(/--count must be a whole number from 1/);
  });

  it('prints one line per server with its URL, serves GetState, and stops on SIGINT', async () => {
    const cli = run(['--count', '2', '--base-port', '0']);
    await expect.poll(() => cli.output().match(/http:\/\/127\.0\.0\.1:\d+\//g)?.length ?? 0, { timeout: 15_000 }).toBe(2);
    const url = cli.output().match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0] as string;
    const answer = await fetch(url, {
      method: 'POST',
      body: '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><ecc:GetState xmlns:ecc="urn:ecc"/></e:Body></e:Envelope>',
    });
    expect(await answer.text()).toContain('<ecc:State>1</ecc:State>');
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(0);
  });
});
