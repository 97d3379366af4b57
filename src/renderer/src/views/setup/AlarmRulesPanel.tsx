// The active experiment's alarm rules: whether each is watched and its threshold. Sent with
// alarms.rules.update; a refusal shows at the field it names. They apply at the next round.
import { useState } from 'react';
import { ALARM_RULE_IDS, type AlarmRuleId, type AlarmRules } from '../../../../shared/alarms';
import { splitError, useMutation, useSubscription } from '../../api/hooks';
import { Field, FormError, FormSuccess } from '../../components/Field';
import { useReadOnly } from '../../state/app-store';
import { numberOrUndefined } from './api-form';

/** Each rule's threshold field, with its label and units; rules without one are only watched or not. */
const THRESHOLDS: Partial<Record<AlarmRuleId, { field: string; label: string; units: string }>> = {
  dataRouterZeroRate: { field: 'seconds', label: 'Rate 0 for', units: 's' },
  eccNotAnswering: { field: 'seconds', label: 'Not answering for', units: 's' },
  diskFree: { field: 'minFreeGb', label: 'Free disk below', units: 'GB' },
  timeToFull: { field: 'minutes', label: 'Full within', units: 'min' },
  checksNotRunning: { field: 'periods', label: 'No round ended for', units: 'periods' },
};

type Values = Record<AlarmRuleId, { enabled: boolean; threshold: string }>;

function asValues(rules: AlarmRules): Values {
  return Object.fromEntries(
    rules.rules.map((rule) => {
      const threshold = THRESHOLDS[rule.id];
      const settings = rule.settings as Record<string, unknown>;
      return [rule.id, { enabled: rule.settings.enabled, threshold: threshold ? String(settings[threshold.field] as number) : '' }];
    }),
  ) as Values;
}

const FIELDS = ALARM_RULE_IDS.flatMap((id) => [`rules.${id}.enabled`, ...(THRESHOLDS[id] ? [`rules.${id}.${THRESHOLDS[id].field}`] : [])]);

function AlarmRulesForm({ rules }: { rules: AlarmRules }) {
  const readOnly = useReadOnly();
  const update = useMutation('alarms.rules.update');
  // What the operator changed; until then the rules as stored (another client's change shows too).
  const [edits, setEdits] = useState<Values | null>(null);
  const values = edits ?? asValues(rules);
  const [done, setDone] = useState<string | undefined>(undefined);
  const { fieldErrors, formError } = splitError(update.error, FIELDS);
  const change = (id: AlarmRuleId, next: Partial<Values[AlarmRuleId]>) => {
    setDone(undefined);
    setEdits({ ...values, [id]: { ...values[id], ...next } });
  };
  const submit = async () => {
    const input = Object.fromEntries(
      ALARM_RULE_IDS.map((id) => {
        const threshold = THRESHOLDS[id];
        return [id, { enabled: values[id].enabled, ...(threshold ? { [threshold.field]: numberOrUndefined(values[id].threshold) } : {}) }];
      }),
    );
    const saved = await update.run({ experimentId: rules.experimentId, rules: input });
    if (saved) {
      setEdits(null);
      setDone('Alarm rules saved; they apply now.');
    }
  };
  return (
    <form aria-labelledby="alarm-rules-heading" noValidate onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <fieldset disabled={readOnly || update.pending}>
        <FormError message={formError} />
        {rules.rules.map((rule) => {
          const threshold = THRESHOLDS[rule.id];
          return (
            <div key={rule.id} className="alarm-rule">
              <label className="checkbox">
                <input type="checkbox" checked={values[rule.id].enabled} onChange={(event) => change(rule.id, { enabled: event.target.checked })} /> {rule.title}
              </label>
              {threshold ? (
                <Field
                  label={`${threshold.label} (${rule.id})`}
                  units={threshold.units}
                  inputMode="decimal"
                  value={values[rule.id].threshold}
                  error={fieldErrors[`rules.${rule.id}.${threshold.field}`]}
                  onChange={(event) => change(rule.id, { threshold: event.target.value })}
                />
              ) : null}
            </div>
          );
        })}
        <div className="actions">
          <button type="submit">Save alarm rules</button>
        </div>
      </fieldset>
      <FormSuccess message={done} />
    </form>
  );
}

export function AlarmRulesPanel() {
  const { data } = useSubscription('alarms.rules.get', {});
  return (
    <section className="panel" aria-labelledby="alarm-rules-heading">
      <h3 id="alarm-rules-heading">Alarm rules</h3>
      {data ? <AlarmRulesForm key={data.experimentId} rules={data} /> : <p className="loading">{data === null ? 'No experiment yet.' : 'Loading…'}</p>}
    </section>
  );
}
