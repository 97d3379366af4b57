// Schema 11: run plans (issue 12, item 4): a Start all given "stop after H:MM", "stop after N GB"
// or both, and "keep cycling" (each next run started once the previous run's jobs are done and
// the checklist passes, with its title, class and values), until cancelled or a number of runs is
// reached. The plan is kept so that the next start of the application continues it, or says why
// it cannot; the runs it took are listed in order.
export const sql = `
CREATE TABLE run_plan (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id       INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
  stop_after_seconds  INTEGER CHECK (stop_after_seconds IS NULL OR stop_after_seconds >= 1),
  stop_after_bytes    INTEGER CHECK (stop_after_bytes IS NULL OR stop_after_bytes >= 1),
  cycle               INTEGER NOT NULL CHECK (cycle IN (0, 1)),
  -- How many runs the cycle takes in all (NULL: until cancelled).
  max_runs            INTEGER CHECK (max_runs IS NULL OR max_runs >= 1),
  created_at          TEXT    NOT NULL,
  created_by          TEXT    NOT NULL,
  -- active: under way; done: its runs all taken; cancelled: an operator ended it (or stopped its
  -- run by hand); failed: a step failed, and the plan ended there (with an alarm).
  status              TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'done', 'cancelled', 'failed')),
  -- The run whose Stop all the plan asked for (set until the stop is recorded).
  stopping_run_id     INTEGER REFERENCES run (id) ON DELETE SET NULL,
  ended_at            TEXT,
  end_reason          TEXT    NOT NULL DEFAULT '',
  -- An ended plan stays shown until it is dismissed or a new plan is made; a failed one keeps its alarm until then.
  dismissed_at        TEXT,
  CHECK (stop_after_seconds IS NOT NULL OR stop_after_bytes IS NOT NULL),
  CHECK ((status = 'active') = (ended_at IS NULL))
) STRICT;
-- One plan under way per experiment at most.
CREATE UNIQUE INDEX run_plan_active ON run_plan (experiment_id) WHERE status = 'active';

CREATE TABLE run_plan_run (
  plan_id   INTEGER NOT NULL REFERENCES run_plan (id) ON DELETE CASCADE,
  run_id    INTEGER NOT NULL UNIQUE REFERENCES run (id) ON DELETE CASCADE,
  -- 1 for the plan's first run.
  position  INTEGER NOT NULL CHECK (position >= 1),
  -- 1 once the plan's own Stop all has closed it (0: going, or stopped otherwise, by hand).
  stopped_by_plan INTEGER NOT NULL DEFAULT 0 CHECK (stopped_by_plan IN (0, 1)),
  PRIMARY KEY (plan_id, position)
) STRICT;
`;
