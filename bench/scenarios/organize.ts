// Scenario 5, organizing files: after Stop, a data router's `.graw` files are moved into
// <staging>/<experiment>/run_NNNN over SFTP. Measured over a REAL OpenSSH server on 127.0.0.1
// (tests/support/sshd.ts) with real processes named dataRouter listening on their ports in their
// staging directories (tests/worker-node/programs.ts), through the product's SSH gateway (the
// organizeFiles task of the worker pool: connection, staging directory found with lsof, SFTP
// renames), as the after-stop jobs call it: 10,000 small files on one worker computer, then 10
// routers × 1,000 files at once. Also timed: the renames alone on an open SFTP session, and one
// SSH command, to show what the task's fixed cost is on this machine.
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { organizeRunFiles } from '../../src/main/worker-node/files';
import { trustHostKey } from '../../src/main/worker-node/known-hosts';
import { createSshGateway } from '../../src/main/worker-node/ssh-pool';
import type { SshHost } from '../../src/main/worker-node/ssh-worker';
import { freePort, sshdAvailable, sshdUnavailableReason, startSshd } from '../../tests/support/sshd';
import { fakePrograms } from '../../tests/worker-node/programs';
import { openSession } from '../../tests/worker-node/ssh-session';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { round, rounded, summarize } from '../lib/stats';

const DEFAULT_FILES = 10_000;
const DEFAULT_ROUNDS = 3;
const ROUTERS = 10;
const TARGET_S = 10;
const EXPERIMENT = 'bench';

function grawName(i: number): string {
  return `CoBo${i % 10}_AsAd${Math.floor(i / 10) % 4}_2025-06-01T12:00:00.000_${String(i).padStart(5, '0')}.graw`;
}

/** A staging directory holding `count` small .graw files. */
function fill(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, grawName(i)), `event data ${i}\n`);
}

/** Puts the organized files back (locally: this is setup, not measured). */
function unorganize(staging: string): number {
  const root = join(staging, EXPERIMENT);
  let moved = 0;
  for (const run of readdirSync(root)) {
    for (const name of readdirSync(join(root, run))) {
      renameSync(join(root, run, name), join(staging, name));
      moved++;
    }
  }
  rmSync(root, { recursive: true, force: true });
  return moved;
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const reason = sshdUnavailableReason();
  if (!sshdAvailable()) throw new Error(`No OpenSSH server here ${reason ?? ''}`);
  const files = options.files ?? DEFAULT_FILES;
  const perRouter = Math.max(1, Math.floor(files / ROUTERS));
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const sandbox = realpathSync(mkdtempSync(join(tmpdir(), 'daq-bench-organize-')));
  // Root's ~/.bashrc on this machine runs `pyenv init`, which bash sources for every command run
  // over SSH (0.5 s to several seconds each under load): not the product's cost, nor a DAQ worker
  // computer's. The benchmark's own sshd gives its sessions an empty home instead.
  const remoteHome = join(sandbox, 'remote-home');
  mkdirSync(remoteHome);
  const sshd = await startSshd({ extraConfig: [`SetEnv HOME=${remoteHome}`] });
  const programs = fakePrograms();
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  const data: Record<string, unknown> = { files, routers: ROUTERS, filesPerRouter: perRouter, rounds };
  const dataDir = join(sandbox, 'data');
  const home = join(sandbox, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(dataDir);
  trustHostKey(join(dataDir, 'known_hosts'), sshd.host, sshd.port, Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64'));
  // An empty home: nobody's ~/.ssh/config or known_hosts is read, only the benchmark's own.
  const gateway = createSshGateway({ connect: { dataDir, sshConfig: { home, env: {} } } });
  const host: SshHost = { alias: sshd.host, overrides: { user: sshd.user, port: sshd.port, identityFile: sshd.privateKeyPath } };
  const session = await openSession(sshd);
  try {
    // One worker computer, one data router, `files` files.
    const single = join(sandbox, 'single');
    fill(single, files);
    const singlePort = await freePort();
    await programs.start('dataRouter', { cwd: single, port: singlePort });
    // The connection and the threads are made once, as in the running application.
    await gateway.checkEccServerProcess(host, singlePort);
    const command: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await gateway.checkEccServerProcess(host, singlePort);
      command.push(performance.now() - start);
    }
    const viaGateway: number[] = [];
    const renamesOnly: number[] = [];
    let runNumber = 0;
    for (let r = 0; r < rounds; r++) {
      let start = performance.now();
      const answer = await gateway.organizeFiles(host, { port: singlePort, experiment: EXPERIMENT, runNumber: runNumber++ });
      viaGateway.push((performance.now() - start) / 1000);
      if (answer.result?.moved !== files) throw new Error(`organizeFiles moved ${answer.result?.moved ?? 'nothing'} of ${files} files`);
      unorganize(single);
      start = performance.now();
      const result = await organizeRunFiles(session.sftp, { stagingDirectory: single, experiment: EXPERIMENT, runNumber: runNumber++ });
      renamesOnly.push((performance.now() - start) / 1000);
      if (result.moved !== files) throw new Error(`organizeRunFiles moved ${result.moved} of ${files} files`);
      unorganize(single);
      options.log(`  ${files} files: ${figure(viaGateway.at(-1) as number, 's')} through the gateway, ${figure(renamesOnly.at(-1) as number, 's')} renames alone`);
    }

    // Ten data routers on the same computer, organized at once (as after a Stop).
    const routers: { staging: string; port: number }[] = [];
    for (let i = 0; i < ROUTERS; i++) {
      const staging = join(sandbox, `router${i}`);
      fill(staging, perRouter);
      const port = await freePort();
      await programs.start('dataRouter', { cwd: staging, port });
      routers.push({ staging, port });
    }
    const parallel: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      const answers = await Promise.all(
        routers.map((router) => gateway.organizeFiles(host, { port: router.port, experiment: EXPERIMENT, runNumber: runNumber })),
      );
      parallel.push((performance.now() - start) / 1000);
      runNumber++;
      const moved = answers.reduce((sum, a) => sum + (a.result?.moved ?? 0), 0);
      if (moved !== ROUTERS * perRouter) throw new Error(`The routers' jobs moved ${moved} of ${ROUTERS * perRouter} files`);
      for (const router of routers) unorganize(router.staging);
      options.log(`  ${ROUTERS} routers × ${perRouter} files at once: ${figure(parallel.at(-1) as number, 's')}`);
    }

    // The same ten jobs on ten SFTP sessions of one open connection: the renames without the
    // task's two SSH commands (lsof), whose cost here is this machine's (see 'one SSH command').
    // OpenSSH allows 10 channels per connection: the open session's and 9 more.
    const extra = await Promise.all(routers.slice(1).map(() => session.ssh.requestSFTP()));
    const sessions = [session.sftp, ...extra];
    const parallelRenames: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      const results = await Promise.all(
        routers.map((router, i) => organizeRunFiles(sessions[i]!, { stagingDirectory: router.staging, experiment: EXPERIMENT, runNumber })),
      );
      parallelRenames.push((performance.now() - start) / 1000);
      runNumber++;
      const moved = results.reduce((sum, x) => sum + x.moved, 0);
      if (moved !== ROUTERS * perRouter) throw new Error(`The renames moved ${moved} of ${ROUTERS * perRouter} files`);
      for (const router of routers) unorganize(router.staging);
    }
    for (const sftp of extra) sftp.end();

    const g = summarize(viaGateway);
    const alone = summarize(renamesOnly);
    const p = summarize(parallel);
    const pr = summarize(parallelRenames);
    const c = summarize(command);
    rows.push(
      { measure: `${files} files, one router, through the gateway`, unit: 's', summary: g, spread: 'min-max', note: `${round(files / g.median)} files/s` },
      { measure: `${files} files, renames alone (open SFTP session)`, unit: 's', summary: alone, spread: 'min-max', note: `${round(files / alone.median)} files/s` },
      { measure: `${ROUTERS} routers × ${perRouter} files at once`, unit: 's', summary: p, spread: 'min-max', note: `${round((ROUTERS * perRouter) / p.median)} files/s` },
      { measure: `${ROUTERS} routers × ${perRouter} files, renames alone`, unit: 's', summary: pr, spread: 'min-max', note: `${round((ROUTERS * perRouter) / pr.median)} files/s` },
      { measure: 'one SSH command (ps) through the gateway', unit: 'ms', summary: c, spread: 'min-max', note: 'fixed cost of a task on this machine' },
    );
    targets.push({ what: `${files} files on one worker computer`, target: `≤ ${TARGET_S} s`, measured: figure(g.max, 's') + ' (slowest)', met: g.max <= TARGET_S });
    Object.assign(data, {
      oneRouterSeconds: rounded(g),
      oneRouterFilesPerSecond: round(files / g.median),
      renamesAloneSeconds: rounded(alone),
      renamesAloneFilesPerSecond: round(files / alone.median),
      tenRoutersSeconds: rounded(p),
      tenRoutersFilesPerSecond: round((ROUTERS * perRouter) / p.median),
      tenRoutersRenamesAloneSeconds: rounded(pr),
      tenRoutersRenamesAloneFilesPerSecond: round((ROUTERS * perRouter) / pr.median),
      sshCommandMs: rounded(c),
    });
  } finally {
    session.close();
    await gateway.close();
    programs.close();
    await sshd.close();
    rmSync(sandbox, { recursive: true, force: true });
  }
  return { name: 'organize', title: 'Organizing files', rows, targets, data };
}

export const organize: Scenario = {
  name: 'organize',
  title: 'Organizing files',
  help: `SFTP organize over a real OpenSSH server: N files, then 10 routers × N/10 (--files ${DEFAULT_FILES}, --rounds ${DEFAULT_ROUNDS})`,
  run,
};
