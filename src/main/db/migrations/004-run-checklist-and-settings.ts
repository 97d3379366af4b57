// Schema 4: what each run was started and stopped with, and the application's settings. Start
// all's checklist (every item with its status, reason and any operator override) is kept on the
// run it started, and the servers a Stop all could not confirm stopped (they did not answer) on
// the run it closed. Settings are one JSON value per key; a key absent means its default.
export const sql = `
ALTER TABLE run ADD COLUMN start_checklist TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(start_checklist) AND json_type(start_checklist) = 'array');
ALTER TABLE run ADD COLUMN stop_unconfirmed TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(stop_unconfirmed) AND json_type(stop_unconfirmed) = 'array');

CREATE TABLE app_setting (
  key         TEXT NOT NULL PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
  value       TEXT NOT NULL CHECK (json_valid(value)),
  updated_at  TEXT NOT NULL
) STRICT;
`;
