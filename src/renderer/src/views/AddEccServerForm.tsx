// Adds one ECC server to the experiment on screen.
import { useState, type FormEvent } from 'react';
import { DEFAULT_ECC_PORT } from '../../../shared/domain';
import { splitError, useMutation } from '../api/hooks';
import { useReadOnly } from '../state/app-store';
import { Field, FormError, FormSuccess } from './Field';
import { numberOrUndefined, useFormValues } from './form-values';

const FIELDS = ['name', 'address', 'port', 'logPath', 'configRoot', 'configBackupRoot'] as const;

export function AddEccServerForm({ experimentId }: { experimentId: number }) {
  const readOnly = useReadOnly();
  const add = useMutation('eccServers.add');
  const form = useFormValues({
    name: '',
    address: '',
    port: String(DEFAULT_ECC_PORT),
    logPath: '',
    configRoot: '',
    configBackupRoot: '',
  });
  const [added, setAdded] = useState<string | undefined>(undefined);
  const { fieldErrors, formError } = splitError(add.error, FIELDS);
  const { values } = form;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(undefined);
    const server = await add.run({
      experimentId,
      name: values.name,
      address: values.address,
      port: numberOrUndefined(values.port),
      logPath: values.logPath,
      configRoot: values.configRoot,
      configBackupRoot: values.configBackupRoot,
    });
    if (server) {
      // Servers of one experiment usually share their paths: keep them for the next one.
      form.setValues((previous) => ({ ...previous, name: '', address: '' }));
      setAdded(`Added ECC server ${server.name}.`);
    }
  }

  return (
    <form className="panel" aria-labelledby="add-ecc-heading" noValidate onSubmit={(event) => void submit(event)}>
      <h2 id="add-ecc-heading">Add an ECC server</h2>
      <fieldset disabled={readOnly || add.pending}>
        <FormError message={formError} />
        <div className="field-row">
          <Field label="Name" autoComplete="off" error={fieldErrors.name} {...form.text('name')} />
          <Field label="Address" autoComplete="off" spellCheck={false} error={fieldErrors.address} {...form.text('address')} />
          <Field label="Port" inputMode="numeric" className="field-narrow" error={fieldErrors.port} {...form.text('port')} />
        </div>
        <Field label="Log file" spellCheck={false} error={fieldErrors.logPath} {...form.text('logPath')} />
        <Field label="Config directory" spellCheck={false} error={fieldErrors.configRoot} {...form.text('configRoot')} />
        <Field
          label="Config backup directory"
          spellCheck={false}
          error={fieldErrors.configBackupRoot}
          {...form.text('configBackupRoot')}
        />
        <div className="actions">
          <button type="submit">Add ECC server</button>
        </div>
        <FormSuccess message={added} />
      </fieldset>
    </form>
  );
}
