// The experiment's data routers: a table, and adding, editing and removing them.
import { useState } from 'react';
import { CONNECTION_TYPES, DEFAULT_DATA_ROUTER_PORT, type ConnectionType, type DataRouter, type Setup } from '../../../../shared/domain';
import { numberOrUndefined, useApiForm, type ApiForm } from './api-form';
import { Field, FormSuccess, SelectField } from '../../components/Field';
import { ActionsHeader, AddButton, EditRemoveActions, EmptyRow, FormFields, TableSection } from './parts';

const FIELDS = ['name', 'address', 'port', 'connectionType', 'logPath'] as const;
type Values = Record<(typeof FIELDS)[number], string>;

function valuesOf(router: Partial<DataRouter>): Values {
  return {
    name: router.name ?? '',
    address: router.address ?? '',
    port: String(router.port ?? DEFAULT_DATA_ROUTER_PORT),
    connectionType: router.connectionType ?? 'TCP',
    logPath: router.logPath ?? '',
  };
}

function fieldsOf(values: Values) {
  return {
    name: values.name,
    address: values.address,
    port: numberOrUndefined(values.port),
    connectionType: values.connectionType as ConnectionType,
    logPath: values.logPath,
  };
}

function DataRouterFields({
  api,
  submitLabel,
}: {
  api: ApiForm<'dataRouters.add', Values> | ApiForm<'dataRouters.update', Values>;
  submitLabel: string;
}) {
  const { register, formState } = api.form as ApiForm<'dataRouters.add', Values>['form'];
  const errors = formState.errors;
  return (
    <FormFields pending={api.mutation.pending} error={api.formError} submitLabel={submitLabel}>
      <div className="field-row">
        <Field label="Name" autoComplete="off" error={errors.name?.message} {...register('name')} />
        <Field label="Address" autoComplete="off" spellCheck={false} error={errors.address?.message} {...register('address')} />
        <Field label="Port" inputMode="numeric" className="field-narrow" error={errors.port?.message} {...register('port')} />
      </div>
      <div className="field-row">
        <SelectField
          label="Connection type"
          className="field-narrow"
          error={errors.connectionType?.message}
          {...register('connectionType')}
        >
          {CONNECTION_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </SelectField>
        <Field label="Log file" spellCheck={false} error={errors.logPath?.message} {...register('logPath')} />
      </div>
      <p className="field-hint">TCP for a CoBo, FDT for the MuTAnT.</p>
    </FormFields>
  );
}

function AddDataRouterForm({ setup, onAdded }: { setup: Setup; onAdded: (router: DataRouter) => void }) {
  const last = setup.dataRouters[setup.dataRouters.length - 1];
  const api = useApiForm('dataRouters.add', {
    defaultValues: valuesOf(last ? { logPath: last.logPath } : {}),
    toInput: (values) => ({ experimentId: setup.experiment.id, ...fieldsOf(values) }),
    fields: FIELDS,
  });
  return (
    <form aria-label="Add a data router" noValidate onSubmit={(event) => void api.onSubmit(onAdded)(event)}>
      <DataRouterFields api={api} submitLabel="Add data router" />
    </form>
  );
}

function EditDataRouterForm({ router, onSaved }: { router: DataRouter; onSaved: (router: DataRouter) => void }) {
  const api = useApiForm('dataRouters.update', {
    defaultValues: valuesOf(router),
    toInput: (values) => ({ id: router.id, ...fieldsOf(values) }),
    fields: FIELDS,
    onlyChanged: true,
  });
  return (
    <form aria-label={`Edit data router ${router.name}`} noValidate onSubmit={(event) => void api.onSubmit(onSaved)(event)}>
      <DataRouterFields api={api} submitLabel="Save changes" />
    </form>
  );
}

export function DataRoutersSection({ setup }: { setup: Setup }) {
  const [done, setDone] = useState<string | undefined>(undefined);
  const sourceOf = (router: DataRouter) => setup.dataSources.find((source) => source.dataRouterId === router.id);
  return (
    <TableSection
      headingId="data-routers-heading"
      title="Data routers"
      count={setup.dataRouters.length}
      actions={
        <>
          <FormSuccess message={done} />
          <AddButton what="data router" title="Add a data router">
            {(close) => (
              <AddDataRouterForm
                setup={setup}
                onAdded={(router) => {
                  setDone(`Added data router ${router.name}.`);
                  close();
                }}
              />
            )}
          </AddButton>
        </>
      }
    >
      <table aria-labelledby="data-routers-heading">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col" className="num">
              Port
            </th>
            <th scope="col">Type</th>
            <th scope="col">Log file</th>
            <th scope="col">Used by</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {setup.dataRouters.length === 0 ? <EmptyRow columns={7} text="No data routers yet" /> : null}
          {setup.dataRouters.map((router) => {
            const source = sourceOf(router);
            return (
              <tr key={router.id}>
                <th scope="row">{router.name}</th>
                <td className="mono">{router.address}</td>
                <td className="num">{router.port}</td>
                <td>{router.connectionType}</td>
                <td className="mono">{router.logPath}</td>
                <td>{source ? source.name : <span className="muted">none</span>}</td>
                <td>
                  <EditRemoveActions
                    what={`data router ${router.name}`}
                    edit={(close) => (
                      <EditDataRouterForm
                        router={router}
                        onSaved={(saved) => {
                          setDone(`Saved data router ${saved.name}.`);
                          close();
                        }}
                      />
                    )}
                    remove={{
                      operation: 'dataRouters.remove',
                      input: { id: router.id },
                      consequence: `Data router ${router.name} (${router.address}:${router.port}) is removed from the setup of ${setup.experiment.name}.`,
                    }}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableSection>
  );
}
