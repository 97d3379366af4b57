// The demo's simulated hardware: ECC servers that answer the application's SOAP client, data
// routers on a simulated worker computer that write only while their own ECC server is Running,
// keys and ports that survive a restart, and every port given back on close.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startDemoSimulators, startDemoSimulatorsWithHandles, type DemoHandles, type DemoSimulators } from '../../src/main/demo/simulators';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import { startEccSimulator } from '../../src/main/ecc/simulator';
import { buildConfigId, buildTable, parseConfigIds } from '../../src/main/ecc/payloads';
import { EccSoapClients } from '../../src/main/ecc/soap-client';
import { backupConfigs, checkDataRouter, tailLog, type SshConnectSettings } from '../../src/main/worker-node/ssh-worker';
import { knownHostsName } from '../../src/main/worker-node/known-hosts';

const ROOT = join(import.meta.dirname, '../..');
const WSDL = join(ROOT, 'resources/ecc.wsdl');
const soap = new EccSoapClients(WSDL);
const LIMIT = { timeoutMs: 10_000 };

const scratch = mkdtempSync(join(tmpdir(), 'daq-demo-sim-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(scratch, `demo-${++folders}`);

const started: DemoSimulators[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
  await Promise.all(blockers.splice(0).map((b) => new Promise((resolve) => b.close(resolve))));
});

async function start(dir: string, ports?: DemoSimulators['ports']): Promise<{ simulators: DemoSimulators; handles: DemoHandles }> {
  const both = await startDemoSimulatorsWithHandles({ dir, writeIntervalMs: 10, stepMs: 0, log: () => undefined, ...(ports ? { ports } : {}) });
  started.push(both.simulators);
  return both;
}

function endpoint(port: number): EccEndpoint {
  return { address: '127.0.0.1', port, soapNamespace: 'urn:ecc' };
}

function grawCount(sim: DemoSimulators, router: string): number {
  const staging = sim.dataRouters.find((r) => r.name === router)!.stagingDirectory;
  return readdirSync(join(sim.sandbox, staging)).filter((name) => name.endsWith('.graw')).length;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Whether a port can be listened on right now; blocks it (until the test ends) when `keep`. */
function listenOn(port: number, keep = false): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => {
      if (keep) {
        blockers.push(server);
        resolve(true);
      } else {
        server.close(() => resolve(true));
      }
    });
  });
}

describe('the demo simulators', () => {
  it('run four CoBos and a MuTAnT named and linked as the easy setup names them', async () => {
    const { simulators } = await start(freshDir());
    expect(simulators.eccServers.map((s) => [s.name, s.drivesMutant])).toEqual([
      ['ECC0', false],
      ['ECC1', false],
      ['ECC2', false],
      ['ECC3', false],
      ['ECC_mutant', true],
    ]);
    expect(simulators.dataRouters.map((r) => [r.name, r.connectionType])).toEqual([
      ['DataRouter0', 'TCP'],
      ['DataRouter1', 'TCP'],
      ['DataRouter2', 'TCP'],
      ['DataRouter3', 'TCP'],
      ['DataRouter_mutant', 'FDT'],
    ]);
    expect(simulators.dataSources).toEqual([
      { name: 'CoBo[0]', eccServer: 'ECC0', dataRouter: 'DataRouter0' },
      { name: 'CoBo[1]', eccServer: 'ECC1', dataRouter: 'DataRouter1' },
      { name: 'CoBo[2]', eccServer: 'ECC2', dataRouter: 'DataRouter2' },
      { name: 'CoBo[3]', eccServer: 'ECC3', dataRouter: 'DataRouter3' },
      { name: 'Mutant[master]', eccServer: 'ECC_mutant', dataRouter: 'DataRouter_mutant' },
    ]);
    // Several data routers on one computer: each must have a port of its own.
    expect(new Set(simulators.dataRouters.map((r) => r.port)).size).toBe(5);
    const paths = [...simulators.eccServers.flatMap((s) => [s.logPath, s.configRoot, s.configBackupRoot]), ...simulators.dataRouters.flatMap((r) => [r.logPath, r.stagingDirectory])];
    for (const path of paths) expect(path).toMatch(/^\/[^\s]*$/);
    // What the lead's worker thread posts: plain data only.
    const { close: _close, ...described } = simulators;
    expect(structuredClone(described)).toEqual(described);
  });

  it("answer the application's SOAP client, and list config sets whose three files are all in configRoot", async () => {
    const { simulators } = await start(freshDir());
    for (const server of simulators.eccServers) {
      expect(await soap.getState(endpoint(server.port), LIMIT)).toMatchObject({ state: 'Idle', transition: null, errorCode: 0 });
      const listing = parseConfigIds((await soap.getConfigIds(endpoint(server.port), LIMIT)).text);
      expect(listing.sets).toEqual(server.configSets);
      for (const set of listing.sets) {
        for (const file of [`describe-${set.describe}.xcfg`, `prepare-${set.prepare}.xcfg`, `configure-${set.configure}.xcfg`]) {
          expect(statSync(join(simulators.sandbox, server.configRoot, file)).isFile()).toBe(true);
        }
      }
    }
  });

  it('write .graw files for a data router only while the ECC server of its data source is Running', async () => {
    const { simulators, handles } = await start(freshDir());
    const router1 = handles.dataRouters.get('DataRouter1')!;
    const router0 = handles.dataRouters.get('DataRouter0')!;
    for (const router of simulators.dataRouters) expect(grawCount(simulators, router.name)).toBe(0);

    // ECC1 is stepped to Running as the application does it: the selected set and its data link.
    const set = simulators.eccServers[1]!.configSets[0]!;
    const link = simulators.dataRouters[1]!;
    const table = buildTable([{ dataSender: 'CoBo[1]', routerName: link.name, routerAddress: simulators.host, routerPort: link.port, routerType: link.connectionType }]);
    for (const step of ['Describe', 'Prepare', 'Configure'] as const) {
      expect(await soap.step(endpoint(simulators.ports.ecc[1]!), step, buildConfigId(set), table, LIMIT)).toEqual({ errorCode: 0, errorMessage: '' });
    }
    expect(router1.writing).toBe(false);
    expect(grawCount(simulators, 'DataRouter1')).toBe(0);
    await soap.step(endpoint(simulators.ports.ecc[1]!), 'Start', buildConfigId(set), table, LIMIT);
    expect((await soap.getState(endpoint(simulators.ports.ecc[1]!), LIMIT)).state).toBe('Running');
    await until(() => grawCount(simulators, 'DataRouter1') >= 3, 'three files from DataRouter1');
    expect(grawCount(simulators, 'DataRouter0')).toBe(0);
    expect(grawCount(simulators, 'DataRouter_mutant')).toBe(0);

    // ECC0 Running too, as a clock: while it writes on, the stopped DataRouter1 must stay still.
    handles.eccServers.get('ECC0')!.setState('Running');
    await soap.step(endpoint(simulators.ports.ecc[1]!), 'Stop', buildConfigId(set), table, LIMIT);
    // Like a real router, it empties its buffers for a few seconds after Stop.
    const atStop = router1.bytesWritten;
    expect(router1.writing).toBe(true);
    await until(() => !router1.writing, 'DataRouter1 to stop');
    expect(router1.bytesWritten).toBeGreaterThan(atStop);
    const after = { files: grawCount(simulators, 'DataRouter1'), bytes: router1.bytesWritten };
    const clock = router0.bytesWritten;
    await until(() => router0.bytesWritten >= clock + 5 * 1024, 'DataRouter0 to write five more chunks');
    expect({ files: grawCount(simulators, 'DataRouter1'), bytes: router1.bytesWritten }).toEqual(after);
    expect(router0.writing).toBe(true);

    // The ECC server's log tells each change of state.
    const eccLog = readFileSync(join(simulators.sandbox, simulators.eccServers[1]!.logPath), 'utf8');
    expect(eccLog).toMatch(/Idle -> Described[\s\S]*Described -> Prepared[\s\S]*Prepared -> Ready[\s\S]*Ready -> Running[\s\S]*Running -> Ready/);
  });

  it('let the MuTAnT data router write MuTanT files while the MuTAnT ECC server is Running', async () => {
    const { simulators, handles } = await start(freshDir());
    handles.eccServers.get('ECC_mutant')!.setState('Running');
    await until(() => grawCount(simulators, 'DataRouter_mutant') >= 1, 'a MuTAnT file');
    const staging = join(simulators.sandbox, simulators.dataRouters[4]!.stagingDirectory);
    expect(readdirSync(staging).filter((n) => n.endsWith('.graw'))[0]).toMatch(/^MuTanT_\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}_0000\.graw$/);
  });

  it("serve the application's SSH checks, backups and log views with the key and user they describe", async () => {
    const { simulators, handles } = await start(freshDir());
    const dataDir = mkdtempSync(join(scratch, 'data-'));
    const home = mkdtempSync(join(scratch, 'home-'));
    const knownHosts = join(dataDir, 'known_hosts');
    writeFileSync(knownHosts, `${knownHostsName(simulators.host, simulators.ssh.port)} ${simulators.ssh.hostKey}\n`);
    const connect: SshConnectSettings = { dataDir, knownHostsFiles: [knownHosts], sshConfig: { home, env: {} } };
    const target = { alias: simulators.host, overrides: { user: simulators.ssh.user, port: simulators.ssh.port, identityFile: simulators.ssh.identityFile } };
    const task = { connect, target, timeoutMs: 15_000 };

    handles.eccServers.get('ECC2')!.setState('Running');
    await until(() => grawCount(simulators, 'DataRouter2') >= 2, 'files from DataRouter2');
    handles.eccServers.get('ECC2')!.setState('Ready');
    await until(() => !handles.dataRouters.get('DataRouter2')!.writing, 'DataRouter2 to stop');
    const router = simulators.dataRouters[2]!;
    const check = await checkDataRouter({ ...task, port: router.port });
    expect(check).toMatchObject({ ok: true, value: { processRunning: true, staging: { kind: 'found', directory: router.stagingDirectory }, clean: { clean: false } } });

    const server = simulators.eccServers[2]!;
    const set = server.configSets[1]!;
    const backup = await backupConfigs({
      ...task,
      configRoot: server.configRoot,
      files: [`describe-${set.describe}.xcfg`, `prepare-${set.prepare}.xcfg`, `configure-${set.configure}.xcfg`],
      backupFolder: `${server.configBackupRoot}/demo/run_0000`,
    });
    expect(backup.ok && backup.value.files.map((f) => f.status)).toEqual(['copied', 'copied', 'copied']);

    const log = await tailLog({ ...task, path: server.logPath, lines: 50 });
    expect(log.ok && log.value.lines.at(-1)).toMatch(/Running -> Ready/);
  });

  it('keep their keys across a restart on the same folder, the identity file private to its owner', async () => {
    const dir = freshDir();
    const first = await startDemoSimulators({ dir, log: () => undefined });
    const identity = readFileSync(first.ssh.identityFile, 'utf8');
    await first.close();
    const { simulators: second } = await start(dir);
    expect(second.ssh.hostKey).toBe(first.ssh.hostKey);
    expect(second.ssh.hostKey).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+$/);
    expect(second.ssh.identityFile).toBe(first.ssh.identityFile);
    expect(readFileSync(second.ssh.identityFile, 'utf8')).toBe(identity);
    expect(identity).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(statSync(second.ssh.identityFile).mode & 0o777).toBe(0o600);
    // A new folder gets new keys.
    const { simulators: other } = await start(freshDir());
    expect(other.ssh.hostKey).not.toBe(first.ssh.hostKey);
  });

  it('reuse the preferred ports when free, take others when they are busy, and give every port back on close', async () => {
    const dir = freshDir();
    const first = await startDemoSimulators({ dir, log: () => undefined });
    const ports = first.ports;
    await first.close();
    const all = [...ports.ecc, ports.ssh];
    for (const port of all) expect(await listenOn(port)).toBe(true);

    const { simulators: again } = await start(dir, ports);
    expect(again.ports).toEqual(ports);
    await again.close();
    started.splice(started.indexOf(again), 1);

    expect(await listenOn(ports.ecc[2]!, true)).toBe(true);
    expect(await listenOn(ports.ssh, true)).toBe(true);
    const { simulators: moved } = await start(dir, ports);
    expect(moved.ports.ecc[2]).not.toBe(ports.ecc[2]);
    expect(moved.ports.ssh).not.toBe(ports.ssh);
    expect(moved.ssh.port).toBe(moved.ports.ssh);
    expect(moved.eccServers[2]!.port).toBe(moved.ports.ecc[2]);
    expect([moved.ports.ecc[0], moved.ports.ecc[1], moved.ports.ecc[3], moved.ports.ecc[4]]).toEqual([ports.ecc[0], ports.ecc[1], ports.ecc[3], ports.ecc[4]]);
    expect((await soap.getState(endpoint(moved.ports.ecc[2]!), LIMIT)).state).toBe('Idle');
  });

  it('can be fewer: two CoBos and no MuTAnT', async () => {
    const both = await startDemoSimulatorsWithHandles({ dir: freshDir(), cobos: 2, mutant: false, log: () => undefined });
    started.push(both.simulators);
    expect(both.simulators.eccServers.map((s) => s.name)).toEqual(['ECC0', 'ECC1']);
    expect(both.simulators.dataSources.map((s) => s.name)).toEqual(['CoBo[0]', 'CoBo[1]']);
  });
});

describe("the ECC simulator's onStateChange, which drives the demo", () => {
  it('tells every change of state, whatever made it: a step, setState, a restart; never a non-change', async () => {
    const changes: string[] = [];
    const ecc = await startEccSimulator({ stepMs: 0, state: 'Ready', onStateChange: (state, previous) => changes.push(`${previous}->${state}`) });
    try {
      ecc.setState('Ready');
      ecc.setState('Prepared');
      ecc.setState('Ready');
      const set = { describe: 'cobo0', prepare: 'pulser', configure: 'pulser' };
      await soap.step(endpoint(ecc.port), 'Start', buildConfigId(set), '', LIMIT);
      // A step not allowed here is ignored by the server: no change to tell.
      await soap.step(endpoint(ecc.port), 'Start', buildConfigId(set), '', LIMIT);
      const exit = await fetch(ecc.url, {
        method: 'POST',
        body: '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><ecc:ServerExit xmlns:ecc="urn:ecc"/></e:Body></e:Envelope>',
      });
      expect(exit.status).toBe(200);
      await until(() => !ecc.listening, 'the server to exit');
      await ecc.restart();
      expect(changes).toEqual(['Ready->Prepared', 'Prepared->Ready', 'Ready->Running', 'Running->Idle']);
    } finally {
      await ecc.close();
    }
  });
});

describe('npm run sim:demo', () => {
  const TSX = join(ROOT, 'node_modules/.bin/tsx');
  function run(args: string[]) {
    const child = spawn(TSX, ['src/main/demo/sim-cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, exit };
  }

  it('prints its usage with --help and refuses a bad option', async () => {
    const help = run(['--help']);
    const bad = run(['--cobos', 'many']);
    expect(await help.exit).toBe(0);
    for (const option of ['--dir', '--cobos', '--no-mutant', '--ecc-port', '--ssh-port', '--write-ms', '--step-ms', '--drain-ms', '--help']) expect(help.output()).toContain(option);
    expect(await bad.exit).toBe(2);
    expect(bad.output()).toMatch(/--cobos must be a whole number/);
  });

  it('says what runs where, serves it, and stops on Ctrl-C', async () => {
    const dir = freshDir();
    const cli = run(['--dir', dir, '--cobos', '1']);
    await expect.poll(() => cli.output(), { timeout: 15_000 }).toContain('Ctrl+C stops.');
    const url = /ECC0\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(cli.output())?.[1];
    expect(url).toBeDefined();
    const port = Number(new URL(url!).port);
    expect((await soap.getState(endpoint(port), LIMIT)).state).toBe('Idle');
    const knownHostsLine = readFileSync(join(dir, 'known_hosts'), 'utf8').trim();
    expect(cli.output()).toContain(knownHostsLine);
    expect(cli.output()).toContain(join(dir, 'client_ed25519'));
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(0);
    expect(await listenOn(port)).toBe(true);
  });
});
