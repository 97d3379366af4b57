// The fields of an observable (name, value type, units, comment), for adding one and for editing
// one, checked as they are typed with the API's schema; the server's refusal (a name already
// taken, a type the recorded values do not fit) is shown at its field.
import { zodResolver } from '@hookform/resolvers/zod';
import type { ReactNode } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { operations } from '../../../../shared/api/contract';
import { VALUE_TYPES, type Observable, type ValueType } from '../../../../shared/domain';
import { splitError } from '../../api/hooks';
import { Field, FormError, SelectField } from '../../components/Field';
import { VALUE_TYPE_LABELS } from './format';
import styles from './runsheet.module.css';

export interface ObservableFormValues {
  name: string;
  valueType: ValueType;
  units: string;
  comment: string;
}

const FIELDS = ['name', 'valueType', 'units', 'comment'] as const;
const schema = operations['observables.add'].input.pick({ name: true, valueType: true, units: true, comment: true });
const resolver = zodResolver(schema) as unknown as Resolver<ObservableFormValues>;

export const EMPTY_OBSERVABLE: ObservableFormValues = { name: '', valueType: 'float', units: '', comment: '' };

export function observableFormValues(observable: Observable): ObservableFormValues {
  return { name: observable.name, valueType: observable.valueType, units: observable.units, comment: observable.comment };
}

interface ObservableFormProps {
  label: string;
  initial: ObservableFormValues;
  submitLabel: string;
  disabled: boolean;
  pending: boolean;
  error: Error | undefined;
  onChange: () => void;
  /** Resolves to true when the server accepted the values. */
  onSubmit: (values: ObservableFormValues) => Promise<boolean>;
  /** Cleared after a success (adding), or not (editing closes the dialog). */
  clearOnSuccess?: boolean;
  children?: ReactNode;
}

export function ObservableForm({ label, initial, submitLabel, disabled, pending, error, onChange, onSubmit, clearOnSuccess, children }: ObservableFormProps) {
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<ObservableFormValues>({ mode: 'onChange', resolver, defaultValues: initial });
  const { fieldErrors, formError } = splitError(error, FIELDS);

  const submit = handleSubmit(async (values) => {
    if ((await onSubmit(values)) && clearOnSuccess) reset(EMPTY_OBSERVABLE);
  });

  return (
    <form aria-label={label} onSubmit={(event) => void submit(event)} noValidate>
      <fieldset disabled={disabled}>
        <FormError message={formError} />
        <div className={styles.fields}>
          <Field label="Name" autoComplete="off" error={errors.name?.message ?? fieldErrors.name} {...register('name', { onChange })} />
          <SelectField label="Type" error={errors.valueType?.message ?? fieldErrors.valueType} {...register('valueType', { onChange })}>
            {VALUE_TYPES.map((type) => (
              <option key={type} value={type}>
                {VALUE_TYPE_LABELS[type]}
              </option>
            ))}
          </SelectField>
          <Field
            label="Units"
            autoComplete="off"
            hint="Shown, never converted"
            error={errors.units?.message ?? fieldErrors.units}
            {...register('units', { onChange })}
          />
          <Field
            label="Comment"
            autoComplete="off"
            hint="Shown next to the field"
            error={errors.comment?.message ?? fieldErrors.comment}
            {...register('comment', { onChange })}
          />
        </div>
        <div className={styles.actions}>
          <button type="submit" disabled={pending}>
            {submitLabel}
          </button>
          {children}
        </div>
      </fieldset>
    </form>
  );
}
