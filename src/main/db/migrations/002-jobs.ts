// Schema 2: the queue of after-stop jobs (organize a data router's files, back up an ECC server's
// config files), written atomically with the stop of the run they belong to and carried out in
// the background. A job names its target by id and by name, and carries what it needs as JSON
// (taken at stop time: the selected config set may change before the job runs).
export const sql = `
CREATE TABLE job (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  kind           TEXT    NOT NULL CHECK (kind IN ('organize_files', 'backup_configs')),
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  run_id         INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  run_number     INTEGER NOT NULL CHECK (run_number >= 0),
  -- A data router (organize_files) or an ECC server (backup_configs); no foreign key: the job
  -- outlives a component removed from the setup.
  target_id      INTEGER NOT NULL,
  target_name    TEXT    NOT NULL,
  details        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error     TEXT    NOT NULL DEFAULT '',
  created_at     TEXT    NOT NULL,
  started_at     TEXT,
  finished_at    TEXT,
  UNIQUE (kind, run_id, target_id)
) STRICT;
CREATE INDEX job_status ON job (status, id);
CREATE INDEX job_experiment ON job (experiment_id, id);
`;
