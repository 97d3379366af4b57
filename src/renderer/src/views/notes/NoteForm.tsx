// The form a shift note is written with, from the header's Note button or as the correction of a
// note: its text and, optionally, the run it is about (the run going is offered). A refusal from
// the server is shown at the field it names.
import { useState, type FormEvent } from 'react';
import { NOTE_MAX_LENGTH, type ShiftNote } from '../../../../shared/domain';
import { splitError, useMutation } from '../../api/hooks';
import { Field, FormError, TextAreaField } from '../../components/Field';

const FIELDS = ['text', 'runNumber', 'corrects'] as const;

interface NoteFormProps {
  /** The note this one corrects (its text and run are the starting point). */
  corrects?: ShiftNote | undefined;
  /** The run number offered when it is not a correction: the run going, if any. */
  currentRunNumber?: number | null | undefined;
  onWritten: (note: ShiftNote) => void;
}

export function NoteForm({ corrects, currentRunNumber, onWritten }: NoteFormProps) {
  const add = useMutation('notes.add');
  const [text, setText] = useState(corrects?.text ?? '');
  const offered = corrects ? corrects.runNumber : (currentRunNumber ?? null);
  const [run, setRun] = useState(offered === null ? '' : String(offered));
  const [runError, setRunError] = useState<string | undefined>(undefined);
  const { fieldErrors, formError } = splitError(add.error, FIELDS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = run.trim();
    if (typed !== '' && !/^\d+$/.test(typed)) {
      setRunError('Must be a run number (0, 1, …), or empty for none');
      return;
    }
    setRunError(undefined);
    const note = await add.run({
      text,
      runNumber: typed === '' ? null : Number(typed),
      ...(corrects ? { corrects: corrects.id } : {}),
    });
    if (note) onWritten(note);
  };

  const name = corrects ? `Correction of note ${corrects.id}` : 'Shift note';
  return (
    <form aria-label={name} onSubmit={(event) => void submit(event)} noValidate>
      <TextAreaField
        label={corrects ? 'Corrected text' : 'Note'}
        rows={5}
        maxLength={NOTE_MAX_LENGTH}
        value={text}
        onChange={(event) => setText(event.target.value)}
        error={fieldErrors.text}
      />
      <Field
        label="Run number"
        className="field-narrow"
        inputMode="numeric"
        value={run}
        onChange={(event) => setRun(event.target.value)}
        hint={currentRunNumber !== null && currentRunNumber !== undefined && !corrects ? `Run ${currentRunNumber} is going; empty: about no run` : 'Empty: about no run'}
        error={runError ?? fieldErrors.runNumber}
      />
      <FormError message={fieldErrors.corrects ?? formError} />
      <div className="actions">
        <button type="submit" disabled={add.pending}>
          {corrects ? 'Write correction' : 'Write note'}
        </button>
      </div>
    </form>
  );
}
