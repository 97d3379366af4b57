// Operations on the shift notes: writing one (a first entry or the correction of an earlier one)
// and reading them. Nothing changes or removes a note.
import { ApiError } from '../../shared/api/errors';
import type { ShiftNote } from '../../shared/domain';
import { defineHandlers } from '../api/handler';
import type { Store } from '../db/store';
import { resolveExperiment, resolveExperimentOrNone } from '../experiments/queries';
import { findShiftNote, hasRun, insertShiftNote, listShiftNotes } from './queries';

/** The note a correction is of: one of the same experiment that nothing corrected yet. */
function noteToCorrect(store: Store, id: number, experiment: { id: number; name: string }): ShiftNote {
  const note = findShiftNote(store, id);
  if (!note || note.experimentId !== experiment.id) {
    throw new ApiError('NOT_FOUND', `Experiment "${experiment.name}" has no shift note ${id} to correct`, 'corrects');
  }
  if (note.correctedBy !== null) {
    throw new ApiError('REFUSED', `Note ${id} was corrected already, by note ${note.correctedBy}: correct that one`, 'corrects');
  }
  return note;
}

export const noteHandlers = defineHandlers({
  'notes.add': {
    run: (input, { store, caller, auditTarget }) =>
      store.write(['shift_note'], () => {
        const experiment = resolveExperiment(store, input.experimentId);
        const corrected = input.corrects === undefined ? undefined : noteToCorrect(store, input.corrects, experiment);
        // A correction is about the same run unless it says otherwise (the run may be what it corrects).
        const runNumber = input.runNumber === undefined ? (corrected?.runNumber ?? null) : input.runNumber;
        if (runNumber !== null && !hasRun(store, experiment.id, runNumber)) {
          throw new ApiError('NOT_FOUND', `Experiment "${experiment.name}" has no run ${runNumber}`, 'runNumber');
        }
        const id = insertShiftNote(store, {
          experimentId: experiment.id,
          author: caller.osUser,
          text: input.text,
          runNumber,
          corrects: corrected?.id ?? null,
        });
        auditTarget(`note ${id}${corrected ? ` correcting note ${corrected.id}` : ''}${runNumber === null ? '' : ` about run ${runNumber}`} of "${experiment.name}"`);
        return findShiftNote(store, id) as ShiftNote;
      }),
    describeTarget: (input) => (input.corrects === undefined ? 'a new note' : `a correction of note ${input.corrects}`),
  },

  'notes.list': {
    reads: ['experiment', 'shift_note'],
    run: (input, { store }) => {
      const experiment = resolveExperimentOrNone(store, input.experimentId);
      if (!experiment) return { items: [], nextBeforeId: null };
      return listShiftNotes(store, { ...input, experimentId: experiment.id });
    },
  },
});
