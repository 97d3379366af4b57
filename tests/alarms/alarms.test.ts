// Alarms in the whole application over simulated ECC servers (the project's simulator on
// 127.0.0.1): a server that stops answering raises its alarm and clears it once it answers again;
// one that leaves Running by itself during a run raises one, the application's own Stop all does
// not; the zero-rate and time-to-full rules judge the data flow they are given; acknowledging is
// recorded on the alarm and in the audit trail, refused to a read-only caller; bad rules and
// thresholds are refused with the field named. Every wait is for what alarms.list pushes.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import type { DataFlowReading, DiskForecast } from '../../src/main/alarms/rules';
import type { Alarm, AlarmList } from '../../src/shared/alarms';
import { nowIso } from '../../src/main/time';
import { monitor } from '../support/store';
import { call, openApp, overrideChecklist, refusal, rig, waitFor, waitForReport } from '../runs/support';

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since);
}

const activeOf = (list: AlarmList, rule: Alarm['rule'], subject?: string) => list.active.find((a) => a.rule === rule && (subject === undefined || a.subject === subject));
const historyOf = (list: AlarmList, rule: Alarm['rule'], subject?: string) => list.history.filter((a) => a.rule === rule && (subject === undefined || a.subject === subject));

function waitForAlarms(app: Application, predicate: (list: AlarmList) => boolean, timeoutMs = 15_000) {
  return waitFor(app, 'alarms.list', {}, predicate, timeoutMs);
}

function alarmLog(app: Application): { level: string; subject: string; message: string }[] {
  return app.store.db.prepare("SELECT level, subject, message FROM log_entry WHERE source = 'alarm' ORDER BY id").all() as never;
}

describe('alarms over simulated ECC servers', () => {
  it('an ECC server not answering raises its alarm with a log entry; it clears by itself once the server answers, and stays in the history', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    await call(r.app, 'alarms.rules.update', { rules: { eccNotAnswering: { seconds: 0 } } });
    await r.cobos[1]!.sim.kill();
    const raised = await waitForAlarms(r.app, (l) => activeOf(l, 'eccNotAnswering', 'ECC1') !== undefined);
    expect(activeOf(raised, 'eccNotAnswering', 'ECC1')).toMatchObject({
      experimentId: r.experimentId,
      message: expect.stringMatching(/^ECC1 does not answer \(127\.0\.0\.1:\d+\)/),
      clearedAt: null,
      acknowledgedAt: null,
    });
    expect(activeOf(raised, 'eccNotAnswering', 'ECC0')).toBeUndefined();
    expect(alarmLog(r.app)).toContainEqual(expect.objectContaining({ level: 'error', subject: 'ECC1', message: expect.stringMatching(/^Alarm: ECC1 does not answer/) }));

    await r.cobos[1]!.sim.restart();
    const cleared = await waitForAlarms(r.app, (l) => activeOf(l, 'eccNotAnswering') === undefined && historyOf(l, 'eccNotAnswering', 'ECC1').length === 1);
    expect(historyOf(cleared, 'eccNotAnswering', 'ECC1')[0]!.clearedAt).not.toBeNull();
    expect(alarmLog(r.app)).toContainEqual(expect.objectContaining({ level: 'info', subject: 'ECC1', message: expect.stringMatching(/^Alarm ended: ECC1 does not answer/) }));
  });

  it('waits the hold time set for the experiment before a silent server is an alarm', async () => {
    const r = await rig({ cobos: 1, sim: { stepMs: 20 } });
    await call(r.app, 'alarms.rules.update', { rules: { eccNotAnswering: { seconds: 2 } } });
    const killedAt = Date.now();
    await r.cobos[0]!.sim.kill();
    const raised = await waitForAlarms(r.app, (l) => activeOf(l, 'eccNotAnswering') !== undefined);
    // Seen silent after the kill at the earliest, and an alarm only 2 s after it was first seen so.
    expect(Date.parse(activeOf(raised, 'eccNotAnswering')!.raisedAt) - killedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('a server that leaves Running by itself during a run raises an alarm; the application’s own Stop all does not', async () => {
    const r = await rig({ cobos: 2, sim: { stepMs: 20 } });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    // The engine has seen both Running during the run (the rounds read the states every 300 ms).
    await waitFor(r.app, 'ecc.status', {}, (s) => s.servers.every((x) => x.state === 'Running' && x.stateCurrent));
    r.app.alarms.evaluate();
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    r.app.alarms.evaluate();
    expect((await call(r.app, 'alarms.list', {})).active).toEqual([]);

    await overrideChecklist(r.app);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    await waitFor(r.app, 'ecc.status', {}, (s) => s.servers.every((x) => x.state === 'Running' && x.stateCurrent));
    r.app.alarms.evaluate();
    r.cobos[1]!.sim.setState('Ready');
    const raised = await waitForAlarms(r.app, (l) => activeOf(l, 'serverLeftRunning', 'ECC1') !== undefined);
    expect(activeOf(raised, 'serverLeftRunning', 'ECC1')!.message).toBe('ECC1 left Running by itself during the run: it is Ready now');
    expect(activeOf(raised, 'serverLeftRunning', 'ECC0')).toBeUndefined();
    // The run ends: the condition (during a run) ends with it.
    await operation(r.app, 'runs.stopAll');
    await waitForAlarms(r.app, (l) => activeOf(l, 'serverLeftRunning') === undefined && historyOf(l, 'serverLeftRunning', 'ECC1').length === 1);
  });

  it('judges the zero-rate and time-to-full rules from the data flow it is given, during a run only', async () => {
    const r = await rig({ cobos: 1, sim: { stepMs: 20 } });
    const routerId = r.cobos[0]!.dataRouterId;
    let readings: DataFlowReading[] = [];
    let forecasts: DiskForecast[] = [];
    r.app.alarms.connectDataFlow({ readings: () => readings, forecasts: () => forecasts });
    await call(r.app, 'alarms.rules.update', { rules: { dataRouterZeroRate: { seconds: 2 }, timeToFull: { minutes: 30 } } });
    const reading = (ratePerSecond: number | null, current = true): DataFlowReading[] => [{ routerId, name: 'DataRouter0', ratePerSecond, readAt: nowIso(), current }];

    // No run: a router writing nothing is no alarm.
    readings = reading(0);
    r.app.alarms.evaluate();
    expect((await call(r.app, 'alarms.list', {})).active).toEqual([]);

    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await overrideChecklist(r.app);
    readings = reading(1_000_000);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    const zeroFrom = Date.now();
    readings = reading(0);
    const zero = await waitForAlarms(r.app, (l) => activeOf(l, 'dataRouterZeroRate') !== undefined);
    expect(activeOf(zero, 'dataRouterZeroRate')).toMatchObject({ subject: 'DataRouter0', message: 'DataRouter0 writes nothing: its rate has been 0 for 2 s or more during the run' });
    expect(Date.parse(activeOf(zero, 'dataRouterZeroRate')!.raisedAt) - zeroFrom).toBeGreaterThanOrEqual(2_000);
    // A reading that is history (a failed read) decides nothing: the alarm stays.
    readings = reading(null, false);
    r.app.alarms.evaluate();
    expect(activeOf(await call(r.app, 'alarms.list', {}), 'dataRouterZeroRate')).toBeDefined();
    readings = reading(2_000_000);
    await waitForAlarms(r.app, (l) => activeOf(l, 'dataRouterZeroRate') === undefined && historyOf(l, 'dataRouterZeroRate').length === 1);

    forecasts = [{ routerId, name: 'DataRouter0', bytesFree: 4e9, secondsToFull: 600, current: true }];
    const full = await waitForAlarms(r.app, (l) => activeOf(l, 'timeToFull') !== undefined);
    expect(activeOf(full, 'timeToFull')!.message).toBe('DataRouter0: its staging disk is full in about 10 min at the current rate (4.0 GB free), less than 30 min');
    forecasts = [{ routerId, name: 'DataRouter0', bytesFree: 4e9, secondsToFull: 3 * 3600, current: true }];
    await waitForAlarms(r.app, (l) => activeOf(l, 'timeToFull') === undefined && historyOf(l, 'timeToFull').length === 1);
  });
});

describe('acknowledging alarms and setting their rules', () => {
  /** An experiment with one ECC server that does not answer (nothing listens on its port): an alarm at once. */
  async function silentServer(app: Application): Promise<Alarm> {
    await call(app, 'experiments.create', { name: 'e20009' });
    await call(app, 'alarms.rules.update', { rules: { eccNotAnswering: { seconds: 0 } } });
    await call(app, 'eccServers.add', { name: 'ECC0', address: '127.0.0.1', port: 9, logPath: '/log/ecc.log', configRoot: '/configs', configBackupRoot: '/backups' });
    return activeOf(await waitForAlarms(app, (l) => activeOf(l, 'eccNotAnswering') !== undefined), 'eccNotAnswering')!;
  }

  it('records who acknowledged an alarm and when, on it and in the audit trail; a read-only caller is refused, and twice is refused', async () => {
    const app = openApp();
    const alarm = await silentServer(app);
    const readOnly = await app.service.call('alarms.acknowledge', { id: alarm.id }, monitor);
    expect(readOnly).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });

    const acknowledged = await call(app, 'alarms.acknowledge', { id: alarm.id });
    expect(acknowledged).toMatchObject({ id: alarm.id, acknowledgedBy: 'tester', clearedAt: null });
    expect(Date.parse(acknowledged.acknowledgedAt!)).toBeGreaterThanOrEqual(Date.parse(alarm.raisedAt));
    const trail = await call(app, 'audit.list', { action: 'alarms.acknowledge' });
    expect(trail.items[0]).toMatchObject({ osUser: 'tester', origin: 'test', result: 'ok', target: `alarm #${alarm.id}: ${alarm.message}` });
    const again = await refusal(app, 'alarms.acknowledge', { id: alarm.id });
    expect(again).toMatchObject({ code: 'REFUSED', field: 'id', message: expect.stringMatching(/acknowledged already, by tester at /) });
    expect(await refusal(app, 'alarms.acknowledge', { id: 999 })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    // Still active (its condition holds), but quiet.
    expect(activeOf(await call(app, 'alarms.list', {}), 'eccNotAnswering')).toMatchObject({ id: alarm.id, acknowledgedBy: 'tester' });
  });

  it('an acknowledged alarm that clears and comes back is a new alarm, not acknowledged', async () => {
    const app = openApp();
    const first = await silentServer(app);
    await call(app, 'alarms.acknowledge', { id: first.id });
    // Disabling the rule ends what it watches; enabling it again finds the server still silent.
    await call(app, 'alarms.rules.update', { rules: { eccNotAnswering: { enabled: false } } });
    await waitForAlarms(app, (l) => l.active.length === 0 && l.history.some((a) => a.id === first.id));
    await call(app, 'alarms.rules.update', { rules: { eccNotAnswering: { enabled: true } } });
    const second = await waitForAlarms(app, (l) => activeOf(l, 'eccNotAnswering') !== undefined);
    expect(activeOf(second, 'eccNotAnswering')).toMatchObject({ acknowledgedAt: null, acknowledgedBy: null });
    expect(activeOf(second, 'eccNotAnswering')!.id).toBeGreaterThan(first.id);
  });

  it('refuses a rule or threshold that does not exist or is out of range, naming the field, and writes nothing', async () => {
    const app = openApp();
    await call(app, 'experiments.create', { name: 'e20009' });
    const before = await call(app, 'alarms.rules.get', {});
    const cases: [unknown, string, RegExp][] = [
      [{ zeroRate: { seconds: 10 } }, 'rules.zeroRate', /No such alarm rule \(the rules: dataRouterZeroRate, /],
      [{ diskFree: { minFree: 3 } }, 'rules.diskFree.minFree', /diskFree has no such field \(its fields: enabled, minFreeGb\)/],
      [{ diskFree: { minFreeGb: -1 } }, 'rules.diskFree.minFreeGb', /At least 0 GB/],
      [{ dataRouterZeroRate: { seconds: 1 } }, 'rules.dataRouterZeroRate.seconds', /At least 2 s/],
      [{ timeToFull: { minutes: 'ten' } }, 'rules.timeToFull.minutes', /Must be a number/],
      [{ checksNotRunning: { enabled: 'yes' } }, 'rules.checksNotRunning.enabled', /Must be true or false/],
    ];
    for (const [rules, field, message] of cases) {
      const error = await refusal(app, 'alarms.rules.update', { rules } as never);
      expect(error, JSON.stringify(rules)).toMatchObject({ code: 'INVALID_INPUT', field });
      expect(error.message).toMatch(message);
    }
    expect(await call(app, 'alarms.rules.get', {})).toEqual(before);

    const updated = await call(app, 'alarms.rules.update', { rules: { diskFree: { minFreeGb: 50 } } });
    expect(updated.rules.find((rule) => rule.id === 'diskFree')).toMatchObject({ settings: { enabled: true, minFreeGb: 50 }, defaults: { enabled: true, minFreeGb: 10 } });
    const trail = await call(app, 'audit.list', { action: 'alarms.rules.update' });
    expect(trail.items.map((e) => e.result)).toContain('ok');
    expect(trail.items[0]).toMatchObject({ target: 'alarm rules of "e20009": diskFree.minFreeGb = 50', result: 'ok' });
    // Per experiment: another experiment has its own (the defaults).
    const other = await call(app, 'experiments.create', { name: 'e20010', activate: false });
    expect((await call(app, 'alarms.rules.get', { experimentId: other.id }))!.rules.find((rule) => rule.id === 'diskFree')!.settings).toEqual({ enabled: true, minFreeGb: 10 });
  });
});
