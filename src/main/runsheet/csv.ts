// The run sheet as CSV (RFC 4180), for spreadsheets and analysis scripts.
import type { MeasurementValue, Observable, RunSheet, ShiftNote } from '../../shared/domain';

const LINE_END = '\r\n';

/** One field, quoted when it holds a comma, a double quote, CR or LF (quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Free text as a spreadsheet should show it, not run it: text starting with =, +, -, @, a tab or
 * a CR is read as a formula by Excel and LibreOffice (CSV injection), so it gets a leading '.
 * Numbers are never passed here: a negative measurement stays a number.
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Records as CSV text, each line ended by CRLF. */
export function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => record.map(csvField).join(',') + LINE_END).join('');
}

export function observableHeading(observable: Pick<Observable, 'name' | 'units'>): string {
  return observable.units === '' ? observable.name : `${observable.name} (${observable.units})`;
}

function valueText(value: MeasurementValue | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? neutralizeFormula(value) : String(value);
}

/**
 * A run's notes in one cell, oldest first, one a line: only those that stand, so a correction
 * takes the place of the note it corrects (the logbook itself keeps both).
 */
export function notesText(notes: readonly ShiftNote[]): string {
  return notes
    .filter((note) => note.correctedBy === null)
    .map((note) => `${note.time} ${note.author}${note.corrects === null ? '' : ` (correcting note ${note.corrects})`}: ${note.text}`)
    .join('\n');
}

/**
 * The whole sheet: one row per run by number, its config hash, what its data routers wrote
 * (stored at its Stop: bytes, files, mean rate in MB/s; empty for a run going or stopped with
 * nothing read), one column per observable in display order, then the run's notes.
 */
export function runSheetCsv(sheet: Pick<RunSheet, 'observables' | 'runs' | 'notes'>): string {
  const observables = [...sheet.observables].sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id);
  const runs = [...sheet.runs].sort((a, b) => a.number - b.number);
  const notesByRun = new Map<number | null, ShiftNote[]>();
  for (const note of [...sheet.notes].sort((a, b) => a.id - b.id)) {
    const ofRun = notesByRun.get(note.runNumber);
    if (ofRun) ofRun.push(note);
    else notesByRun.set(note.runNumber, [note]);
  }
  const header = [
    'Run',
    'Class',
    'Title',
    'Start',
    'Stop',
    'Config',
    'Config hash',
    'Size (bytes)',
    'Files',
    'Mean rate (MB/s)',
    ...observables.map((o) => neutralizeFormula(observableHeading(o))),
    'Notes',
  ];
  const rows = runs.map((run) => [
    String(run.number),
    run.runClass,
    neutralizeFormula(run.title),
    run.startTime,
    run.stopTime ?? '',
    neutralizeFormula(run.configName),
    run.config.hash ?? '',
    run.dataFlow ? String(run.dataFlow.bytes) : '',
    run.dataFlow ? String(run.dataFlow.files) : '',
    run.dataFlow ? run.dataFlow.meanMBps.toFixed(3) : '',
    ...observables.map((observable) => valueText(run.measurements[observable.id])),
    neutralizeFormula(notesText(notesByRun.get(run.number) ?? [])),
  ]);
  return toCsv([header, ...rows]);
}

export function runSheetFileName(experimentName: string): string {
  return `${experimentName}-run-sheet.csv`;
}
