// The rules over one snapshot, where a fault is hard to make for real: a schedule whose rounds no
// longer end (a round that hangs past every time limit). The heartbeat is a real Round's.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_RULES } from '../../src/shared/alarms';
import { evaluateRules, type AlarmInputs, type CheckHeartbeat } from '../../src/main/alarms/rules';
import { Round } from '../../src/main/schedule/rounds';

function inputs(now: number, checks: CheckHeartbeat[]): AlarmInputs {
  return {
    now,
    experimentId: null,
    runGoing: false,
    settings: structuredClone(DEFAULT_ALARM_RULES),
    ecc: { experimentId: null, overall: null, notAnswering: [], servers: [], operation: null, lastReport: null },
    workers: { experimentId: null, hosts: [], dataRouters: [], eccServers: [] },
    jobsFailedForGood: [],
    failedPlans: [],
    manifestMismatches: [],
    checks,
    leftRunning: [],
    dataFlow: null,
    diskForecasts: null,
  };
}

describe('the checks-not-running rule', () => {
  it('raises once no round has ended for the periods set beyond the round’s own limit, and not before', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    let hang = false;
    const round = new Round('test checks', () => (hang ? hung : Promise.resolve()));
    await round.run();
    const endedAt = round.lastEndedAt!;
    expect(endedAt).not.toBeNull();
    hang = true;
    void round.run();
    const heartbeat = (): CheckHeartbeat => ({ key: 'ssh-checks', name: 'SSH checks of the worker computers', running: true, intervalMs: 15_000, roundLimitMs: 40_000, lastEndedAt: round.lastEndedAt, startedAt: endedAt - 1 });

    // 3 periods of 15 s beyond the 40 s limit: 85 s.
    expect(evaluateRules(inputs(endedAt + 85_000, [heartbeat()])).findings).toEqual([]);
    expect(evaluateRules(inputs(endedAt + 85_001, [heartbeat()])).findings).toEqual([
      {
        rule: 'checksNotRunning',
        key: 'checksNotRunning:ssh-checks',
        experimentId: null,
        subject: 'SSH checks of the worker computers',
        message: 'The SSH checks of the worker computers are not running: no round has ended for more than 85 s (they run every 15 s); what the application shows is getting old',
        holdMs: 0,
      },
    ]);
    // A schedule that is not meant to run (stopped) is no alarm.
    expect(evaluateRules(inputs(endedAt + 200_000, [{ ...heartbeat(), running: false }])).findings).toEqual([]);
    release();
    await round.idle();
    expect(round.lastEndedAt!).toBeGreaterThanOrEqual(endedAt);
    expect(evaluateRules(inputs(round.lastEndedAt! + 1_000, [heartbeat()])).findings).toEqual([]);
  });
});
