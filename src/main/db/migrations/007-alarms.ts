// Schema (alarms): every alarm the rules raised, active (cleared_at NULL) or history, with who
// acknowledged it and when; and each experiment's rule settings (one JSON object per rule; a
// rule absent means its defaults). The rule ids are not listed in a CHECK: a new rule needs no
// migration, and the application reads a stored setting that no longer fits as the default.
export const sql = `
CREATE TABLE alarm (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  rule             TEXT    NOT NULL CHECK (length(rule) BETWEEN 1 AND 100),
  -- What the rule found it about, e.g. processGone:dataRouter:3: at most one active alarm per key.
  condition_key    TEXT    NOT NULL CHECK (length(condition_key) BETWEEN 1 AND 200),
  experiment_id    INTEGER REFERENCES experiment (id) ON DELETE CASCADE,
  subject          TEXT    NOT NULL DEFAULT '',
  message          TEXT    NOT NULL CHECK (length(message) >= 1),
  raised_at        TEXT    NOT NULL,
  cleared_at       TEXT    CHECK (cleared_at IS NULL OR cleared_at >= raised_at),
  acknowledged_at  TEXT,
  acknowledged_by  TEXT,
  CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
) STRICT;
CREATE UNIQUE INDEX alarm_active_key ON alarm (condition_key) WHERE cleared_at IS NULL;
CREATE INDEX alarm_history ON alarm (experiment_id, id);

CREATE TABLE alarm_rule (
  experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  rule           TEXT    NOT NULL CHECK (length(rule) BETWEEN 1 AND 100),
  settings       TEXT    NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
  updated_at     TEXT    NOT NULL,
  PRIMARY KEY (experiment_id, rule)
) STRICT;
`;
