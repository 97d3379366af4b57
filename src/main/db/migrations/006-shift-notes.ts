// Schema 8: shift notes, the electronic logbook of a shift. A note is written once and never
// changed or removed (the triggers refuse it, whatever the application asks): a correction is a
// new note that names the one it corrects, so what was written when, and by whom, stays readable.
export const sql = `
CREATE TABLE shift_note (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  -- No cascade: the logbook of an experiment outlives nothing that would delete it.
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id),
  time           TEXT    NOT NULL,
  -- The operating-system user the application runs as (as in the audit trail).
  author         TEXT    NOT NULL CHECK (length(author) BETWEEN 1 AND 200),
  text           TEXT    NOT NULL CHECK (length(trim(text)) >= 1 AND length(text) <= 10000),
  run_number     INTEGER CHECK (run_number >= 0),
  corrects_id    INTEGER,
  -- The run named must be one of the experiment's, and a correction must be of a note of the same experiment.
  FOREIGN KEY (experiment_id, run_number) REFERENCES run (experiment_id, number),
  FOREIGN KEY (corrects_id, experiment_id) REFERENCES shift_note (id, experiment_id),
  UNIQUE (id, experiment_id)
) STRICT;
-- A note is corrected at most once: a correction chain is a line, the last one standing.
CREATE UNIQUE INDEX shift_note_corrects ON shift_note (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX shift_note_run ON shift_note (experiment_id, run_number);

CREATE TRIGGER shift_note_never_changed BEFORE UPDATE ON shift_note
BEGIN
  SELECT RAISE(ABORT, 'A shift note is never changed: write a correction (a new note that corrects it)');
END;
CREATE TRIGGER shift_note_never_deleted BEFORE DELETE ON shift_note
BEGIN
  SELECT RAISE(ABORT, 'A shift note is never deleted: write a correction (a new note that corrects it)');
END;
-- INSERT OR REPLACE deletes the row it collides with without firing the DELETE trigger (SQLite
-- fires it only with recursive triggers on): a note's id, or a correction's place, is never taken over.
CREATE TRIGGER shift_note_never_replaced BEFORE INSERT ON shift_note
WHEN EXISTS (SELECT 1 FROM shift_note WHERE id = NEW.id OR corrects_id = NEW.corrects_id)
BEGIN
  SELECT RAISE(ABORT, 'A shift note is never replaced: write a correction (a new note that corrects it)');
END;

-- Each note with the note that corrects it, if any (for the listings).
CREATE VIEW shift_note_entry AS
  SELECT note.*, correction.id AS corrected_by_id
  FROM shift_note AS note LEFT JOIN shift_note AS correction ON correction.corrects_id = note.id;
`;
