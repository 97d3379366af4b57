// Easy setup: replaces the experiment's ECC servers, data routers and data sources with N CoBos
// and an optional MuTAnT, all or nothing (after a confirmation when there is a setup to lose).
import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import type { ParsedInputOf } from '../../../../shared/api/contract';
import { DEFAULT_DATA_ROUTER_PORT, DEFAULT_ECC_PORT, type Setup } from '../../../../shared/domain';
import { useReadOnly } from '../../state/app-store';
import { numberOrUndefined, useApiForm } from './api-form';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Checkbox, Field, FormError, FormSuccess } from '../../components/Field';
import { plural, setupCounts } from '../../components/counts';

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

interface Values {
  coboCount: string;
  sharedEccServer: boolean;
  eccAddress: string;
  eccPort: string;
  dataRouterAddress: string;
  dataRouterPort: string;
  eccLogPath: string;
  dataRouterLogPath: string;
  configRoot: string;
  configBackupRoot: string;
  mutantEnabled: boolean;
  mutant: { eccAddress: string; dataRouterAddress: string };
}

/** Starts from the current setup's paths, so a re-run changes only what the operator changes. */
function initialValues(setup: Setup): Values {
  const ecc = setup.eccServers[0];
  const router = setup.dataRouters[0];
  return {
    coboCount: '10',
    sharedEccServer: false,
    eccAddress: '',
    eccPort: String(ecc?.port ?? DEFAULT_ECC_PORT),
    dataRouterAddress: '',
    dataRouterPort: String(router?.port ?? DEFAULT_DATA_ROUTER_PORT),
    eccLogPath: ecc?.logPath ?? '',
    dataRouterLogPath: router?.logPath ?? '',
    configRoot: ecc?.configRoot ?? '',
    configBackupRoot: ecc?.configBackupRoot ?? '',
    mutantEnabled: false,
    mutant: { eccAddress: '', dataRouterAddress: '' },
  };
}

export function EasySetupForm({ setup }: { setup: Setup }) {
  const readOnly = useReadOnly();
  const api = useApiForm('setup.easy', {
    defaultValues: initialValues(setup),
    toInput: (values) => ({
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
      mutant: values.mutantEnabled
        ? {
            // A shared ECC server drives the MuTAnT too: no address of its own to send.
            eccAddress: values.sharedEccServer || values.mutant.eccAddress.trim() === '' ? undefined : values.mutant.eccAddress,
            dataRouterAddress: values.mutant.dataRouterAddress,
          }
        : null,
    }),
    fields: FIELDS,
  });
  const { form, mutation } = api;
  const { register, formState, control } = form;
  const errors = formState.errors;
  const [shared, mutantEnabled] = useWatch({ control, name: ['sharedEccServer', 'mutantEnabled'] });
  const [done, setDone] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState<ParsedInputOf<'setup.easy'> | undefined>(undefined);
  const existing = setup.eccServers.length + setup.dataRouters.length + setup.dataSources.length;

  async function send(input: ParsedInputOf<'setup.easy'>): Promise<void> {
    setDone(undefined);
    const result = await mutation.run(input);
    if (result) setDone(`Setup of ${result.experiment.name} replaced: ${setupCounts(result)}.`);
  }

  return (
    <form
      className="panel"
      aria-labelledby="easy-setup-heading"
      noValidate
      onSubmit={(event) =>
        void form.handleSubmit((input) => {
          if (existing > 0) setConfirming(input);
          else return send(input);
        })(event)
      }
    >
      <h3 id="easy-setup-heading">Easy setup</h3>
      <p className="panel-note">
        {existing > 0
          ? `Replaces the whole setup of ${setup.experiment.name} (${setupCounts(setup)}).`
          : `Builds the setup of ${setup.experiment.name} in one step.`}{' '}
        Each next CoBo gets the last number of the address plus one.
      </p>
      <fieldset disabled={readOnly || mutation.pending}>
        <FormError message={api.formError} />
        <div className="field-row">
          <Field label="Number of CoBos" inputMode="numeric" className="field-narrow" error={errors.coboCount?.message} {...register('coboCount')} />
          <Checkbox label="One shared ECC server" error={errors.sharedEccServer?.message} {...register('sharedEccServer')} />
        </div>
        <div className="field-row">
          <Field
            label="First ECC server address"
            autoComplete="off"
            spellCheck={false}
            error={errors.eccAddress?.message}
            {...register('eccAddress')}
          />
          <Field label="ECC port" inputMode="numeric" className="field-narrow" error={errors.eccPort?.message} {...register('eccPort')} />
        </div>
        <div className="field-row">
          <Field
            label="First data router address"
            autoComplete="off"
            spellCheck={false}
            error={errors.dataRouterAddress?.message}
            {...register('dataRouterAddress')}
          />
          <Field
            label="Data router port"
            inputMode="numeric"
            className="field-narrow"
            error={errors.dataRouterPort?.message}
            {...register('dataRouterPort')}
          />
        </div>
        <Field label="ECC server log file" spellCheck={false} error={errors.eccLogPath?.message} {...register('eccLogPath')} />
        <Field label="Data router log file" spellCheck={false} error={errors.dataRouterLogPath?.message} {...register('dataRouterLogPath')} />
        <Field label="Config directory" spellCheck={false} error={errors.configRoot?.message} {...register('configRoot')} />
        <Field
          label="Config backup directory"
          spellCheck={false}
          error={errors.configBackupRoot?.message}
          {...register('configBackupRoot')}
        />
        <Checkbox label="Include a MuTAnT" error={errors.mutant?.message} {...register('mutantEnabled')} />
        {mutantEnabled ? (
          <div className="field-row">
            <Field
              label="MuTAnT ECC server address"
              autoComplete="off"
              spellCheck={false}
              disabled={shared}
              hint={shared ? 'The shared ECC server drives the MuTAnT.' : undefined}
              error={shared ? undefined : errors.mutant?.eccAddress?.message}
              {...register('mutant.eccAddress')}
            />
            <Field
              label="MuTAnT data router address"
              autoComplete="off"
              spellCheck={false}
              hint="Its data router uses FDT."
              error={errors.mutant?.dataRouterAddress?.message}
              {...register('mutant.dataRouterAddress')}
            />
          </div>
        ) : null}
        <div className="actions">
          <button type="submit">{existing > 0 ? 'Replace setup' : 'Create setup'}</button>
        </div>
        <FormSuccess message={done} />
      </fieldset>
      <ConfirmDialog
        open={confirming !== undefined}
        onOpenChange={(open) => {
          if (!open) setConfirming(undefined);
        }}
        title={`Replace the setup of ${setup.experiment.name}?`}
        description={
          <p>
            Its {setupCounts(setup)} are removed and replaced by{' '}
            {confirming ? `${plural(confirming.coboCount, 'CoBo')}${confirming.mutant ? ' and a MuTAnT' : ''}` : 'the new setup'}.
            Selected config sets are lost.
          </p>
        }
        confirm="Replace setup"
        destructive
        pending={mutation.pending}
        error={undefined}
        onConfirm={async () => {
          if (confirming) await send(confirming);
          // The outcome (or the refusal, at its field) shows in the form.
          return true;
        }}
      />
    </form>
  );
}
