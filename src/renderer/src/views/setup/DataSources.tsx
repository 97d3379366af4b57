// The experiment's data sources (boards): each links one ECC server and one data router.
import { useState } from 'react';
import { DATA_SOURCE_NAME_RULE, isMutantSourceName, type DataSource, type Setup } from '../../../../shared/domain';
import { idOrUndefined, useApiForm, type ApiForm } from './api-form';
import { Field, FormSuccess, SelectField } from '../../components/Field';
import { ActionsHeader, AddButton, EditRemoveActions, EmptyRow, FormFields, TableSection } from './parts';

const FIELDS = ['name', 'eccServerId', 'dataRouterId'] as const;
type Values = Record<(typeof FIELDS)[number], string>;

function fieldsOf(values: Values) {
  return { name: values.name, eccServerId: idOrUndefined(values.eccServerId) as number, dataRouterId: idOrUndefined(values.dataRouterId) as number };
}

/** The first CoBo[N] not taken yet: what one usually adds next. */
function nextCoboName(setup: Setup): string {
  const taken = new Set(setup.dataSources.map((source) => source.name));
  let n = 0;
  while (taken.has(`CoBo[${n}]`)) n += 1;
  return `CoBo[${n}]`;
}

function DataSourceFields({
  setup,
  api,
  source,
  submitLabel,
}: {
  setup: Setup;
  api: ApiForm<'dataSources.add', Values> | ApiForm<'dataSources.update', Values>;
  source?: DataSource;
  submitLabel: string;
}) {
  const { register, formState } = api.form as ApiForm<'dataSources.add', Values>['form'];
  const errors = formState.errors;
  const owner = (routerId: number) => setup.dataSources.find((other) => other.dataRouterId === routerId && other.id !== source?.id);
  return (
    <FormFields pending={api.mutation.pending} error={api.formError} submitLabel={submitLabel}>
      <Field
        label="Name"
        autoComplete="off"
        spellCheck={false}
        hint={`${DATA_SOURCE_NAME_RULE}; it must match the config files.`}
        error={errors.name?.message}
        {...register('name')}
      />
      <div className="field-row">
        <SelectField label="ECC server" error={errors.eccServerId?.message} {...register('eccServerId')}>
          {setup.eccServers.map((server) => (
            <option key={server.id} value={server.id}>
              {server.name} ({server.address})
            </option>
          ))}
        </SelectField>
        <SelectField label="Data router" error={errors.dataRouterId?.message} {...register('dataRouterId')}>
          {setup.dataRouters.map((router) => {
            const taken = owner(router.id);
            return (
              <option key={router.id} value={router.id}>
                {router.name} ({router.address}){taken ? ` — used by ${taken.name}` : ''}
              </option>
            );
          })}
        </SelectField>
      </div>
    </FormFields>
  );
}

function AddDataSourceForm({ setup, onAdded }: { setup: Setup; onAdded: (source: DataSource) => void }) {
  const used = new Set(setup.dataSources.map((source) => source.dataRouterId));
  const freeRouter = setup.dataRouters.find((router) => !used.has(router.id)) ?? setup.dataRouters[0];
  const api = useApiForm('dataSources.add', {
    defaultValues: {
      name: nextCoboName(setup),
      eccServerId: String(setup.eccServers[0]?.id ?? ''),
      dataRouterId: String(freeRouter?.id ?? ''),
    },
    toInput: (values) => ({ experimentId: setup.experiment.id, ...fieldsOf(values) }),
    fields: FIELDS,
  });
  return (
    <form aria-label="Add a data source" noValidate onSubmit={(event) => void api.onSubmit(onAdded)(event)}>
      <DataSourceFields setup={setup} api={api} submitLabel="Add data source" />
    </form>
  );
}

function EditDataSourceForm({ setup, source, onSaved }: { setup: Setup; source: DataSource; onSaved: (source: DataSource) => void }) {
  const api = useApiForm('dataSources.update', {
    defaultValues: { name: source.name, eccServerId: String(source.eccServerId), dataRouterId: String(source.dataRouterId) },
    toInput: (values) => ({ id: source.id, ...fieldsOf(values) }),
    fields: FIELDS,
    onlyChanged: true,
  });
  return (
    <form aria-label={`Edit data source ${source.name}`} noValidate onSubmit={(event) => void api.onSubmit(onSaved)(event)}>
      <DataSourceFields setup={setup} api={api} source={source} submitLabel="Save changes" />
    </form>
  );
}

export function DataSourcesSection({ setup }: { setup: Setup }) {
  const [done, setDone] = useState<string | undefined>(undefined);
  const servers = new Map(setup.eccServers.map((server) => [server.id, server]));
  const routers = new Map(setup.dataRouters.map((router) => [router.id, router]));
  const cannotAdd = setup.eccServers.length === 0 || setup.dataRouters.length === 0;
  return (
    <TableSection
      headingId="data-sources-heading"
      title="Data sources"
      count={setup.dataSources.length}
      actions={
        <>
          <FormSuccess message={done} />
          {cannotAdd ? <span className="muted">Add an ECC server and a data router first.</span> : null}
          <AddButton what="data source" title="Add a data source" disabled={cannotAdd}>
            {(close) => (
              <AddDataSourceForm
                setup={setup}
                onAdded={(source) => {
                  setDone(`Added data source ${source.name}.`);
                  close();
                }}
              />
            )}
          </AddButton>
        </>
      }
    >
      <table aria-labelledby="data-sources-heading">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Board</th>
            <th scope="col">ECC server</th>
            <th scope="col">Data router</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {setup.dataSources.length === 0 ? <EmptyRow columns={5} text="No data sources yet" /> : null}
          {setup.dataSources.map((source) => {
            const server = servers.get(source.eccServerId);
            const router = routers.get(source.dataRouterId);
            return (
              <tr key={source.id}>
                <th scope="row">{source.name}</th>
                <td>{isMutantSourceName(source.name) ? 'MuTAnT' : 'CoBo'}</td>
                <td>
                  {server?.name ?? `#${source.eccServerId}`} <span className="muted mono">{server?.address}</span>
                </td>
                <td>
                  {router?.name ?? `#${source.dataRouterId}`} <span className="muted mono">{router?.address}</span>
                </td>
                <td>
                  <EditRemoveActions
                    what={`data source ${source.name}`}
                    edit={(close) => (
                      <EditDataSourceForm
                        setup={setup}
                        source={source}
                        onSaved={(saved) => {
                          setDone(`Saved data source ${saved.name}.`);
                          close();
                        }}
                      />
                    )}
                    remove={{
                      operation: 'dataSources.remove',
                      input: { id: source.id },
                      consequence: `Data source ${source.name} is removed from the setup of ${setup.experiment.name}; its ECC server and data router stay.`,
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
