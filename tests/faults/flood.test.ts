// The fault matrix, an error flood: ten ECC servers that flap (a garbage answer, then a good one,
// at every other GetState) refreshed every 250 ms make about 1,200 failures a minute, each one a
// log write. Bounded here to 20 s, not the 10 minutes of the issue: the test waits until 340
// failures (1,000 a minute for 20 s) have been counted. The log keeps one row per distinct
// failure, with its count and last time; and meanwhile the API answers: a change on a healthy
// server reaches an ecc.status subscriber. How fast is the benchmark's business, not this test's.
import { describe, expect, it } from 'vitest';
import { call, openApp, simulator, waitFor, waitForStatus } from '../runs/support';
import { gsoap, httpPeer, stateAnswer } from '../ecc/peers';

const FLAPPING = 10;
/** 1,000 failures a minute for 20 s. */
const FLOOD = 340;

/** A server whose every other answer is garbage: a failure, then "answers again", over and over. */
async function flappingPeer() {
  let requests = 0;
  return httpPeer((res) => {
    if (requests++ % 2 === 0) gsoap(res, 'Segmentation fault (core dumped)', 200, 'text/plain');
    else gsoap(res, stateAnswer(1, 0));
  });
}

describe('an error flood', { timeout: 120_000 }, () => {
  it('keeps one log row per distinct failure with its count, and the API answers throughout (20 s of 1,000 failures a minute)', async () => {
    const app = openApp(undefined, { ecc: { schedule: { refreshIntervalMs: 250, transitionIntervalMs: 100 } } });
    await call(app, 'experiments.create', { name: 'e20009' });
    const server = (name: string, port: number) =>
      call(app, 'eccServers.add', { name, address: '127.0.0.1', port, logPath: '/log/ecc.log', configRoot: '/configs', configBackupRoot: '/backups' });
    for (let i = 0; i < FLAPPING; i++) await server(`ECC${i}`, (await flappingPeer()).endpoint.port);
    const healthy = await simulator();
    const { id: healthyId } = await server('ECC_healthy', healthy.port);

    const failures = (items: { level: string; count: number }[]) => items.filter((e) => e.level === 'error').reduce((sum, e) => sum + e.count, 0);
    // Half-way: another client steps the healthy server; the subscriber sees it, the flood going on.
    await waitFor(app, 'log.list', { levels: ['error'], limit: 1000 }, (page) => failures(page.items) >= FLOOD / 2, 60_000);
    healthy.setState('Off');
    const seen = await waitForStatus(app, (s) => s.servers.some((x) => x.id === healthyId && x.state === 'Off' && x.stateCurrent), 10_000);
    expect(seen.servers.filter((x) => x.name.startsWith('ECC') && x.id !== healthyId)).toHaveLength(FLAPPING);

    const flooded = await waitFor(app, 'log.list', { levels: ['error'], limit: 1000 }, (page) => failures(page.items) >= FLOOD, 60_000);
    // One row per server's failure, however often it came: the count says how often, lastAt when last.
    // (Beside them, at most one alarm per server that stopped answering: source `alarm`.)
    expect(flooded.items.filter((e) => e.source === 'alarm').length).toBeLessThanOrEqual(FLAPPING);
    const reads = flooded.items.filter((e) => e.source !== 'alarm');
    expect(reads).toHaveLength(FLAPPING);
    expect(new Set(reads.map((e) => e.subject)).size).toBe(FLAPPING);
    for (const entry of reads) {
      expect(entry.message).toMatch(/^Cannot read the state of ECC\d: The answer is not XML/);
      expect(entry.count).toBeGreaterThan(1);
      expect(entry.lastAt > entry.time).toBe(true);
    }
    // And one row per server for its coming back: the whole log a few dozen rows, not thousands.
    const rows = app.store.db.prepare("SELECT count(*) FROM log_entry WHERE source <> 'alarm'").pluck().get() as number;
    expect(rows).toBeLessThanOrEqual(2 * FLAPPING + 10);
    const answersAgain = app.store.db.prepare("SELECT count(*) FROM log_entry WHERE message LIKE '% answers again (state Idle)'").pluck().get() as number;
    expect(answersAgain).toBe(FLAPPING);
  });
});
