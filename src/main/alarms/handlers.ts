// The alarm operations: the active alarms and their history, acknowledging one (who and when go
// on the alarm, and the audit trail records the call), and each experiment's rule settings.
import { ALARM_RULE_IDS } from '../../shared/alarms';
import { ApiError } from '../../shared/api/errors';
import { defineHandlers } from '../api/handler';
import { resolveExperiment, resolveExperimentOrNone } from '../experiments/queries';
import { acknowledgeAlarm, describeAlarmRules, findAlarm, listAlarms, writeAlarmRuleSettings } from './queries';

export const alarmHandlers = defineHandlers({
  'alarms.list': {
    reads: ['alarm'],
    run: (input, { store }) => listAlarms(store, input),
  },

  'alarms.acknowledge': {
    run: (input, { store, caller, auditTarget }) =>
      store.write(['alarm'], () => {
        const alarm = findAlarm(store, input.id);
        if (!alarm) throw new ApiError('NOT_FOUND', `There is no alarm #${input.id}`, 'id');
        auditTarget(`alarm #${alarm.id}: ${alarm.message}`);
        if (alarm.acknowledgedAt !== null) {
          throw new ApiError('REFUSED', `Alarm #${alarm.id} was acknowledged already, by ${alarm.acknowledgedBy ?? 'someone'} at ${alarm.acknowledgedAt}`, 'id');
        }
        acknowledgeAlarm(store, alarm.id, caller.osUser);
        return findAlarm(store, alarm.id)!;
      }),
    describeTarget: (input) => `alarm #${input.id}`,
  },

  'alarms.rules.get': {
    reads: ['alarm_rule', 'experiment'],
    run: (input, { store }) => {
      const experiment = resolveExperimentOrNone(store, input.experimentId);
      return experiment ? describeAlarmRules(store, experiment.id) : null;
    },
  },

  'alarms.rules.update': {
    run: (input, { store, auditTarget }) => {
      const experiment = resolveExperiment(store, input.experimentId);
      const changes = ALARM_RULE_IDS.flatMap((rule) =>
        Object.entries(input.rules[rule] ?? {})
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => `${rule}.${field} = ${String(value)}`),
      );
      auditTarget(`alarm rules of "${experiment.name}": ${changes.join(', ') || 'nothing changed'}`);
      return writeAlarmRuleSettings(store, experiment.id, input.rules);
    },
  },
});
