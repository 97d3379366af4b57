// The application as a real process for the fault tests: what serve mode runs (the application
// and its HTTP/WebSocket server on loopback), with the test schedule (ECC states read every
// 200 ms). Without `--ssh-home`, no SSH checks or jobs run by themselves; with it, the worker
// computers are reached as that home's ~/.ssh/config says, checked every 500 ms, and after-stop
// jobs are looked for every 200 ms (their settle time the operator's setting). Prints the
// "Open:" line serve mode prints.
// Run with `node --import tsx tests/faults/app-child.ts <data directory> [--ssh-home <home>]`.
import { startHttpServer } from '../../src/main/api/http-server';
import { openApplication, type ApplicationOptions } from '../../src/main/app/application';

// The limits of tests/runs/support.ts (which imports the test framework, so not from here).
const LIMITS = {
  getState: { softMs: 500, hardMs: 1_500 },
  step: { softMs: 1_000, hardMs: 3_000 },
};

const [dataDir, flag, home] = process.argv.slice(2);
if (!dataDir || (flag !== undefined && (flag !== '--ssh-home' || !home))) throw new Error('usage: app-child.ts <data directory> [--ssh-home <home>]');
// As tests/faults/organize.test.ts reaches its OpenSSH server (limits for a loaded machine).
const ssh: ApplicationOptions['ssh'] = home
  ? {
      connect: { sshConfig: { home, env: {} } },
      gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 } },
      jobs: { maxAttempts: 3, backoffMs: () => 200, settlePollMs: 200 },
      schedule: { checkIntervalMs: 500, jobIntervalMs: 200 },
    }
  : { schedule: false };
const application = openApplication({
  dataDir,
  ecc: {
    gateway: { getStateLimits: LIMITS.getState, configIdsLimits: LIMITS.getState, stepLimits: LIMITS.step, maxThreads: 2 },
    control: { followIntervalMs: 50 },
    schedule: { refreshIntervalMs: 200, transitionIntervalMs: 100 },
  },
  ssh,
});
const server = await startHttpServer({ application, host: '127.0.0.1', port: 0 });
console.log(`  Open:  ${server.url}/?token=${application.token}`);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => application.close())
    .then(() => process.exit(0));
});
