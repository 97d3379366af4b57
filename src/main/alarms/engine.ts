// The alarm engine: at every round (src/main/schedule/alarm-scheduler.ts) it takes one snapshot
// of what the application knows (ECC status, worker checks, jobs, the schedules' heartbeats, the
// data flow once wired), runs the rules (rules.ts) and turns what changed into alarms: a condition
// that holds (for its hold time) raises one, with a log entry and a desktop notification; one
// that ends clears it, by itself. An acknowledged alarm that clears and comes back is a new alarm.
// All of it is in memory and one short transaction; nothing here waits on the network.
import type { Alarm } from '../../shared/alarms';
import type { WorkersStatus } from '../../shared/api/contract';
import type { Store } from '../db/store';
import type { EccControl } from '../ecc/control/control';
import { findActiveExperiment } from '../experiments/queries';
import { insertLogEntries, type NewLogEntry } from '../log/queries';
import { listJobsFailedForGood } from '../runs/jobs';
import { listManifestMismatches } from '../runs/manifests';
import { listFailedPlans } from '../runs/run-plan';
import { findCurrentRun } from '../runsheet/queries';
import { nowIso } from '../time';
import { clearAlarm, insertAlarm, listOpenAlarms, readAlarmRuleSettings, updateAlarmMessage, type OpenAlarm } from './queries';
import { evaluateRules, type AlarmFinding, type AlarmInputs, type CheckHeartbeat, type DataFlowReading, type DiskForecast, type LeftRunning } from './rules';

/** What the data flow of each router provides (issue 12, items 1 and 2); see DataFlowReading and DiskForecast. */
export interface DataFlowSource {
  /** Each data router's latest rate reading (the active experiment's, while a run goes). */
  readings(): DataFlowReading[];
  /** Each data router's free disk and time to full at the current rate. */
  forecasts(): DiskForecast[];
}

export interface AlarmSources {
  ecc: EccControl;
  workers: () => WorkersStatus;
  /** Tries per after-stop job: a job failed after as many is failed for good. */
  jobAttempts: () => number;
  checks: () => CheckHeartbeat[];
}

/** A desktop notification (Electron's, from the main process); absent in serve mode, where browsers make their own. */
export type AlarmNotifier = (notification: { title: string; body: string; alarm: Alarm }) => void;

const SOURCE = 'alarm';

export class AlarmEngine {
  private dataFlow: DataFlowSource | null = null;
  /** When each condition found was first seen holding, in the rounds since (its hold time counts from there). */
  private readonly holding = new Map<string, number>();
  /** ECC servers seen Running during the run, with the application's step count on them then. */
  private readonly seenRunning = new Map<number, number>();
  /** ECC servers that left Running while the application did not step them. */
  private readonly leftRunning = new Set<number>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly sources: AlarmSources,
    private readonly notify: AlarmNotifier = () => undefined,
  ) {
    this.clearEarlier();
  }

  /** Wires the data flow in: the zero-rate and time-to-full rules judge from then on. */
  connectDataFlow(source: DataFlowSource | null): void {
    this.dataFlow = source;
  }

  close(): void {
    this.closed = true;
  }

  /**
   * Alarms an earlier process left active: what it saw is not known now, so they end here (said
   * in the log), and a condition that still holds raises a new alarm at the first rounds.
   */
  private clearEarlier(): void {
    const open = listOpenAlarms(this.store);
    if (open.length === 0) return;
    const at = nowIso();
    this.store.write(['alarm', 'log_entry'], () => {
      for (const alarm of open) clearAlarm(this.store, alarm.id, at);
      insertLogEntries(
        this.store,
        open.map((alarm) => ({
          experimentId: alarm.experimentId,
          level: 'info',
          source: SOURCE,
          subject: alarm.subject,
          message: `Alarm ended when the application ended (raised again if it still holds): ${alarm.message}`,
          details: `alarm #${alarm.id}, raised at ${alarm.raisedAt}`,
        })),
      );
    });
  }

  /** The snapshot the rules read. */
  inputs(now = Date.now()): AlarmInputs {
    const experiment = findActiveExperiment(this.store);
    const experimentId = experiment?.id ?? null;
    const runGoing = experimentId !== null && findCurrentRun(this.store, experimentId) !== undefined;
    const ecc = this.sources.ecc.snapshot();
    return {
      now,
      experimentId,
      runGoing,
      settings: readAlarmRuleSettings(this.store, experimentId),
      ecc,
      workers: this.sources.workers(),
      jobsFailedForGood: experimentId === null ? [] : listJobsFailedForGood(this.store, experimentId, this.sources.jobAttempts()),
      failedPlans: experimentId === null ? [] : listFailedPlans(this.store, experimentId),
      manifestMismatches: experimentId === null ? [] : listManifestMismatches(this.store, experimentId),
      checks: this.sources.checks(),
      leftRunning: this.followRunning(ecc.servers, runGoing),
      dataFlow: this.dataFlow?.readings() ?? null,
      diskForecasts: this.dataFlow?.forecasts() ?? null,
    };
  }

  /**
   * Which servers left Running by themselves during the run: seen Running, then seen in another
   * state with no step of the application's taken on them in between (Stop all's are). A server
   * not answering says nothing either way.
   */
  private followRunning(servers: AlarmInputs['ecc']['servers'], runGoing: boolean): LeftRunning[] {
    if (!runGoing) {
      this.seenRunning.clear();
      this.leftRunning.clear();
      return [];
    }
    const board = this.sources.ecc.status;
    for (const server of servers) {
      if (!server.stateCurrent) continue;
      const steps = board.reservations(server.id);
      if (server.state === 'Running') {
        this.seenRunning.set(server.id, steps);
        this.leftRunning.delete(server.id);
        continue;
      }
      const seen = this.seenRunning.get(server.id);
      if (seen === undefined) continue;
      this.seenRunning.delete(server.id);
      if (seen === steps && server.activity === null) this.leftRunning.add(server.id);
    }
    return servers.filter((s) => this.leftRunning.has(s.id)).map((s) => ({ id: s.id, name: s.name, state: s.state, current: s.stateCurrent }));
  }

  /** One round: the rules over a snapshot, and the alarms raised and cleared that follow. */
  evaluate(now = Date.now()): void {
    if (this.closed) return;
    const verdict = evaluateRules(this.inputs(now));
    const undecided = new Set(verdict.undecided);
    const due = new Map<string, AlarmFinding>();
    const found = new Set<string>();
    for (const finding of verdict.findings) {
      found.add(finding.key);
      const since = this.holding.get(finding.key) ?? now;
      this.holding.set(finding.key, since);
      if (now - since >= finding.holdMs) due.set(finding.key, finding);
    }
    // A condition not found (and not undecided) has ended: its hold starts again next time.
    for (const key of this.holding.keys()) if (!found.has(key) && !undecided.has(key)) this.holding.delete(key);

    const open = new Map(listOpenAlarms(this.store).map((alarm) => [alarm.key, alarm]));
    const raise = [...due.values()].filter((f) => !open.has(f.key));
    const clear: OpenAlarm[] = [];
    const reword: { alarm: OpenAlarm; message: string }[] = [];
    for (const alarm of open.values()) {
      const finding = due.get(alarm.key);
      if (finding) {
        if (finding.message !== alarm.message) reword.push({ alarm, message: finding.message });
      } else if (!undecided.has(alarm.key)) {
        clear.push(alarm);
      }
    }
    if (raise.length === 0 && clear.length === 0 && reword.length === 0) return;

    const at = new Date(now).toISOString();
    const raised = this.store.write(['alarm', 'log_entry'], () => {
      const log: NewLogEntry[] = [];
      for (const alarm of clear) {
        clearAlarm(this.store, alarm.id, at);
        log.push({ experimentId: alarm.experimentId, level: 'info', source: SOURCE, subject: alarm.subject, message: `Alarm ended: ${alarm.message}`, details: `alarm #${alarm.id}, raised at ${alarm.raisedAt}`, time: at });
      }
      for (const { alarm, message } of reword) updateAlarmMessage(this.store, alarm.id, message);
      const ids = raise.map((finding) => {
        const id = insertAlarm(this.store, finding, at);
        log.push({ experimentId: finding.experimentId, level: 'error', source: SOURCE, subject: finding.subject, message: `Alarm: ${finding.message}`, details: `alarm #${id}, rule ${finding.rule}`, time: at });
        return id;
      });
      insertLogEntries(this.store, log);
      return raise.map((finding, i) => ({ finding, id: ids[i] as number }));
    });
    for (const { finding, id } of raised) {
      const alarm: Alarm = { id, rule: finding.rule, experimentId: finding.experimentId, subject: finding.subject, message: finding.message, raisedAt: at, clearedAt: null, acknowledgedAt: null, acknowledgedBy: null };
      try {
        this.notify({ title: `Alarm: ${finding.subject}`, body: finding.message, alarm });
      } catch (error) {
        console.error('Could not show the desktop notification of an alarm:', error);
      }
    }
  }
}
