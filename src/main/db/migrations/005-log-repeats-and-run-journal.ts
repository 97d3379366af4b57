// Schema 5: a log entry stands for the failures that repeat it (how many, and when the last one
// was), with an index to find the entry a repeat belongs to; and the run journal, where Start
// all and Stop all say what they are doing while they do it, so that the next start finds an
// operation the application did not live to finish (a crash, kill -9, a power cut).
export const sql = `
ALTER TABLE log_entry ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
ALTER TABLE log_entry ADD COLUMN last_at TEXT NOT NULL DEFAULT '';
UPDATE log_entry SET last_at = time;
CREATE INDEX log_entry_repeat ON log_entry (experiment_id, message, source, subject, level);

CREATE TABLE run_journal (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  operation      TEXT    NOT NULL CHECK (operation IN ('start_all', 'stop_all')),
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  -- Start all: the number the run will have (the next one); Stop all: the run it stops.
  run_number     INTEGER NOT NULL CHECK (run_number >= 0),
  run_id         INTEGER REFERENCES run (id) ON DELETE SET NULL,
  started_at     TEXT    NOT NULL,
  -- open: under way; done: ended as it should; failed: ended part way, leaving servers to
  -- resolve; interrupted: found open at a start (the application ended during it); resolved:
  -- an operator's action resolved it.
  state          TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'failed', 'interrupted', 'resolved')),
  -- What it saw along the way: each server's state and when (e.g. every server confirmed Running).
  notes          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(notes)),
  message        TEXT    NOT NULL DEFAULT '',
  ended_at       TEXT,
  resolution     TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX run_journal_state ON run_journal (state, experiment_id);
`;
