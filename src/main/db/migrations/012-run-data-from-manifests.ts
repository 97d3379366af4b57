// Schema 12: a run's files and bytes per data router settled by its manifest. A router goes on
// writing for a few seconds after Stop (it drains what it holds), so the data flow's last reading
// at Stop falls short of what the run wrote; once the router's files are organized and its
// manifest made, the figures become the run folder's files as the manifest lists them, and the
// run's totals and mean rate follow. NULL: the figures are the data flow's reading.
export const sql = `
ALTER TABLE run_data_flow ADD COLUMN manifest_at TEXT;
`;
