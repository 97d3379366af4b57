// The header's Note button: a shift note can be written from any view, about the run going
// unless the operator says otherwise. Refused to a read-only connection, as every change is.
import { NotebookPen } from 'lucide-react';
import { useSubscription } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { FormDialog } from '../setup/dialogs';
import { NoteForm } from './NoteForm';

export function NoteButton({ experimentName }: { experimentName: string | undefined }) {
  const readOnly = useReadOnly();
  const { data: runStatus } = useSubscription('runs.status', {});
  const currentRunNumber = runStatus?.currentRun?.number ?? null;
  return (
    <FormDialog
      trigger={
        <>
          <NotebookPen aria-hidden="true" size={16} /> Note
        </>
      }
      triggerLabel="Write a shift note"
      triggerClassName="button-quiet"
      disabled={readOnly || experimentName === undefined}
      title={`Shift note for ${experimentName ?? ''}`}
      description="Signed with the operating-system user and the time. A note is never changed: a mistake is mended by a correction (in the Notes view)."
    >
      {(close) => <NoteForm currentRunNumber={currentRunNumber} onWritten={close} />}
    </FormDialog>
  );
}
