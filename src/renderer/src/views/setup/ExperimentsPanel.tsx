// The experiments: which is active, switching to another, renaming one, and creating one.
import { useState } from 'react';
import { Check, Pencil, X } from 'lucide-react';
import type { Experiment } from '../../../../shared/domain';
import { useMutation } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { useApiForm } from './api-form';
import { Checkbox, Field, FormError, FormSuccess } from '../../components/Field';
import { formatDate } from '../../components/time';

const NAME_FIELDS = ['name'] as const;
const CREATE_FIELDS = ['name', 'activate'] as const;
const NAME_HINT = "Letters, digits, _ - . ; it becomes a folder name on the worker computers.";

/** The name cell turned into a small form: Enter saves, Escape (or Cancel) gives up. */
function RenameForm({ experiment, onDone }: { experiment: Experiment; onDone: (message?: string) => void }) {
  const api = useApiForm('experiments.rename', {
    defaultValues: { name: experiment.name },
    toInput: (values) => ({ id: experiment.id, name: values.name }),
    fields: NAME_FIELDS,
  });
  const { register, formState } = api.form;
  return (
    <form
      className="inline-form"
      aria-label={`Rename experiment ${experiment.name}`}
      noValidate
      onSubmit={(event) => void api.onSubmit((renamed) => onDone(`Renamed ${experiment.name} to ${renamed.name}.`))(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onDone();
        }
      }}
    >
      <fieldset disabled={api.mutation.pending}>
        <FormError message={api.formError} />
        <div className="field-row">
          <Field
            label={`New name for ${experiment.name}`}
            autoComplete="off"
            spellCheck={false}
            // The form has just been opened for this: take the operator to it.
            autoFocus
            error={formState.errors.name?.message}
            {...register('name')}
          />
          <div className="actions inline-actions">
            <button type="submit" aria-label={`Save the new name of ${experiment.name}`}>
              <Check aria-hidden="true" size={15} /> Save
            </button>
            <button type="button" className="button-quiet" onClick={() => onDone()}>
              <X aria-hidden="true" size={15} /> Cancel
            </button>
          </div>
        </div>
      </fieldset>
    </form>
  );
}

function CreateExperimentForm({ onCreated }: { onCreated: (message: string) => void }) {
  const readOnly = useReadOnly();
  const api = useApiForm('experiments.create', {
    defaultValues: { name: '', activate: true },
    toInput: (values) => ({ name: values.name, activate: values.activate }),
    fields: CREATE_FIELDS,
  });
  const { register, formState, reset } = api.form;
  return (
    <form
      aria-labelledby="create-experiment-heading"
      noValidate
      onSubmit={(event) =>
        void api.onSubmit((experiment, values) => {
          reset({ name: '', activate: values.activate });
          onCreated(
            values.activate
              ? `Created ${experiment.name}; it is now the active experiment.`
              : `Created ${experiment.name}${experiment.active ? '; it is the active experiment (the first one always is).' : '.'}`,
          );
        })(event)
      }
    >
      <h3 id="create-experiment-heading">New experiment</h3>
      <fieldset disabled={readOnly || api.mutation.pending}>
        <FormError message={api.formError} />
        <div className="field-row">
          <Field
            label="Experiment name"
            autoComplete="off"
            spellCheck={false}
            error={formState.errors.name?.message}
            hint={NAME_HINT}
            {...register('name')}
          />
        </div>
        <div className="field-row create-row">
          <Checkbox label="Make it the active experiment" error={formState.errors.activate?.message} {...register('activate')} />
          <div className="actions">
            <button type="submit">Create experiment</button>
          </div>
        </div>
      </fieldset>
    </form>
  );
}

export function ExperimentsPanel({ experiments }: { experiments: Experiment[] | undefined }) {
  const readOnly = useReadOnly();
  const activate = useMutation('experiments.activate');
  const update = useMutation('experiments.update');
  const [renaming, setRenaming] = useState<number | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const activateError = activate.error?.message ?? update.error?.message;
  const list = experiments ?? [];

  return (
    <section className="panel" aria-labelledby="experiments-heading">
      <h3 id="experiments-heading">
        Experiments <span className="count">({list.length})</span>
      </h3>
      <p className="panel-note">Switching or creating one needs every ECC server Idle and no run going.</p>
      <FormError message={activateError} />
      {list.length > 0 ? (
        <div className="table-scroll">
          <table aria-labelledby="experiments-heading" className="experiments-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col" title="SHA-256 of each run's data files, computed on the worker computers for the run folders' manifests; off keeps sizes only (slow disks)">
                  Checksums
                </th>
                <th scope="col">
                  <span className="visually-hidden">Active, and actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((experiment) => (
                <tr key={experiment.id} aria-current={experiment.active ? 'true' : undefined} className={experiment.active ? 'row-current' : undefined}>
                  {renaming === experiment.id ? (
                    <td colSpan={4}>
                      <RenameForm
                        experiment={experiment}
                        onDone={(message) => {
                          setRenaming(undefined);
                          if (message) setDone(message);
                        }}
                      />
                    </td>
                  ) : (
                    <>
                      <th scope="row">{experiment.name}</th>
                      <td className="nowrap">{formatDate(experiment.createdAt)}</td>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Checksums of ${experiment.name}'s data files`}
                          checked={experiment.checksums}
                          disabled={readOnly || update.pending}
                          onChange={(event) => {
                            setDone(undefined);
                            void update.run({ id: experiment.id, checksums: event.target.checked }).then((changed) => {
                              if (changed) setDone(`${changed.name}: ${changed.checksums ? 'checksums on' : 'checksums off, manifests keep sizes only'}.`);
                            });
                          }}
                        />
                      </td>
                      <td>
                        <div className="row-actions">
                          {experiment.active ? (
                            <span className="badge badge-active">
                              <Check aria-hidden="true" size={14} /> Active
                            </span>
                          ) : (
                            <button
                              type="button"
                              className="button-row"
                              aria-label={`Switch to ${experiment.name}`}
                              disabled={readOnly || activate.pending}
                              onClick={() => {
                                setDone(undefined);
                                void activate.run({ id: experiment.id }).then((switched) => {
                                  if (switched) setDone(`${switched.name} is now the active experiment.`);
                                });
                              }}
                            >
                              Switch to
                            </button>
                          )}
                          <button
                            type="button"
                            className="button-row"
                            aria-label={`Rename ${experiment.name}`}
                            disabled={readOnly}
                            onClick={() => {
                              setDone(undefined);
                              setRenaming(experiment.id);
                            }}
                          >
                            <Pencil aria-hidden="true" size={15} /> Rename
                          </button>
                        </div>
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <FormSuccess message={done} />
      <CreateExperimentForm onCreated={setDone} />
    </section>
  );
}
