// Schema: what each run wrote, router by router (issue 13, "a manifest per run folder"). After a
// router's files are organized, a `checksum_files` job lists its run folder and hashes every
// `.graw` file on the worker computer; the list (name, size, SHA-256, or no hash where the
// experiment turned checksums off) is kept here with the last verification's report. The job
// table is rebuilt for the new kind (SQLite cannot change a CHECK in place), its rows kept.
export const sql = `
CREATE TABLE job_with_checksums (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  kind           TEXT    NOT NULL CHECK (kind IN ('organize_files', 'backup_configs', 'checksum_files')),
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  run_id         INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  run_number     INTEGER NOT NULL CHECK (run_number >= 0),
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
INSERT INTO job_with_checksums SELECT id, kind, experiment_id, run_id, run_number, target_id, target_name, details, status, attempts,
  last_error, created_at, started_at, finished_at FROM job;
DROP TABLE job;
ALTER TABLE job_with_checksums RENAME TO job;
CREATE INDEX job_status ON job (status, id);
CREATE INDEX job_experiment ON job (experiment_id, id);

-- Hashing a run's files reads all of them again: an experiment on slow disks turns it off, and
-- its manifests then hold sizes only.
ALTER TABLE experiment ADD COLUMN checksum_files INTEGER NOT NULL DEFAULT 1 CHECK (checksum_files IN (0, 1));

CREATE TABLE run_manifest (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id             INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  -- No foreign key: the manifest outlives a router removed from the setup (like a job).
  data_router_id     INTEGER NOT NULL,
  data_router_name   TEXT    NOT NULL,
  -- The run folder on the worker computer, and the address it was reached at.
  address            TEXT    NOT NULL,
  folder             TEXT    NOT NULL CHECK (substr(folder, 1, 1) = '/'),
  -- MANIFEST.sha256 (checksums) or MANIFEST.sizes (checksums off); '' when the folder held no file.
  manifest_file      TEXT    NOT NULL CHECK (manifest_file IN ('MANIFEST.sha256', 'MANIFEST.sizes', '')),
  checksums          INTEGER NOT NULL CHECK (checksums IN (0, 1)),
  made_at            TEXT    NOT NULL,
  verified_at        TEXT,
  -- The last verification: { ok, added, missing, changed, problem } (see src/main/runs/manifests.ts).
  verify_report      TEXT    CHECK (verify_report IS NULL OR json_valid(verify_report)),
  UNIQUE (run_id, data_router_id)
) STRICT;

CREATE TABLE run_manifest_file (
  manifest_id  INTEGER NOT NULL REFERENCES run_manifest (id) ON DELETE CASCADE,
  name         TEXT    NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),
  size         INTEGER NOT NULL CHECK (size >= 0),
  sha256       TEXT    CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
  PRIMARY KEY (manifest_id, name)
) STRICT;
`;
