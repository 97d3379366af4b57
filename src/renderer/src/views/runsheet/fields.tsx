// Labelled inputs and selects for the run sheet's forms (react-hook-form registers them through
// `ref`): the units beside the box, the observable's comment under it, and the error of the form
// or the server tied to the control with aria-describedby so it is read out with it.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';
import styles from './runsheet.module.css';

export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

interface Decoration {
  label: string;
  /** Shown after the box (never converted). */
  units?: string | undefined;
  hint?: ReactNode;
  error?: string | undefined;
  wide?: boolean;
}

function useDescription({ hint, error }: Pick<Decoration, 'hint' | 'error'>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return { id, hintId, errorId, describedBy };
}

function Frame({
  id,
  hintId,
  errorId,
  label,
  units,
  hint,
  error,
  wide,
  children,
}: Decoration & { id: string; hintId: string; errorId: string; children: ReactNode }) {
  return (
    <div className={cx(styles.field, error && styles.invalid, wide && styles.fieldWide)}>
      <label htmlFor={id}>{label}</label>
      <div className={styles.inputRow}>
        {children}
        {units ? (
          <span className={styles.units} aria-hidden="true">
            {units}
          </span>
        ) : null}
      </div>
      {hint ? (
        <p id={hintId} className={styles.hint}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className={styles.error}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

type TextFieldProps = Decoration & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & { ref?: Ref<HTMLInputElement> };

export function TextField({ label, units, hint, error, wide, ref, ...input }: TextFieldProps) {
  const { id, hintId, errorId, describedBy } = useDescription({ hint, error });
  return (
    <Frame {...{ id, hintId, errorId, label, units, hint, error, wide }}>
      <input
        id={id}
        ref={ref}
        type="text"
        // The units are part of what the value means: say them with the field.
        aria-label={units ? `${label} (${units})` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
    </Frame>
  );
}

type SelectFieldProps = Decoration & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { ref?: Ref<HTMLSelectElement> };

export function SelectField({ label, units, hint, error, wide, ref, children, ...select }: SelectFieldProps) {
  const { id, hintId, errorId, describedBy } = useDescription({ hint, error });
  return (
    <Frame {...{ id, hintId, errorId, label, units, hint, error, wide }}>
      <select id={id} ref={ref} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...select}>
        {children}
      </select>
    </Frame>
  );
}
