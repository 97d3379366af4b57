// The application's settings: how often ECC states are read, the free disk Start all's checklist
// needs, how long files must settle after Stop, how often the data flow is read during a run, and
// how long a run plan's next run may wait to start. Checked as typed with the API's own schema;
// they apply at once.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/settings';
import { useSubscription } from '../../api/hooks';
import { Field, FormError, FormSuccess } from '../../components/Field';
import { useReadOnly } from '../../state/app-store';
import { numberOrUndefined, useApiForm } from './api-form';

/** Each setting's field, in the order shown. */
const FIELDS: readonly { name: keyof Settings; label: string; units: string; hint: string }[] = [
  {
    name: 'stateRefreshSeconds',
    label: "Read every ECC server's state every",
    units: 's',
    hint: 'From 0.25 to 60; a change the application did not make shows within this time.',
  },
  { name: 'minFreeDiskGb', label: 'Least free disk on each staging file system', units: 'GB', hint: "An item of Start all's checklist." },
  {
    name: 'settleSeconds',
    label: 'After Stop, files must stay unchanged for',
    units: 's',
    hint: 'Data routers keep writing for a while after Stop: a file still growing is never moved.',
  },
  { name: 'dataFlowSeconds', label: 'During a run, read each staging folder every', units: 's', hint: 'From 0.5 to 60: the files, bytes and MB/s of each data router.' },
  {
    name: 'runPlanStartWaitMinutes',
    label: "A run plan's next run may wait to start for",
    units: 'min',
    hint: "From 1 to 1440: after a stop, for the jobs and Start all's checklist; then the plan fails with an alarm.",
  },
];
const NAMES = FIELDS.map((f) => f.name);

type Values = Record<keyof Settings, string>;

const asValues = (s: Settings): Values => Object.fromEntries(NAMES.map((name) => [name, String(s[name])])) as Values;

function SettingsForm({ settings }: { settings: Settings }) {
  const readOnly = useReadOnly();
  const [done, setDone] = useState<string | undefined>(undefined);
  const api = useApiForm('settings.update', {
    defaultValues: asValues(settings),
    toInput: (values: Values) => Object.fromEntries(NAMES.map((name) => [name, numberOrUndefined(values[name])])),
    fields: NAMES,
  });
  const { register, formState, reset } = api.form;
  // Another client's change shows here too (unless this form is being edited).
  useEffect(() => {
    if (!formState.isDirty) reset(asValues(settings));
  }, [settings, formState.isDirty, reset]);
  return (
    <form
      aria-labelledby="settings-heading"
      noValidate
      onSubmit={(event) =>
        void api.onSubmit((saved) => {
          reset(asValues(saved));
          setDone('Settings saved; they apply now.');
        })(event)
      }
    >
      <fieldset disabled={readOnly || api.mutation.pending}>
        <FormError message={api.formError} />
        {FIELDS.map((field) => (
          <Field
            key={field.name}
            label={field.label}
            units={field.units}
            inputMode="decimal"
            hint={field.hint}
            error={formState.errors[field.name]?.message}
            {...register(field.name)}
          />
        ))}
        <div className="actions">
          <button type="submit">Save settings</button>
        </div>
      </fieldset>
      <FormSuccess message={done} />
    </form>
  );
}

export function SettingsPanel() {
  const { data } = useSubscription('settings.get', {});
  return (
    <section className="panel" aria-labelledby="settings-heading">
      <h3 id="settings-heading">Settings</h3>
      {data ? <SettingsForm settings={data} /> : <p className="loading">Loading…</p>}
    </section>
  );
}
