// The shift notes of the active experiment, newest first and live: searched by text (or author)
// and by run. A corrected note stays as written, struck through, with a link to its correction;
// a note that stands can be corrected (a new note naming it), never edited.
import { useState, type ReactNode } from 'react';
import type { ShiftNote } from '../../../../shared/domain';
import { useSubscription } from '../../api/hooks';
import { cx } from '../../components/cx';
import { Field, FormError } from '../../components/Field';
import { useReadOnly } from '../../state/app-store';
import { EntryTime, PageSizeSelect, Pager, usePagedEntries } from '../log/EntryTable';
import { FormDialog } from '../setup/dialogs';
import { NoteForm } from './NoteForm';

/** A link to another note of the list: brings it into view (when it is on the page shown). */
function NoteLink({ id }: { id: number }) {
  return (
    <button
      type="button"
      className="button-link"
      onClick={() => {
        const target = document.getElementById(`note-${id}`);
        target?.scrollIntoView({ block: 'center' });
        target?.focus();
      }}
    >
      note {id}
    </button>
  );
}

/** One note: who, when, which run, its text; struck through once corrected. */
export function NoteEntry({ note, actions }: { note: ShiftNote; actions?: ReactNode }) {
  const corrected = note.correctedBy !== null;
  return (
    <li id={`note-${note.id}`} tabIndex={-1} className={cx('note', corrected && 'note-corrected')} aria-label={`Note ${note.id}${corrected ? ' (corrected)' : ''}`}>
      <div className="note-head">
        <span className="mono">#{note.id}</span>
        <EntryTime iso={note.time} />
        <span className="note-author">{note.author}</span>
        {note.runNumber !== null ? <span className="badge">run {note.runNumber}</span> : null}
        {note.corrects !== null ? (
          <span className="muted">
            corrects <NoteLink id={note.corrects} />
          </span>
        ) : null}
        {corrected ? (
          <span className="note-mark">
            corrected by <NoteLink id={note.correctedBy as number} />
          </span>
        ) : null}
        {actions}
      </div>
      {corrected ? <del className="note-text">{note.text}</del> : <p className="note-text">{note.text}</p>}
    </li>
  );
}

function CorrectButton({ note, disabled }: { note: ShiftNote; disabled: boolean }) {
  return (
    <FormDialog
      trigger="Correct…"
      triggerLabel={`Correct note ${note.id}`}
      triggerClassName="button-quiet button-small"
      disabled={disabled}
      title={`Correct note ${note.id}`}
      description="The note stays as written, marked corrected; the correction is a new note that names it."
    >
      {(close) => <NoteForm corrects={note} onWritten={close} />}
    </FormDialog>
  );
}

const NO_NOTES: ShiftNote[] = [];

export function NotesView() {
  const readOnly = useReadOnly();
  const { data: experiments } = useSubscription('experiments.list', {});
  const experiment = experiments?.find((e) => e.active);
  const [search, setSearch] = useState('');
  const [run, setRun] = useState('');
  const [limit, setLimit] = useState<number>(50);
  const typedRun = run.trim();
  const runValid = typedRun === '' || /^\d+$/.test(typedRun);
  const filter = {
    search: search.trim() === '' ? undefined : search.trim(),
    runNumber: runValid && typedRun !== '' ? Number(typedRun) : undefined,
    limit,
  };
  const { pages, page, error, loading } = usePagedEntries('notes.list', filter);
  const notes = page?.items ?? NO_NOTES;

  return (
    <section className="entries-view" aria-labelledby="notes-heading">
      <div className="section-head">
        <h2 id="notes-heading">Shift notes{experiment ? ` of ${experiment.name}` : ''}</h2>
      </div>
      <p className="panel-note">
        The shift&apos;s logbook, newest first. Write a note with Note at the top of any view. A note is never changed: a
        correction is a new note, and the note it corrects stays, struck through.
      </p>
      <form className="filters" aria-label="Note filters" onSubmit={(event) => event.preventDefault()}>
        <Field label="Search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        <Field
          label="Run number"
          className="field-narrow"
          inputMode="numeric"
          value={run}
          onChange={(event) => setRun(event.target.value)}
          error={runValid ? undefined : 'Must be a run number (0, 1, …)'}
        />
        <PageSizeSelect id="notes-limit" limit={limit} onChange={setLimit} />
      </form>
      <FormError message={error ? `Cannot read the notes: ${error.message}` : undefined} />
      <Pager what="notes" pages={pages} page={page} limit={limit} loading={loading} />
      {notes.length === 0 ? (
        <p className="muted">{loading && !page ? 'Loading the notes…' : 'No notes match this search'}</p>
      ) : (
        <ol className="notes" aria-label="Shift notes">
          {notes.map((note) => (
            <NoteEntry key={note.id} note={note} actions={note.correctedBy === null ? <CorrectButton note={note} disabled={readOnly} /> : null} />
          ))}
        </ol>
      )}
    </section>
  );
}
