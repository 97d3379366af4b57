// The application's own SSH settings per worker computer (user, port, identity file): each value
// set here beats what ~/.ssh/config says for that address; a blank one leaves ~/.ssh/config's.
import { useEffect, useState } from 'react';
import { Pencil } from 'lucide-react';
import type { SshHostSettings } from '../../../../shared/api/contract';
import type { Setup } from '../../../../shared/domain';
import { useSubscription } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { textOrNull, useApiForm } from './api-form';
import { Field, FormError, FormSuccess } from '../../components/Field';
import { ActionsHeader, EmptyRow, RemoveButton, RowActions, TableSection } from './parts';

const FIELDS = ['host', 'user', 'port', 'identityFile'] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const EMPTY: Values = { host: '', user: '', port: '', identityFile: '' };

function valuesOf(settings: SshHostSettings): Values {
  return { host: settings.host, user: settings.user ?? '', port: settings.port === null ? '' : String(settings.port), identityFile: settings.identityFile ?? '' };
}

/** Which parts of the setup run on each address, e.g. `127.0.1.1` → `ECC0, DataRouter0`. */
function componentsByHost(setup: Setup | null | undefined): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  for (const { address, name } of [...(setup?.eccServers ?? []), ...(setup?.dataRouters ?? [])]) {
    byHost.set(address, [...(byHost.get(address) ?? []), name]);
  }
  return byHost;
}

export function SshHostsSection({ setup }: { setup: Setup | null | undefined }) {
  const readOnly = useReadOnly();
  const { data: hosts, error } = useSubscription('sshHosts.list', {});
  const [done, setDone] = useState<string | undefined>(undefined);
  const api = useApiForm('sshHosts.set', {
    defaultValues: EMPTY,
    toInput: (values) => ({
      host: values.host,
      user: textOrNull(values.user),
      port: values.port.trim() === '' ? null : Number(values.port.trim()),
      identityFile: textOrNull(values.identityFile),
    }),
    fields: FIELDS,
  });
  const { register, formState, reset, setFocus } = api.form;
  const errors = formState.errors;
  // Editing a row: the form takes its values, then (once it has rendered them) the focus.
  const [editing, setEditing] = useState(0);
  useEffect(() => {
    if (editing > 0) setFocus('user');
  }, [editing, setFocus]);
  const byHost = componentsByHost(setup);
  const list = hosts ?? [];

  return (
    <TableSection headingId="ssh-hosts-heading" title="SSH settings" count={list.length} actions={<FormSuccess message={done} />}>
      <p className="panel-note">
        How the application reaches each worker computer over SSH. A value set here beats ~/.ssh/config for that
        address; a blank one leaves ~/.ssh/config&apos;s (or the ssh-agent&apos;s keys).
      </p>
      <FormError message={error ? `Cannot read the SSH settings: ${error.message}` : undefined} />
      <table aria-labelledby="ssh-hosts-heading">
        <thead>
          <tr>
            <th scope="col">Worker computer</th>
            <th scope="col">User</th>
            <th scope="col" className="num">
              Port
            </th>
            <th scope="col">Identity file</th>
            <th scope="col">Runs</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {list.length === 0 ? <EmptyRow columns={6} text="No SSH settings yet: ~/.ssh/config applies to every worker computer" /> : null}
          {list.map((settings) => (
            <tr key={settings.host}>
              <th scope="row" className="mono">
                {settings.host}
              </th>
              <td>{settings.user ?? <span className="muted">from ~/.ssh/config</span>}</td>
              <td className="num">{settings.port ?? <span className="muted">default</span>}</td>
              <td className="mono">{settings.identityFile ?? <span className="muted">from ~/.ssh/config</span>}</td>
              <td>{byHost.get(settings.host)?.join(', ') ?? <span className="muted">nothing in this setup</span>}</td>
              <td>
                <RowActions>
                  <button
                    type="button"
                    className="button-row"
                    aria-label={`Edit the SSH settings for ${settings.host}`}
                    disabled={readOnly}
                    onClick={() => {
                      setDone(undefined);
                      reset(valuesOf(settings));
                      setEditing((count) => count + 1);
                    }}
                  >
                    <Pencil aria-hidden="true" size={15} /> Edit
                  </button>
                  <RemoveButton
                    operation="sshHosts.remove"
                    input={{ host: settings.host }}
                    what={`the SSH settings for ${settings.host}`}
                    consequence={`The application then reaches ${settings.host} as ~/.ssh/config says.`}
                  />
                </RowActions>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form
        className="subform"
        aria-labelledby="ssh-form-heading"
        noValidate
        onSubmit={(event) =>
          void api.onSubmit((saved) => {
            setDone(`Saved the SSH settings for ${saved.host}.`);
            reset(EMPTY);
          })(event)
        }
      >
        <h4 id="ssh-form-heading">SSH settings for a worker computer</h4>
        <fieldset disabled={readOnly || api.mutation.pending}>
          <FormError message={api.formError} />
          <div className="field-row">
            <Field
              label="Worker computer"
              autoComplete="off"
              spellCheck={false}
              list="ssh-host-addresses"
              hint="Its address as the setup names it."
              error={errors.host?.message}
              {...register('host')}
            />
            <Field label="SSH user" autoComplete="off" spellCheck={false} error={errors.user?.message} {...register('user')} />
            <Field label="SSH port" inputMode="numeric" className="field-narrow" error={errors.port?.message} {...register('port')} />
          </div>
          <Field
            label="Identity file"
            spellCheck={false}
            hint="The private key on this computer, e.g. ~/.ssh/id_ed25519."
            error={errors.identityFile?.message}
            {...register('identityFile')}
          />
          <datalist id="ssh-host-addresses">
            {[...byHost.entries()].map(([host, names]) => (
              <option key={host} value={host}>
                {names.join(', ')}
              </option>
            ))}
          </datalist>
          <div className="actions">
            <button type="submit">Save SSH settings</button>
            <button type="button" className="button-quiet" onClick={() => reset(EMPTY)}>
              Clear the form
            </button>
          </div>
        </fieldset>
      </form>
    </TableSection>
  );
}
