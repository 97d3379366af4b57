// The fault matrix, the application's worker threads: an ECC or SSH pool thread that dies under
// a task (it exits, or an error nothing catches ends it), in the whole application over the
// project's ECC simulators and a real OpenSSH server with a real dataRouter. The task it carried
// fails as an error of that server or check, in its row and the log; Piscina replaces the
// thread, and the next rounds answer again. The worker modules are the product's, wrapped so a
// test can make a task end its thread (crashing-worker.ts).
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveEccWorker } from '../../src/main/ecc/pool';
import type { WorkersStatus } from '../../src/shared/api/contract';
import { nowIso } from '../../src/main/time';
import { resolveSshWorker } from '../../src/main/worker-node/ssh-pool';
import { LIMITS, call, errorLog, openApp, rig, waitFor, waitForReport, waitForStatus } from '../runs/support';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { tempDir } from '../support/store';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { CRASH_EXIT_CODE } from './crashing-worker';

const WAIT_MS = 30_000;
const eccWorker = { filename: join(import.meta.dirname, 'crashing-ecc-worker.ts'), execArgv: resolveEccWorker().execArgv };
const sshWorker = { filename: join(import.meta.dirname, 'crashing-ssh-worker.ts'), execArgv: resolveSshWorker().execArgv };

let crashDir: string;
beforeEach(() => {
  // The threads read it when they start (the pools start theirs with the application).
  crashDir = tempDir('daq-crash-');
  process.env.DAQ_TEST_CRASH_DIR = crashDir;
});
afterEach(() => {
  delete process.env.DAQ_TEST_CRASH_DIR;
});

/** The next `task` run in a thread of the pool ends that thread (`how`: exit, or an uncaught error). */
function crashNext(task: string, how: 'exit' | 'throw' = 'exit'): void {
  writeFileSync(join(crashDir, task), how);
}

/** Two CoBos on simulators, the ECC pool ONE thread (the one that dies) of the wrapped worker. */
async function eccRig() {
  const app = openApp(undefined, {
    ecc: { gateway: { getStateLimits: LIMITS.getState, configIdsLimits: LIMITS.getState, stepLimits: LIMITS.step, maxThreads: 1, worker: eccWorker } },
  });
  return rig({ cobos: 2, app });
}

describe('an ECC worker thread that crashes', { timeout: 60_000 }, () => {
  it("fails the refresh round it carried, each server's row and one log entry saying so, and the next round reads every state on a new thread", async () => {
    const r = await eccRig();
    crashNext('getStates');
    const failed = await waitForStatus(r.app, (s) => s.servers.every((x) => x.reachable === false), WAIT_MS);
    const message = `The ECC worker failed: worker exited with code: ${CRASH_EXIT_CODE}`;
    for (const server of failed.servers) {
      expect(server).toMatchObject({ state: 'Idle', stateCurrent: false, lastError: { kind: 'refresh', message } });
    }
    // Not a state the servers are in: the overall state names what does not answer.
    expect(failed.overall).not.toBe('Idle');

    // The pool started another thread: the next round answers, the states current again.
    const back = await waitForStatus(r.app, (s) => s.servers.every((x) => x.reachable === true && x.stateCurrent), WAIT_MS);
    expect(back.overall).toBe('Idle');
    const entries = errorLog(r.app).filter((e) => e.message.includes('The ECC worker failed'));
    expect(entries.map((e) => [e.subject, e.message])).toEqual([
      ['ECC0', `Cannot read the state of ECC0: ${message}`],
      ['ECC1', `Cannot read the state of ECC1: ${message}`],
    ]);
    const answers = r.app.store.db.prepare("SELECT subject FROM log_entry WHERE message LIKE '% answers again (state Idle)' ORDER BY subject").pluck().all();
    expect(answers).toEqual(['ECC0', 'ECC1']);
  });

  it('fails the steps it carried, each named in the report, and the same operation done again works', async () => {
    const r = await eccRig();
    crashNext('step', 'throw');
    let since = nowIso();
    await call(r.app, 'ecc.bringAllToReady', {});
    const report = await waitForReport(r.app, since, WAIT_MS);
    expect(report.ok).toBe(false);
    // Both CoBos' Describe ran at once in the one thread: both fail, each said as its own.
    const message = 'The ECC worker failed: step crashed its thread (test)';
    expect(report.failures).toEqual([
      { eccServerId: r.cobos[0]!.eccServerId, server: 'ECC0', step: 'Describe', message: `Describe on ECC0 got no answer (other): ${message}` },
      { eccServerId: r.cobos[1]!.eccServerId, server: 'ECC1', step: 'Describe', message: `Describe on ECC1 got no answer (other): ${message}` },
    ]);
    // Each server's entry, and the operation's report (subject: the servers it names). A refresh
    // round in the thread at that moment fails with it too ("Cannot read the state of …"), and
    // says so in its own entries: left aside here, as it may or may not have been there.
    const stepEntries = errorLog(r.app).filter((e) => e.message.includes(message) && !e.message.startsWith('Cannot read the state'));
    expect(stepEntries.map((e) => e.subject)).toEqual(['ECC0', 'ECC1', 'ECC0, ECC1']);
    expect(stepEntries[2]!.message).toMatch(/^Bring all to Ready stopped at Describe: ECC0 failed at Describe: /);

    since = nowIso();
    await call(r.app, 'ecc.bringAllToReady', {});
    expect(await waitForReport(r.app, since, WAIT_MS)).toMatchObject({ ok: true });
    expect(r.all.map((b) => b.sim.state)).toEqual(['Ready', 'Ready']);
  });
});

describe.skipIf(!sshdAvailable())(`an SSH worker thread that crashes ${sshdUnavailableReason() ?? ''}`, { timeout: 90_000 }, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  it("fails the check it carried, the router's row and the log saying so with its last answer kept, and the next check answers on a new thread", async () => {
    const dataDir = dataDirTrusting(sshd, 'daq-faults-');
    const home = sshHomeFor(sshd);
    const app = openApp(dataDir, {
      ssh: {
        connect: { sshConfig: { home, env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 }, maxThreads: 1, worker: sshWorker },
        schedule: { checkIntervalMs: 500, jobIntervalMs: 200 },
      },
    });
    const r = await rig({ cobos: 1, app });
    const routerId = r.cobos[0]!.dataRouterId;
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    const router = await programs.start('dataRouter', { cwd: staging, port });
    await call(app, 'dataRouters.update', { id: routerId, port });
    const running = (s: WorkersStatus) => {
      const row = s.dataRouters.find((d) => d.id === routerId);
      return row?.error === null && row.processRunning === true && row.process?.kind === 'running' && row.process.pid === router.pid;
    };
    await waitFor(app, 'workers.status', {}, running, WAIT_MS);

    crashNext('checkDataRouter');
    const message = `The SSH worker failed: worker exited with code: ${CRASH_EXIT_CODE}`;
    const failed = await waitFor(app, 'workers.status', {}, (s) => s.dataRouters.some((d) => d.id === routerId && d.error !== null), WAIT_MS);
    const row = failed.dataRouters.find((d) => d.id === routerId)!;
    // The failure of a check, not of the computer: its last answer is kept, as history with its time.
    expect(row).toMatchObject({ error: { kind: 'other', message }, processRunning: true, stagingDirectory: staging, answeredAt: expect.any(String) });
    expect(row.checkedAt! > row.answeredAt!).toBe(true);
    expect(failed.hosts.find((h) => h.address === '127.0.0.1')).toMatchObject({ reachable: true });

    await waitFor(app, 'workers.status', {}, running, WAIT_MS);
    const logged = errorLog(app).filter((e) => e.source === 'ssh' && e.message.includes(message));
    // The checks that shared the thread failed with it (the ECC server's process check too): one entry each.
    expect(logged.map((e) => [e.subject, e.message, e.count])).toEqual([
      ['127.0.0.1', `The SSH check of data router DataRouter0 on 127.0.0.1 failed: ${message}`, 1],
      ['127.0.0.1', `The SSH check of ECC server ECC0 on 127.0.0.1 failed: ${message}`, 1],
    ]);
  });
});
