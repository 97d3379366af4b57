// The application as a real process for the fault tests: what serve mode runs (the application
// and its HTTP/WebSocket server on loopback), with the test schedule (ECC states read every
// 200 ms, no SSH checks or jobs by themselves). Prints the "Open:" line serve mode prints.
// Run with `node --import tsx tests/faults/app-child.ts <data directory>`.
import { startHttpServer } from '../../src/main/api/http-server';
import { openApplication } from '../../src/main/app/application';

// The limits of tests/runs/support.ts (which imports the test framework, so not from here).
const LIMITS = {
  getState: { softMs: 500, hardMs: 1_500 },
  step: { softMs: 1_000, hardMs: 3_000 },
};

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: app-child.ts <data directory>');
const application = openApplication({
  dataDir,
  ecc: {
    gateway: { getStateLimits: LIMITS.getState, configIdsLimits: LIMITS.getState, stepLimits: LIMITS.step, maxThreads: 2 },
    control: { followIntervalMs: 50 },
    schedule: { refreshIntervalMs: 200, transitionIntervalMs: 100 },
  },
  ssh: { schedule: false },
});
const server = await startHttpServer({ application, host: '127.0.0.1', port: 0 });
console.log(`  Open:  ${server.url}/?token=${application.token}`);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => application.close())
    .then(() => process.exit(0));
});
