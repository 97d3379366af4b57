// The experiment's ECC servers: a table, and adding, editing and removing them.
import { useState } from 'react';
import { DEFAULT_ECC_PORT, DEFAULT_SOAP_NAMESPACE, configSetLabel, type EccServer, type Setup } from '../../../../shared/domain';
import { numberOrUndefined, useApiForm, type ApiForm } from './api-form';
import { Field, FormSuccess } from '../../components/Field';
import { StateBadge } from '../../components/StateBadge';
import { ActionsHeader, AddButton, EditRemoveActions, EmptyRow, FormFields, TableSection } from './parts';

const FIELDS = ['name', 'address', 'port', 'logPath', 'configRoot', 'configBackupRoot', 'soapNamespace'] as const;
type Values = Record<(typeof FIELDS)[number], string>;

function valuesOf(server: Partial<EccServer>): Values {
  return {
    name: server.name ?? '',
    address: server.address ?? '',
    port: String(server.port ?? DEFAULT_ECC_PORT),
    logPath: server.logPath ?? '',
    configRoot: server.configRoot ?? '',
    configBackupRoot: server.configBackupRoot ?? '',
    soapNamespace: server.soapNamespace ?? DEFAULT_SOAP_NAMESPACE,
  };
}

function fieldsOf(values: Values) {
  return {
    name: values.name,
    address: values.address,
    port: numberOrUndefined(values.port),
    logPath: values.logPath,
    configRoot: values.configRoot,
    configBackupRoot: values.configBackupRoot,
    soapNamespace: values.soapNamespace,
  };
}

function EccServerFields({
  api,
  submitLabel,
}: {
  api: ApiForm<'eccServers.add', Values> | ApiForm<'eccServers.update', Values>;
  submitLabel: string;
}) {
  const { register, formState } = api.form as ApiForm<'eccServers.add', Values>['form'];
  const errors = formState.errors;
  return (
    <FormFields pending={api.mutation.pending} error={api.formError} submitLabel={submitLabel}>
      <div className="field-row">
        <Field label="Name" autoComplete="off" error={errors.name?.message} {...register('name')} />
        <Field label="Address" autoComplete="off" spellCheck={false} error={errors.address?.message} {...register('address')} />
        <Field label="Port" inputMode="numeric" className="field-narrow" error={errors.port?.message} {...register('port')} />
      </div>
      <Field label="Log file" spellCheck={false} error={errors.logPath?.message} {...register('logPath')} />
      <Field label="Config directory" spellCheck={false} error={errors.configRoot?.message} {...register('configRoot')} />
      <Field
        label="Config backup directory"
        spellCheck={false}
        error={errors.configBackupRoot?.message}
        {...register('configBackupRoot')}
      />
      <Field
        label="SOAP namespace"
        spellCheck={false}
        error={errors.soapNamespace?.message}
        hint="As the ECC server's WSDL declares it; urn:ecc for GET's getEccSoapServer."
        {...register('soapNamespace')}
      />
    </FormFields>
  );
}

function AddEccServerForm({ setup, onAdded }: { setup: Setup; onAdded: (server: EccServer) => void }) {
  // Servers of one experiment usually share their paths: start from the last one's.
  const last = setup.eccServers[setup.eccServers.length - 1];
  const api = useApiForm('eccServers.add', {
    defaultValues: valuesOf(
      last
        ? { logPath: last.logPath, configRoot: last.configRoot, configBackupRoot: last.configBackupRoot, soapNamespace: last.soapNamespace }
        : {},
    ),
    toInput: (values) => ({ experimentId: setup.experiment.id, ...fieldsOf(values) }),
    fields: FIELDS,
  });
  return (
    <form aria-label="Add an ECC server" noValidate onSubmit={(event) => void api.onSubmit(onAdded)(event)}>
      <EccServerFields api={api} submitLabel="Add ECC server" />
    </form>
  );
}

function EditEccServerForm({ server, onSaved }: { server: EccServer; onSaved: (server: EccServer) => void }) {
  const api = useApiForm('eccServers.update', {
    defaultValues: valuesOf(server),
    toInput: (values) => ({ id: server.id, ...fieldsOf(values) }),
    fields: FIELDS,
    onlyChanged: true,
  });
  return (
    <form aria-label={`Edit ECC server ${server.name}`} noValidate onSubmit={(event) => void api.onSubmit(onSaved)(event)}>
      <EccServerFields api={api} submitLabel="Save changes" />
    </form>
  );
}

export function EccServersSection({ setup }: { setup: Setup }) {
  const [done, setDone] = useState<string | undefined>(undefined);
  const usedBy = (server: EccServer) => setup.dataSources.filter((source) => source.eccServerId === server.id).map((source) => source.name);
  return (
    <TableSection
      headingId="ecc-servers-heading"
      title="ECC servers"
      count={setup.eccServers.length}
      actions={
        <>
          <FormSuccess message={done} />
          <AddButton what="ECC server" title="Add an ECC server">
            {(close) => (
              <AddEccServerForm
                setup={setup}
                onAdded={(server) => {
                  setDone(`Added ECC server ${server.name}.`);
                  close();
                }}
              />
            )}
          </AddButton>
        </>
      }
    >
      <table aria-labelledby="ecc-servers-heading">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col" className="num">
              Port
            </th>
            <th scope="col">State</th>
            <th scope="col">Config set</th>
            <th scope="col">Files on its computer</th>
            <th scope="col">Used by</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {setup.eccServers.length === 0 ? <EmptyRow columns={8} text="No ECC servers yet" /> : null}
          {setup.eccServers.map((server) => {
            const selected = server.configSets.find((set) => set.selected);
            const sources = usedBy(server);
            return (
              <tr key={server.id}>
                <th scope="row">{server.name}</th>
                <td className="mono">{server.address}</td>
                <td className="num">{server.port}</td>
                <td>
                  <StateBadge state={server.state} unknownText="Not reached" />
                </td>
                <td className="mono">{selected ? configSetLabel(selected) : <span className="muted">none selected</span>}</td>
                <td>
                  <dl className="paths">
                    <dt>Log</dt>
                    <dd className="mono">{server.logPath}</dd>
                    <dt>Configs</dt>
                    <dd className="mono">{server.configRoot}</dd>
                    <dt>Backups</dt>
                    <dd className="mono">{server.configBackupRoot}</dd>
                    {server.soapNamespace !== DEFAULT_SOAP_NAMESPACE ? (
                      <>
                        <dt>SOAP</dt>
                        <dd className="mono">{server.soapNamespace}</dd>
                      </>
                    ) : null}
                  </dl>
                </td>
                <td>{sources.length > 0 ? sources.join(', ') : <span className="muted">none</span>}</td>
                <td>
                  <EditRemoveActions
                    what={`ECC server ${server.name}`}
                    edit={(close) => (
                      <EditEccServerForm
                        server={server}
                        onSaved={(saved) => {
                          setDone(`Saved ECC server ${saved.name}.`);
                          close();
                        }}
                      />
                    )}
                    remove={{
                      operation: 'eccServers.remove',
                      input: { id: server.id },
                      consequence: `ECC server ${server.name} (${server.address}:${server.port}) and its config sets are removed from the setup of ${setup.experiment.name}.`,
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
