// The read-only monitors of this control room: whether the application serves them, where, the
// address to hand out (it carries the monitor token, never the control token), and a new monitor
// token, which disconnects every monitor at once.
import { useEffect, useState } from 'react';
import type { MonitorStatus } from '../../../../shared/monitor';
import { useMutation, useSubscription } from '../../api/hooks';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Checkbox, Field, FormError, FormSuccess } from '../../components/Field';
import { useReadOnly } from '../../state/app-store';
import { numberOrUndefined, useApiForm } from './api-form';

const FIELDS = ['enabled', 'host', 'port'] as const;

interface Values {
  enabled: boolean;
  host: string;
  port: string;
}

const asValues = (status: MonitorStatus): Values => ({
  enabled: status.settings.enabled,
  host: status.settings.host,
  port: String(status.settings.port),
});

function MonitorForm({ status }: { status: MonitorStatus }) {
  const readOnly = useReadOnly();
  const [done, setDone] = useState<string | undefined>(undefined);
  const api = useApiForm('monitor.configure', {
    defaultValues: asValues(status),
    toInput: (values: Values) => ({ enabled: values.enabled, host: values.host, port: numberOrUndefined(values.port) }),
    fields: FIELDS,
  });
  const { register, formState, reset } = api.form;
  useEffect(() => {
    if (!formState.isDirty) reset(asValues(status));
  }, [status, formState.isDirty, reset]);
  return (
    <form
      aria-label="Monitor listener"
      noValidate
      onSubmit={(event) =>
        void api.onSubmit((saved) => {
          reset(asValues(saved));
          setDone(saved.listening ? 'Monitors are served at the address below.' : 'Monitors are no longer served.');
        })(event)
      }
    >
      <fieldset disabled={readOnly || api.mutation.pending}>
        <FormError message={api.formError} />
        <Checkbox label="Serve read-only monitors" error={formState.errors.enabled?.message} {...register('enabled')} />
        <Field
          label="Monitor address"
          hint="127.0.0.1: this computer only. Another address (0.0.0.0: every network) lets other computers watch, with the monitor token, over plain HTTP."
          error={formState.errors.host?.message}
          {...register('host')}
        />
        <Field label="Monitor port" inputMode="numeric" hint="0 picks any free port." error={formState.errors.port?.message} {...register('port')} />
        <div className="actions">
          <button type="submit">Save monitor setting</button>
        </div>
      </fieldset>
      <FormSuccess message={done} />
    </form>
  );
}

function NewTokenButton() {
  const readOnly = useReadOnly();
  const newToken = useMutation('monitor.newToken');
  return (
    <ConfirmDialog
      trigger="New monitor token…"
      disabled={readOnly}
      title="Make a new monitor token?"
      description={<p>Every monitor connected now is disconnected at once; the old address stops working. Hand out the new address.</p>}
      confirm="Make a new token"
      destructive
      pending={newToken.pending}
      error={newToken.error?.message}
      onOpenChange={() => newToken.reset()}
      onConfirm={async () => (await newToken.run({})) !== undefined}
    />
  );
}

export function MonitorPanel() {
  const { data: status } = useSubscription('monitor.status', {});
  return (
    <section className="panel" aria-labelledby="monitor-heading">
      <h3 id="monitor-heading">Monitors</h3>
      {status ? (
        <>
          <p>Other screens of the control room can watch this application read-only: everything shows there, nothing can be changed.</p>
          <MonitorForm status={status} />
          <div className="field" role="group" aria-label="Monitor address to hand out">
            {status.link ? (
              <>
                <label htmlFor="monitor-link">Address to hand out ({status.connections === 1 ? '1 monitor' : `${status.connections} monitors`} connected)</label>
                <input id="monitor-link" readOnly value={status.link} onFocus={(event) => event.currentTarget.select()} />
              </>
            ) : (
              <p className="field-hint">{status.settings.enabled ? 'Not served now.' : 'Monitors are not served.'}</p>
            )}
            {status.warning ? (
              <p className="form-error" role="note">
                <span aria-hidden="true">⚠ </span>
                {status.warning}
              </p>
            ) : null}
            <FormError message={status.error ?? undefined} />
          </div>
          <div className="actions">
            <NewTokenButton />
          </div>
        </>
      ) : (
        <p className="loading">Loading…</p>
      )}
    </section>
  );
}
