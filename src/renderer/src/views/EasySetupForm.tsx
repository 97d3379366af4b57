// Easy setup: replaces the experiment's ECC servers, data routers and data sources with N CoBos
// and an optional MuTAnT, all or nothing.
import { useState, type FormEvent } from 'react';
import { DEFAULT_DATA_ROUTER_PORT, DEFAULT_ECC_PORT, type Setup } from '../../../shared/domain';
import { splitError, useMutation } from '../api/hooks';
import { useReadOnly } from '../state/app-store';
import { Checkbox, Field, FormError, FormSuccess } from './Field';
import { numberOrUndefined, useFormValues } from './form-values';

const FIELDS = [
  'coboCount',
  'sharedEccServer',
  'eccAddress',
  'eccPort',
  'dataRouterAddress',
  'dataRouterPort',
  'eccLogPath',
  'dataRouterLogPath',
  'configRoot',
  'configBackupRoot',
  'mutant',
  'mutant.eccAddress',
  'mutant.dataRouterAddress',
] as const;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function EasySetupForm({ setup }: { setup: Setup }) {
  const readOnly = useReadOnly();
  const easy = useMutation('setup.easy');
  const form = useFormValues({
    coboCount: '10',
    sharedEccServer: false,
    eccAddress: '',
    eccPort: String(DEFAULT_ECC_PORT),
    dataRouterAddress: '',
    dataRouterPort: String(DEFAULT_DATA_ROUTER_PORT),
    eccLogPath: '',
    dataRouterLogPath: '',
    configRoot: '',
    configBackupRoot: '',
    mutant: false,
    mutantEccAddress: '',
    mutantDataRouterAddress: '',
  });
  const [done, setDone] = useState<string | undefined>(undefined);
  const { fieldErrors, formError } = splitError(easy.error, FIELDS);
  const { values } = form;
  const existing = setup.eccServers.length + setup.dataRouters.length + setup.dataSources.length;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(undefined);
    const result = await easy.run({
      experimentId: setup.experiment.id,
      coboCount: numberOrUndefined(values.coboCount) as number,
      sharedEccServer: values.sharedEccServer,
      eccAddress: values.eccAddress,
      eccPort: numberOrUndefined(values.eccPort),
      dataRouterAddress: values.dataRouterAddress,
      dataRouterPort: numberOrUndefined(values.dataRouterPort),
      eccLogPath: values.eccLogPath,
      dataRouterLogPath: values.dataRouterLogPath,
      configRoot: values.configRoot,
      configBackupRoot: values.configBackupRoot,
      mutant: values.mutant
        ? {
            // A shared ECC server drives the MuTAnT too: no address of its own to send.
            eccAddress: values.sharedEccServer || values.mutantEccAddress.trim() === '' ? undefined : values.mutantEccAddress,
            dataRouterAddress: values.mutantDataRouterAddress,
          }
        : null,
    });
    if (result) {
      setDone(
        `Setup of ${result.experiment.name} replaced: ${plural(result.eccServers.length, 'ECC server', 'ECC servers')}, ` +
          `${plural(result.dataRouters.length, 'data router', 'data routers')}, ` +
          `${plural(result.dataSources.length, 'data source', 'data sources')}.`,
      );
    }
  }

  return (
    <form className="panel" aria-labelledby="easy-setup-heading" noValidate onSubmit={(event) => void submit(event)}>
      <h2 id="easy-setup-heading">Easy setup</h2>
      <p className="panel-note">
        {existing > 0
          ? `Replaces the whole setup of ${setup.experiment.name} (${plural(setup.eccServers.length, 'ECC server', 'ECC servers')}, ` +
            `${plural(setup.dataRouters.length, 'data router', 'data routers')}, ${plural(setup.dataSources.length, 'data source', 'data sources')}).`
          : `Builds the setup of ${setup.experiment.name} in one step.`}{' '}
        Each next CoBo gets the last number of the address plus one.
      </p>
      <fieldset disabled={readOnly || easy.pending}>
        <FormError message={formError} />
        <div className="field-row">
          <Field label="Number of CoBos" inputMode="numeric" className="field-narrow" error={fieldErrors.coboCount} {...form.text('coboCount')} />
          <Checkbox label="One shared ECC server" error={fieldErrors.sharedEccServer} {...form.check('sharedEccServer')} />
        </div>
        <div className="field-row">
          <Field
            label="First ECC server address"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.eccAddress}
            {...form.text('eccAddress')}
          />
          <Field label="ECC port" inputMode="numeric" className="field-narrow" error={fieldErrors.eccPort} {...form.text('eccPort')} />
        </div>
        <div className="field-row">
          <Field
            label="First data router address"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.dataRouterAddress}
            {...form.text('dataRouterAddress')}
          />
          <Field
            label="Data router port"
            inputMode="numeric"
            className="field-narrow"
            error={fieldErrors.dataRouterPort}
            {...form.text('dataRouterPort')}
          />
        </div>
        <Field label="ECC server log file" spellCheck={false} error={fieldErrors.eccLogPath} {...form.text('eccLogPath')} />
        <Field
          label="Data router log file"
          spellCheck={false}
          error={fieldErrors.dataRouterLogPath}
          {...form.text('dataRouterLogPath')}
        />
        <Field label="Config directory" spellCheck={false} error={fieldErrors.configRoot} {...form.text('configRoot')} />
        <Field
          label="Config backup directory"
          spellCheck={false}
          error={fieldErrors.configBackupRoot}
          {...form.text('configBackupRoot')}
        />
        <Checkbox label="Include a MuTAnT" error={fieldErrors.mutant} {...form.check('mutant')} />
        {values.mutant ? (
          <div className="field-row">
            <Field
              label="MuTAnT ECC server address"
              autoComplete="off"
              spellCheck={false}
              disabled={values.sharedEccServer}
              hint={values.sharedEccServer ? 'The shared ECC server drives the MuTAnT.' : undefined}
              error={fieldErrors['mutant.eccAddress']}
              {...form.text('mutantEccAddress')}
            />
            <Field
              label="MuTAnT data router address"
              autoComplete="off"
              spellCheck={false}
              error={fieldErrors['mutant.dataRouterAddress']}
              {...form.text('mutantDataRouterAddress')}
            />
          </div>
        ) : null}
        <div className="actions">
          <button type="submit">{existing > 0 ? 'Replace setup' : 'Create setup'}</button>
        </div>
        <FormSuccess message={done} />
      </fieldset>
    </form>
  );
}
