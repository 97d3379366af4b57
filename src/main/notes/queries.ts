// Reading and writing shift notes. There is an INSERT and no UPDATE or DELETE: a note is never
// changed (the database refuses it too), a correction is a new note.
import type { Page, ShiftNote } from '../../shared/domain';
import type { Store } from '../db/store';
import { readPage, type PageRequest } from '../log/queries';
import { nowIso } from '../time';

interface ShiftNoteRow {
  id: number;
  experiment_id: number;
  time: string;
  author: string;
  text: string;
  run_number: number | null;
  corrects_id: number | null;
  corrected_by_id: number | null;
}

function toShiftNote(row: ShiftNoteRow): ShiftNote {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    time: row.time,
    author: row.author,
    text: row.text,
    runNumber: row.run_number,
    corrects: row.corrects_id,
    correctedBy: row.corrected_by_id,
  };
}

export function findShiftNote(store: Store, id: number): ShiftNote | undefined {
  const row = store.db.prepare('SELECT * FROM shift_note_entry WHERE id = ?').get(id) as ShiftNoteRow | undefined;
  return row && toShiftNote(row);
}

export interface NewShiftNote {
  experimentId: number;
  author: string;
  text: string;
  runNumber: number | null;
  corrects: number | null;
}

/** Writes a note (inside the caller's `store.write(['shift_note'], …)`); returns its id. */
export function insertShiftNote(store: Store, note: NewShiftNote): number {
  const info = store.db
    .prepare('INSERT INTO shift_note (experiment_id, time, author, text, run_number, corrects_id) VALUES (?, ?, ?, ?, ?, ?)')
    .run(note.experimentId, nowIso(), note.author, note.text, note.runNumber, note.corrects);
  return Number(info.lastInsertRowid);
}

export interface ShiftNoteFilter extends PageRequest {
  experimentId: number;
  /** Text the note or its author contains (any case). */
  search?: string | undefined;
  runNumber?: number | undefined;
}

/** LIKE's own characters taken literally: what is searched for is text, not a pattern. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An experiment's notes, newest first. */
export function listShiftNotes(store: Store, filter: ShiftNoteFilter): Page<ShiftNote> {
  const conditions: { sql: string; params: unknown[] }[] = [{ sql: 'experiment_id = ?', params: [filter.experimentId] }];
  if (filter.runNumber !== undefined) conditions.push({ sql: 'run_number = ?', params: [filter.runNumber] });
  if (filter.search !== undefined && filter.search !== '') {
    const pattern = likePattern(filter.search);
    conditions.push({ sql: "(text LIKE ? ESCAPE '\\' OR author LIKE ? ESCAPE '\\')", params: [pattern, pattern] });
  }
  return readPage(store, 'shift_note_entry', conditions, filter, toShiftNote);
}

/** The notes that name a run of the experiment, oldest first (for the run sheet and its CSV). */
export function listRunNotes(store: Store, experimentId: number): ShiftNote[] {
  const rows = store.db
    .prepare('SELECT * FROM shift_note_entry WHERE experiment_id = ? AND run_number IS NOT NULL ORDER BY id')
    .all(experimentId) as ShiftNoteRow[];
  return rows.map(toShiftNote);
}

/** The notes about one run, oldest first (runs.export). */
export function listNotesOfRun(store: Store, experimentId: number, runNumber: number): ShiftNote[] {
  const rows = store.db.prepare('SELECT * FROM shift_note_entry WHERE experiment_id = ? AND run_number = ? ORDER BY id').all(experimentId, runNumber) as ShiftNoteRow[];
  return rows.map(toShiftNote);
}

/** Whether the experiment has a run with this number. */
export function hasRun(store: Store, experimentId: number, number: number): boolean {
  return store.db.prepare('SELECT 1 FROM run WHERE experiment_id = ? AND number = ?').get(experimentId, number) !== undefined;
}
