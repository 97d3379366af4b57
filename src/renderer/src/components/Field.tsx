// Labelled form controls, shared by the views, that show the message for their field beside
// them and tie it to the control (aria-describedby), so it is read out with the control, not
// only seen in red; units, when given, stand after the box and are part of its name. They take
// react-hook-form's register() props, ref included.
import { useId, type ComponentProps, type ReactNode } from 'react';
import { cx } from './cx';

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      <span aria-hidden="true">⚠ </span>
      {message}
    </p>
  );
}

interface ControlProps {
  id: string;
  'aria-label': string | undefined;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FrameProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  /** Shown after the box (never converted). */
  units?: string | undefined;
  className?: string | undefined;
}

/** A control's frame: its label, its units, its hint and its error, all tied to the control. */
function FieldFrame({ label, error, hint, units, className, control }: FrameProps & { control: (props: ControlProps) => ReactNode }) {
  const id = useId();
  const box = control({
    id,
    // The units are part of what the value means: say them with the field.
    'aria-label': units ? `${label} (${units})` : undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(error && `${id}-error`, Boolean(hint) && `${id}-hint`),
  });
  return (
    <div className={cx('field', error && 'field-invalid', className)}>
      <label htmlFor={id}>{label}</label>
      {units ? (
        <div className="field-input-row">
          {box}
          <span className="field-units" aria-hidden="true">
            {units}
          </span>
        </div>
      ) : (
        box
      )}
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

type FieldProps = FrameProps & Omit<ComponentProps<'input'>, 'id' | 'className'> & { className?: string | undefined };

export function Field({ label, error, hint, units, className, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint} units={units} className={className} control={(control) => <input {...control} {...input} />} />
  );
}

type SelectFieldProps = FrameProps & Omit<ComponentProps<'select'>, 'id' | 'className'> & { className?: string | undefined; children: ReactNode };

export function SelectField({ label, error, hint, units, className, children, ...select }: SelectFieldProps) {
  return (
    <FieldFrame
      label={label}
      error={error}
      hint={hint}
      units={units}
      className={className}
      control={(control) => (
        <select {...control} {...select}>
          {children}
        </select>
      )}
    />
  );
}

type TextAreaFieldProps = FrameProps & Omit<ComponentProps<'textarea'>, 'id' | 'className'> & { className?: string | undefined };

/** Free text over several lines (a shift note). */
export function TextAreaField({ label, error, hint, className, ...textarea }: TextAreaFieldProps) {
  return <FieldFrame label={label} error={error} hint={hint} className={className} control={(control) => <textarea {...control} {...textarea} />} />;
}

interface CheckboxProps extends Omit<ComponentProps<'input'>, 'id' | 'type'> {
  label: string;
  error?: string | undefined;
}

export function Checkbox({ label, error, ...input }: CheckboxProps) {
  const id = useId();
  return (
    <div className={cx('field field-check', error && 'field-invalid')}>
      <input
        id={id}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      <label htmlFor={id}>{label}</label>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** An error that concerns the whole form (or a field the form does not show); `id` for a control's aria-describedby. */
export function FormError({ message, id }: { message: string | undefined; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="form-error" role="alert">
      <span aria-hidden="true">⚠ </span>
      {message}
    </p>
  );
}

/** A short confirmation after a change was accepted; always in the tree so it is announced. */
export function FormSuccess({ message }: { message: string | undefined }) {
  return (
    <p className="form-success" role="status">
      {message ? (
        <>
          <span aria-hidden="true">✓ </span>
          {message}
        </>
      ) : null}
    </p>
  );
}
