// The status view's rules without a browser: when a control is valid and what it says when not
// (or, when it is, in which order it goes), and what deserves a notification.
import { describe, expect, it } from 'vitest';
import type { EccServerStatus, EccStatus, RunControlStatus } from '../../../../shared/api/contract';
import type { EccState } from '../../../../shared/domain';
import { detectNotices } from './notify-rules';
import { stepOrder } from '../../../../shared/ecc-state-machine';
import {
  bringAllToReadyValidity,
  orderHint,
  resetAllValidity,
  serverStepValidity,
  startAllValidity,
  stepAllValidity,
  stopAllValidity,
  type ControlFacts,
} from './rules';

function server(id: number, name: string, state: EccState | null, extra: Partial<EccServerStatus> = {}): EccServerStatus {
  return {
    id,
    name,
    address: `127.0.0.${id}`,
    port: 8083,
    drivesMutant: false,
    state,
    transition: null,
    reachable: true,
    lastContact: null,
    lastError: null,
    activity: null,
    ...extra,
  };
}

function ecc(servers: EccServerStatus[], extra: Partial<EccStatus> = {}): EccStatus {
  return { experimentId: 1, overall: null, servers, operation: null, lastReport: null, ...extra };
}

const noRun: RunControlStatus = { experimentId: 1, currentRun: null, dataRouters: [], pendingJobs: 0 };
const running: RunControlStatus = { ...noRun, currentRun: { id: 7, number: 3, startTime: '2026-01-01T00:00:00Z' } };

function facts(servers: EccServerStatus[], runs: RunControlStatus = noRun, extra: Partial<ControlFacts> = {}): ControlFacts {
  return { readOnly: false, ecc: ecc(servers), runs, hasConfigSet: new Map(servers.map((s) => [s.id, true])), ...extra };
}

describe('the controls for all ECC servers', () => {
  it('are all off on a read-only connection, saying so', () => {
    const f = facts([server(1, 'ECC0', 'Idle')], noRun, { readOnly: true });
    for (const v of [stepAllValidity(f, 'Describe'), bringAllToReadyValidity(f), startAllValidity(f), stopAllValidity(f), resetAllValidity(f)]) {
      expect(v.enabled).toBe(false);
      expect(v.reason).toMatch(/Read-only/);
    }
  });

  it('name the servers that keep Start all from running, grouped by state', () => {
    const f = facts([server(1, 'ECC0', 'Ready'), server(2, 'ECC1', 'Prepared'), server(3, 'ECC2', 'Prepared')]);
    expect(startAllValidity(f)).toEqual({ enabled: false, reason: 'Start all needs every ECC server Ready; ECC1, ECC2 are Prepared' });
  });

  it('refuse Start all while a data router is known not clean, but not while it is unknown', () => {
    const ready = [server(1, 'ECC0', 'Ready')];
    const unknown = { ...noRun, dataRouters: [{ id: 1, name: 'DataRouter0', clean: null, checkedAt: null, current: false }] };
    expect(startAllValidity(facts(ready, unknown)).enabled).toBe(true);
    const dirty = { ...noRun, dataRouters: [{ id: 1, name: 'DataRouter0', clean: false, checkedAt: null, current: true }] };
    expect(startAllValidity(facts(ready, dirty)).reason).toMatch(/DataRouter0 still holds \.graw files/);
  });

  it('need one common state for a step on all, and a selected config set', () => {
    expect(stepAllValidity(facts([server(1, 'ECC0', 'Idle'), server(2, 'ECC1', 'Described')]), 'Describe').reason).toMatch(
      /one state: ECC0 is Idle; ECC1 is Described/,
    );
    const f = facts([server(1, 'ECC0', 'Idle')], noRun, { hasConfigSet: new Map([[1, false]]) });
    expect(stepAllValidity(f, 'Describe').reason).toMatch(/ECC0 has none/);
    expect(stepAllValidity(facts([server(1, 'ECC0', 'Idle')]), 'Prepare').reason).toMatch(/needs every ECC server Described; they are Idle/);
  });

  it('wait while an operation or a step is under way', () => {
    const f = facts([server(1, 'ECC0', 'Idle')]);
    f.ecc = ecc(f.ecc!.servers, { operation: { name: 'Describe all', order: 'all together', phase: '', startedAt: '' } });
    expect(stepAllValidity(f, 'Describe').reason).toBe('Describe all is under way: wait until it ends');
    expect(stepAllValidity(facts([server(1, 'ECC0', 'Idle', { activity: 'Describe' })]), 'Describe').reason).toMatch(/busy: ECC0 \(Describe\)/);
  });

  it('allow Stop all only during a run, and Reset all only outside one', () => {
    const acquiring = [server(1, 'ECC0', 'Running')];
    expect(stopAllValidity(facts(acquiring, running)).enabled).toBe(true);
    expect(stopAllValidity(facts(acquiring, noRun)).reason).toMatch(/No run is going \(ECC0 runs without one: Reset all stops them\)/);
    expect(resetAllValidity(facts(acquiring, running))).toMatchObject({ enabled: false, step: 'Stop' });
    expect(resetAllValidity(facts(acquiring, noRun))).toMatchObject({ enabled: true, step: 'Stop' });
    expect(resetAllValidity(facts([server(1, 'ECC0', 'Idle')])).reason).toMatch(/no step back/);
  });

  it('bring servers between Idle and Ready to Ready, not those already there or beyond', () => {
    expect(bringAllToReadyValidity(facts([server(1, 'ECC0', 'Idle'), server(2, 'ECC1', 'Prepared')])).enabled).toBe(true);
    expect(bringAllToReadyValidity(facts([server(1, 'ECC0', 'Ready')])).reason).toBe('Every ECC server is Ready already');
    expect(bringAllToReadyValidity(facts([server(1, 'ECC0', 'Running')])).reason).toMatch(/Idle and Ready only: ECC0 is Running/);
  });
});

describe('what an enabled control says it will do', () => {
  it('names the MuTAnT/CoBo order the main process follows', () => {
    expect(orderHint('Describe', true)).toBe('Every ECC server, all together');
    expect(orderHint('Prepare', true)).toBe('The MuTAnT first, then the CoBos');
    expect(orderHint('Configure', true)).toBe('The CoBos first, then the MuTAnT');
    expect(orderHint('BringAllToReady', true)).toBe('Describe, Prepare, Configure in turn, each in the MuTAnT/CoBo order');
    expect(orderHint('Start', true)).toBe(
      'Re-configure the MuTAnT (Breakup, then Configure), start the CoBos, then the MuTAnT; records the run',
    );
    expect(orderHint('Stop', true)).toBe(`Stop ${stepOrder('Stop').text}; then the files are organized`);
    expect(orderHint('Reset', true, 'Stop')).toBe('One step back (Stop): the MuTAnT first, then the CoBos');
    expect(orderHint('Reset', true, 'Undo')).toBe('One step back on every ECC server (Undo), all together');
    expect(orderHint('Reset', true, null)).toBe('One step back on every ECC server');
  });

  it('says all together when the experiment has no MuTAnT', () => {
    expect(orderHint('Prepare', false)).toBe('All together (no MuTAnT in this experiment)');
    expect(orderHint('Start', false)).toBe('Start every ECC server, all together; records the run');
    expect(orderHint('Stop', false)).toBe('Stop every ECC server; then the files are organized');
    expect(orderHint('Reset', false, 'Stop')).toBe('One step back (Stop): all together (no MuTAnT in this experiment)');
  });
});

describe('a step on one server', () => {
  const ok = { readOnly: false, operation: null, hasConfigSet: true };
  it('is enabled only where the state machine allows it', () => {
    expect(serverStepValidity(server(1, 'ECC0', 'Prepared'), 'Configure', ok).enabled).toBe(true);
    expect(serverStepValidity(server(1, 'ECC0', 'Prepared'), 'Start', ok).reason).toBe('Start is not possible from Prepared (needs Ready)');
    expect(serverStepValidity(server(1, 'ECC0', null), 'Describe', ok).reason).toMatch(/not known/);
    expect(serverStepValidity(server(1, 'ECC0', 'Idle'), 'Describe', { ...ok, hasConfigSet: false }).reason).toMatch(/no selected config set/);
  });
});

describe('notifications', () => {
  const at = (servers: EccServerStatus[], extra: Partial<EccStatus> = {}) => ecc(servers, extra);

  it('say nothing about what was there when the page opened', () => {
    const failed = server(1, 'ECC0', 'Idle', { lastError: { time: 't1', kind: 'step', message: 'Describe failed' } });
    expect(detectNotices(undefined, at([failed]), null, []).notices).toEqual([]);
  });

  it('announce a new step error once, and not again in the report that repeats it', () => {
    const before = at([server(1, 'ECC0', 'Idle')]);
    const error = { time: 't1', kind: 'step' as const, message: 'Describe failed on ECC0: no' };
    const failing = at([server(1, 'ECC0', 'Idle', { lastError: error })]);
    const first = detectNotices(before, failing, null, []);
    expect(first.notices.map((n) => n.title)).toEqual(['Step failed on ECC0']);
    const report = { name: 'Describe all', ok: false, message: 'Describe all stopped', failures: [{ eccServerId: 1, server: 'ECC0', step: 'Describe' as const, message: error.message }], startedAt: 's', finishedAt: 'f' };
    const reported = at(failing.servers, { lastReport: report });
    expect(detectNotices(failing, reported, null, first.said).notices).toEqual([]);
    expect(detectNotices(failing, reported, null, []).notices.map((n) => n.title)).toEqual(['Describe all failed']);
  });

  it('announce servers leaving Running during a run without Stop all', () => {
    const before = at([server(1, 'ECC0', 'Running'), server(2, 'ECC1', 'Running')]);
    const after = at([server(1, 'ECC0', 'Running'), server(2, 'ECC1', 'Ready')]);
    const found = detectNotices(before, after, { number: 3 }, []).notices;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ tone: 'error', title: 'Run 3 stopped unexpectedly' });
    expect(found[0]?.message).toMatch(/ECC1 \(now Ready\) left Running without Stop all/);
    // Not during Stop all, nor without a run.
    const stopping = { name: 'Stop all', order: '', phase: '', startedAt: '' };
    expect(detectNotices(at(before.servers, { operation: stopping }), at(after.servers, { operation: stopping }), { number: 3 }, []).notices).toEqual([]);
    expect(detectNotices(before, after, null, []).notices).toEqual([]);
  });
});
