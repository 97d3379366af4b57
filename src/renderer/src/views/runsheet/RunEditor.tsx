// One run's description and measurements: "Update values" saves what was changed, "Same as
// previous" copies the previous run's title, class and measurements (asking first when that
// would replace something). Every field is checked as it is typed, with the API's own rules
// (the zod schemas and parseMeasurement of src/shared); a refusal from the server is shown at
// the field it names. What others change arrives live in the fields this form has not touched.
import { zodResolver } from '@hookform/resolvers/zod';
import { Copy, Save, Undo2 } from 'lucide-react';
import { memo, useEffect, useMemo, useState } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { z } from 'zod';
import { operations } from '../../../../shared/api/contract';
import { RUN_CLASSES, parseMeasurement, type Observable, type Run, type RunClass } from '../../../../shared/domain';
import { splitError, useMutation } from '../../api/hooks';
import { Field, FormError, SelectField } from '../../components/Field';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatDateTime, formatDuration } from '../../components/time';
import { ConfigMark } from './ConfigMark';
import { hasValue, runDurationMs, valueText } from './format';
import { RunExport } from './RunExport';
import { RunFiles } from './RunFiles';
import styles from './runsheet.module.css';

/** Form keys of the measurements: not bare ids, which react-hook-form would take for array indexes. */
const fieldKey = (observableId: number) => `o${observableId}`;

interface RunFormValues {
  title: string;
  runClass: RunClass;
  measurements: Record<string, string>;
}

function formValues(run: Run, observables: readonly Observable[]): RunFormValues {
  return {
    title: run.title,
    runClass: run.runClass,
    measurements: Object.fromEntries(observables.map((o) => [fieldKey(o.id), valueText(run.measurements[o.id])])),
  };
}

/** A reset of this form's own (after a save, or Discard) replaces what was typed too. */
const EVERY_FIELD = { keepDirtyValues: false };

const updateInput = operations['runs.update'].input.shape;

/** The API's rules for this run's fields; a measurement must fit its observable's type. */
function runFormSchema(observables: readonly Observable[]) {
  return z.object({
    title: updateInput.title.unwrap(),
    runClass: updateInput.runClass.unwrap(),
    measurements: z.object(
      Object.fromEntries(
        observables.map((observable) => [
          fieldKey(observable.id),
          z.string().superRefine((typed, context) => {
            const parsed = parseMeasurement(observable.valueType, typed);
            if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message });
          }),
        ]),
      ),
    ),
  });
}

interface RunEditorProps {
  run: Run;
  previousRun: Run | undefined;
  observables: Observable[];
  isCurrent: boolean;
  readOnly: boolean;
  /** Told whether the form holds changes not yet saved (so that leaving it can ask first). */
  onDirtyChange: (dirty: boolean, runId: number) => void;
  /** Opens the comparison of two runs (run numbers) in the run sheet. */
  onCompare: (a: number, b: number) => void;
}

export const RunEditor = memo(function RunEditor({ run, previousRun, observables, isCurrent, readOnly, onDirtyChange, onCompare }: RunEditorProps) {
  const update = useMutation('runs.update');
  const sameAsPrevious = useMutation('runs.sameAsPrevious');
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);

  const schema = useMemo(() => runFormSchema(observables), [observables]);
  const values = useMemo(() => formValues(run, observables), [run, observables]);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors, isDirty, dirtyFields },
  } = useForm<RunFormValues>({
    mode: 'onChange',
    resolver: zodResolver(schema) as unknown as Resolver<RunFormValues>,
    values,
    // A change pushed from elsewhere updates the fields this form has not touched.
    resetOptions: { keepDirtyValues: true },
  });

  useEffect(() => {
    onDirtyChange(isDirty, run.id);
  }, [isDirty, onDirtyChange, run.id]);
  useEffect(() => () => onDirtyChange(false, run.id), [onDirtyChange, run.id]);

  const serverFields = ['title', 'runClass', ...observables.map((o) => `measurements.${o.id}`)];
  // While the dialog is open, a refusal of Same as previous is shown there.
  const { fieldErrors, formError } = splitError(update.error ?? (confirming ? undefined : sameAsPrevious.error), serverFields);
  const clearServerError = () => {
    update.reset();
    sameAsPrevious.reset();
    setSaved(undefined);
  };

  const onSubmit = handleSubmit(async (form) => {
    // Only what was changed here: a value someone else entered meanwhile is not overwritten.
    const measurements: Record<string, string | null> = {};
    for (const observable of observables) {
      const key = fieldKey(observable.id);
      if (dirtyFields.measurements?.[key]) measurements[String(observable.id)] = form.measurements[key]?.trim() ? form.measurements[key] : null;
    }
    const result = await update.run({
      id: run.id,
      ...(dirtyFields.title ? { title: form.title } : {}),
      ...(dirtyFields.runClass ? { runClass: form.runClass } : {}),
      measurements,
    });
    if (result) {
      reset(formValues(result, observables), EVERY_FIELD);
      setSaved(`Run ${result.number} updated`);
    }
  });

  const wouldReplace = isDirty || run.title.trim() !== '' || observables.some((o) => hasValue(run.measurements[o.id]));
  const copyPrevious = async () => {
    clearServerError();
    const result = await sameAsPrevious.run({ id: run.id });
    if (result) {
      setConfirming(false);
      reset(formValues(result, observables), EVERY_FIELD);
      setSaved(`Run ${result.number} now has the values of run ${previousRun?.number ?? ''}`.trim());
    }
  };

  const headingId = `run-form-${run.id}`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className={styles.panelHead}>
        <h3 id={headingId}>Run {run.number}</h3>
        {isCurrent ? (
          <span className={styles.running}>
            <span aria-hidden="true">● </span>Running
          </span>
        ) : null}
        <RunExport runId={run.id} runNumber={run.number} />
      </div>
      <p className={styles.runMeta}>
        <span>
          Start <time dateTime={run.startTime}>{formatDateTime(run.startTime)}</time>
        </span>
        {run.stopTime ? (
          <span>
            stop <time dateTime={run.stopTime}>{formatDateTime(run.stopTime)}</time> ({formatDuration(runDurationMs(run, 0))})
          </span>
        ) : null}
        <span>
          config {run.configName || '—'} <ConfigMark run={run} />
          {run.config.changed === true && previousRun ? (
            <>
              {' '}
              <button type="button" className="button-link" onClick={() => onCompare(previousRun.number, run.number)}>
                Compare with run {previousRun.number}
              </button>
            </>
          ) : null}
        </span>
      </p>
      <form aria-label={`Values of run ${run.number}`} onSubmit={(event) => void onSubmit(event)} noValidate>
        <fieldset disabled={readOnly}>
          <FormError message={formError} />
          <div className={styles.fields}>
            <Field
              label="Title"
              className={styles.fieldWide}
              autoComplete="off"
              error={errors.title?.message ?? fieldErrors.title}
              {...register('title', { onChange: clearServerError })}
            />
            <SelectField label="Class" error={errors.runClass?.message ?? fieldErrors.runClass} {...register('runClass', { onChange: clearServerError })}>
              {RUN_CLASSES.map((runClass) => (
                <option key={runClass} value={runClass}>
                  {runClass}
                </option>
              ))}
            </SelectField>
            {observables.map((observable) => {
              const key = fieldKey(observable.id);
              return (
                <Field
                  key={observable.id}
                  label={observable.name}
                  units={observable.units || undefined}
                  hint={observable.comment || undefined}
                  inputMode={observable.valueType === 'string' ? 'text' : observable.valueType === 'integer' ? 'numeric' : 'decimal'}
                  autoComplete="off"
                  error={errors.measurements?.[key]?.message ?? fieldErrors[`measurements.${observable.id}`]}
                  {...register(`measurements.${key}`, { onChange: clearServerError })}
                />
              );
            })}
          </div>
          {observables.length === 0 ? <p className={styles.hint}>No observables yet: add them under Observables to record measurements.</p> : null}
          <div className={styles.actions}>
            <button type="submit" disabled={update.pending || !isDirty}>
              <Save size={16} aria-hidden="true" />
              Update values
            </button>
            <button
              type="button"
              className="button-quiet"
              disabled={!previousRun || sameAsPrevious.pending}
              title={previousRun ? `Copy the title, class and measurements of run ${previousRun.number}` : 'The first run has no previous run'}
              onClick={() => {
                if (wouldReplace) setConfirming(true);
                else void copyPrevious();
              }}
            >
              <Copy size={16} aria-hidden="true" />
              Same as previous
            </button>
            <button type="button" className="button-quiet" disabled={!isDirty} onClick={() => reset(values, EVERY_FIELD)}>
              <Undo2 size={16} aria-hidden="true" />
              Discard changes
            </button>
            <span className={isDirty ? styles.dirty : styles.clean} role="status">
              {isDirty ? 'Unsaved changes' : saved ? `✓ ${saved}` : 'No unsaved changes'}
            </span>
          </div>
        </fieldset>
      </form>
      {run.stopTime ? <RunFiles runId={run.id} runNumber={run.number} readOnly={readOnly} /> : null}
      <ConfirmDialog
        open={confirming}
        onOpenChange={(open) => {
          setConfirming(open);
          if (!open) sameAsPrevious.reset();
        }}
        title={`Replace the values of run ${run.number}?`}
        description={
          <p>
            The title, class and every measurement of run {run.number} will be replaced by those of run {previousRun?.number}
            {isDirty ? ', and the changes not yet saved here are lost' : ''}.
          </p>
        }
        confirm={`Copy run ${previousRun?.number ?? ''}`.trim()}
        onConfirm={() => void copyPrevious()}
        pending={sameAsPrevious.pending}
        error={sameAsPrevious.error?.message}
      />
    </section>
  );
});
