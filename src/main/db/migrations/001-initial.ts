// The first schema: experiments and their setup, runs with measurements, log and audit.
// Tables are STRICT so that SQLite checks every column's type; the domain rules are constraints.
// Ids are AUTOINCREMENT: never reused, so a stale view cannot act on a row that replaced another.
export const sql = `
CREATE TABLE experiment (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  is_active   INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1)),
  created_at  TEXT    NOT NULL
) STRICT;
-- At most one active experiment; the code keeps exactly one while any exists.
CREATE UNIQUE INDEX experiment_one_active ON experiment (is_active) WHERE is_active = 1;

CREATE TABLE ecc_server (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id       INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  name                TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  address             TEXT    NOT NULL CHECK (length(address) > 0),
  port                INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  log_path            TEXT    NOT NULL CHECK (substr(log_path, 1, 1) = '/'),
  config_root         TEXT    NOT NULL CHECK (substr(config_root, 1, 1) = '/'),
  config_backup_root  TEXT    NOT NULL CHECK (substr(config_backup_root, 1, 1) = '/'),
  soap_namespace      TEXT    NOT NULL,
  -- Last state read from the server (ECC-PROTOCOL.md codes 0..6); NULL until reached.
  state               INTEGER CHECK (state BETWEEN 0 AND 6),
  UNIQUE (experiment_id, name),
  UNIQUE (id, experiment_id)
) STRICT;

CREATE TABLE config_set (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  ecc_server_id  INTEGER NOT NULL REFERENCES ecc_server (id) ON DELETE CASCADE,
  describe       TEXT    NOT NULL CHECK (length(describe) > 0),
  prepare        TEXT    NOT NULL CHECK (length(prepare) > 0),
  configure      TEXT    NOT NULL CHECK (length(configure) > 0),
  is_selected    INTEGER NOT NULL DEFAULT 0 CHECK (is_selected IN (0, 1)),
  UNIQUE (ecc_server_id, describe, prepare, configure)
) STRICT;
CREATE UNIQUE INDEX config_set_one_selected ON config_set (ecc_server_id) WHERE is_selected = 1;

CREATE TABLE data_router (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id    INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  address          TEXT    NOT NULL CHECK (length(address) > 0),
  port             INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  connection_type  TEXT    NOT NULL CHECK (connection_type IN ('ICE', 'TCP', 'FDT', 'ZBUF')),
  log_path         TEXT    NOT NULL CHECK (substr(log_path, 1, 1) = '/'),
  UNIQUE (experiment_id, name),
  UNIQUE (id, experiment_id)
) STRICT;

-- One board. Its ECC server and data router belong to the same experiment (composite keys),
-- and a data router serves at most one data source.
CREATE TABLE data_source (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id   INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  name            TEXT    NOT NULL,
  ecc_server_id   INTEGER NOT NULL,
  data_router_id  INTEGER NOT NULL UNIQUE,
  UNIQUE (experiment_id, name),
  FOREIGN KEY (ecc_server_id, experiment_id) REFERENCES ecc_server (id, experiment_id),
  FOREIGN KEY (data_router_id, experiment_id) REFERENCES data_router (id, experiment_id)
) STRICT;
CREATE INDEX data_source_ecc_server ON data_source (ecc_server_id);

CREATE TABLE run (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE RESTRICT,
  number         INTEGER NOT NULL CHECK (number >= 0),
  start_time     TEXT    NOT NULL,
  stop_time      TEXT,
  title          TEXT    NOT NULL DEFAULT '',
  run_class      TEXT    NOT NULL DEFAULT 'Testing'
                 CHECK (run_class IN ('Testing', 'Production', 'Beam', 'Junk', 'Pulser')),
  config_name    TEXT    NOT NULL DEFAULT '',
  UNIQUE (experiment_id, number)
) STRICT;
-- At most one current (not stopped) run per experiment.
CREATE UNIQUE INDEX run_one_current ON run (experiment_id) WHERE stop_time IS NULL;

CREATE TABLE observable (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  value_type     TEXT    NOT NULL CHECK (value_type IN ('integer', 'float', 'string')),
  units          TEXT    NOT NULL DEFAULT '',
  comment        TEXT    NOT NULL DEFAULT '',
  display_order  INTEGER NOT NULL,
  UNIQUE (experiment_id, name)
) STRICT;

CREATE TABLE measurement (
  run_id         INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  observable_id  INTEGER NOT NULL REFERENCES observable (id) ON DELETE CASCADE,
  value          ANY     NOT NULL CHECK (typeof(value) IN ('integer', 'real', 'text')),
  PRIMARY KEY (run_id, observable_id)
) STRICT;
CREATE INDEX measurement_observable ON measurement (observable_id);

CREATE TABLE log_entry (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER REFERENCES experiment (id) ON DELETE SET NULL,
  time           TEXT    NOT NULL,
  level          TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
  source         TEXT    NOT NULL,
  subject        TEXT    NOT NULL DEFAULT '',
  message        TEXT    NOT NULL,
  details        TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX log_entry_experiment ON log_entry (experiment_id, id);

CREATE TABLE audit_entry (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  time     TEXT NOT NULL,
  os_user  TEXT NOT NULL,
  origin   TEXT NOT NULL,
  action   TEXT NOT NULL,
  target   TEXT NOT NULL,
  result   TEXT NOT NULL
) STRICT;
`;
