// Schema 7: what the data flow read of a run, stored at its Stop: per data router the files and
// bytes written in the run (as of the last reading, and when that was), and per run its duration
// and mean rate. Runs stopped before this version, or stopped while nothing was read, have none.
export const sql = `
ALTER TABLE run ADD COLUMN data_files INTEGER CHECK (data_files >= 0);
ALTER TABLE run ADD COLUMN data_bytes INTEGER CHECK (data_bytes >= 0);
-- From the run's start to its stop, as recorded.
ALTER TABLE run ADD COLUMN data_duration_seconds REAL CHECK (data_duration_seconds >= 0);
ALTER TABLE run ADD COLUMN data_mean_bytes_per_second REAL CHECK (data_mean_bytes_per_second >= 0);

CREATE TABLE run_data_flow (
  run_id          INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  -- The router's name is kept: the row outlives a router removed from the setup.
  data_router_id  INTEGER REFERENCES data_router (id) ON DELETE SET NULL,
  router_name     TEXT    NOT NULL CHECK (length(router_name) BETWEEN 1 AND 64),
  files           INTEGER NOT NULL CHECK (files >= 0),
  bytes           INTEGER NOT NULL CHECK (bytes >= 0),
  -- The reading the figures are of; NULL when the router was never read during the run.
  read_at         TEXT,
  -- 1 when that reading was current at Stop (the last read answered), 0 when it was history.
  current         INTEGER NOT NULL CHECK (current IN (0, 1)),
  counted_from    TEXT    NOT NULL CHECK (counted_from IN ('start', 'first-reading')),
  PRIMARY KEY (run_id, router_name)
) STRICT;
`;
