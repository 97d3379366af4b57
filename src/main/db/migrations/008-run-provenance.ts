// Schema 6: run provenance (issue 13). What each ECC server was started with, kept with the run:
// its selected config set, the exact configID and data-link table strings it was sent, and the
// SHA-256 of its three config files read just before the start; the same files' hashes at the
// backup after Stop, so that a file changed during the run shows. A file that could not be read
// has no hash and says why (never a silent gap).
export const sql = `
CREATE TABLE run_config (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id           INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  -- The server as it was named at the start; the id goes if the server is removed later.
  ecc_server_id    INTEGER REFERENCES ecc_server (id) ON DELETE SET NULL,
  ecc_server_name  TEXT    NOT NULL CHECK (ecc_server_name <> ''),
  address          TEXT    NOT NULL,
  config_root      TEXT    NOT NULL,
  describe         TEXT    NOT NULL,
  prepare          TEXT    NOT NULL,
  configure        TEXT    NOT NULL,
  config_id        TEXT    NOT NULL,
  data_link_table  TEXT    NOT NULL,
  UNIQUE (run_id, ecc_server_name)
) STRICT;
CREATE INDEX run_config_server ON run_config (ecc_server_id);

CREATE TABLE run_config_file (
  run_config_id  INTEGER NOT NULL REFERENCES run_config (id) ON DELETE CASCADE,
  name           TEXT    NOT NULL CHECK (name <> ''),
  start_sha256   TEXT    CHECK (start_sha256 IS NULL OR (length(start_sha256) = 64 AND start_sha256 NOT GLOB '*[^0-9a-f]*')),
  start_bytes    INTEGER CHECK (start_bytes IS NULL OR start_bytes >= 0),
  -- Why there is no hash at the start (empty when there is one).
  start_problem  TEXT    NOT NULL DEFAULT '',
  backup_sha256  TEXT    CHECK (backup_sha256 IS NULL OR (length(backup_sha256) = 64 AND backup_sha256 NOT GLOB '*[^0-9a-f]*')),
  backup_at      TEXT,
  PRIMARY KEY (run_config_id, name),
  CHECK ((start_sha256 IS NULL) = (start_problem <> '')),
  CHECK ((backup_sha256 IS NULL) = (backup_at IS NULL))
) STRICT;
`;
