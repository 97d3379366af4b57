// Schema 3: the application's own SSH settings per worker computer (each beats ~/.ssh/config),
// and the demo: which experiment it is and the simulator ports it last ran on (tried again
// first, so a restarted demo keeps its addresses when it can).
export const sql = `
CREATE TABLE ssh_host (
  host           TEXT    PRIMARY KEY CHECK (length(host) BETWEEN 1 AND 255),
  user           TEXT    CHECK (user IS NULL OR length(user) BETWEEN 1 AND 32),
  port           INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
  identity_file  TEXT    CHECK (identity_file IS NULL OR length(identity_file) BETWEEN 1 AND 1024),
  updated_at     TEXT    NOT NULL
) STRICT;

CREATE TABLE demo (
  -- One demo per database.
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  experiment_id  INTEGER NOT NULL UNIQUE REFERENCES experiment (id) ON DELETE CASCADE,
  ports          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(ports)),
  created_at     TEXT    NOT NULL
) STRICT;
`;
