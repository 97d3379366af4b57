// Creates an experiment, which becomes the active one.
import { useState, type FormEvent } from 'react';
import { splitError, useMutation } from '../api/hooks';
import { useReadOnly } from '../state/app-store';
import { Field, FormError, FormSuccess } from './Field';

const FIELDS = ['name'] as const;

export function CreateExperimentForm() {
  const readOnly = useReadOnly();
  const create = useMutation('experiments.create');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | undefined>(undefined);
  const { fieldErrors, formError } = splitError(create.error, FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(undefined);
    const experiment = await create.run({ name });
    if (experiment) {
      setName('');
      setCreated(`Created ${experiment.name}; it is now the active experiment.`);
    }
  }

  return (
    <form className="panel" aria-labelledby="create-experiment-heading" noValidate onSubmit={(event) => void submit(event)}>
      <h2 id="create-experiment-heading">New experiment</h2>
      <fieldset disabled={readOnly || create.pending}>
        <FormError message={formError} />
        <Field
          label="Experiment name"
          name="name"
          value={name}
          autoComplete="off"
          spellCheck={false}
          error={fieldErrors.name}
          hint="Letters, digits, _ - . ; it becomes a folder name on the worker computers."
          onChange={(event) => setName(event.target.value)}
        />
        <div className="actions">
          <button type="submit">Create experiment</button>
        </div>
        <FormSuccess message={created} />
      </fieldset>
    </form>
  );
}
