// Shift notes through the real HTTP API and WebSocket of an application on a real database:
// written with their author and run, listed and searched, corrected by new notes (never changed
// in place, which the database itself refuses), pushed to every subscriber at once, refused with
// the field named when the input is bad, read but not written by a read-only connection, and
// exported in the run sheet's CSV.
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { osUser } from '../../src/main/api/caller';
import { createRun, stopRun } from '../../src/main/runsheet/queries';
import type { Page, ShiftNote } from '../../src/shared/domain';
import { startTestServer, TestSocket, type TestServer } from '../api/support';

interface Shift extends TestServer {
  experimentId: number;
  /** Records a run as run control does (started, and stopped unless `going`); returns its number. */
  run(going?: boolean): number;
  /** notes.add that must succeed. */
  add(input: Record<string, unknown>): Promise<ShiftNote>;
  /** notes.list that must succeed. */
  list(input?: Record<string, unknown>): Promise<Page<ShiftNote>>;
}

const WINDOW = { origin: 'ipc', osUser: 'attpc', readOnly: false };

async function shift(options: Parameters<typeof startTestServer>[0] = {}): Promise<Shift> {
  const server = await startTestServer(options);
  // Through the service as this computer's own window: the server may be read-only.
  const created = await server.application.service.call('experiments.create', { name: 'e20009' }, WINDOW);
  const experimentId = (created as { value: { id: number } }).value.id;
  const value = async <T>(name: string, input: Record<string, unknown>): Promise<T> => {
    const answer = await server.api(name, input);
    if (!answer.json?.ok) throw new Error(`${name} failed: ${answer.text}`);
    return answer.json.value as T;
  };
  return {
    ...server,
    experimentId,
    run: (going = false) => {
      const run = createRun(server.application.store, { experimentId, configName: 'cfg' });
      if (!going) stopRun(server.application.store, run.id);
      return run.number;
    },
    add: (input) => value<ShiftNote>('notes.add', input),
    list: (input = {}) => value<Page<ShiftNote>>('notes.list', input),
  };
}

describe('notes.add and notes.list', () => {
  it('stores a note with its time, the operating-system user as author, and its run; lists them newest first', async () => {
    const s = await shift();
    s.run();
    const running = s.run(true);
    const before = new Date().toISOString();
    const first = await s.add({ text: 'Beam tuned, rate 2 kHz' });
    const second = await s.add({ text: 'CoBo 3 noisy\nchecked the cables', runNumber: running });
    expect(first).toEqual({
      id: first.id,
      experimentId: s.experimentId,
      time: expect.any(String),
      author: osUser(),
      text: 'Beam tuned, rate 2 kHz',
      runNumber: null,
      corrects: null,
      correctedBy: null,
    });
    expect(first.author).toBe(userInfo().username);
    expect(first.time >= before).toBe(true);
    expect(second).toMatchObject({ runNumber: 1, text: 'CoBo 3 noisy\nchecked the cables' });
    expect((await s.list()).items.map((note) => note.id)).toEqual([second.id, first.id]);
    // The author is the one the audit trail names for the same action.
    const trail = await s.api('audit.list', { action: 'notes.add' });
    expect((trail.json?.value as Page<{ osUser: string; target: string }>).items[0]).toMatchObject({
      osUser: first.author,
      target: `note ${second.id} about run 1 of "e20009"`,
    });
  });

  it('searches the text and the author, with % and _ taken literally, and filters by run', async () => {
    const s = await shift();
    s.run();
    s.run();
    const a = await s.add({ text: 'Gas flow raised to 50%', runNumber: 0 });
    const b = await s.add({ text: 'Trigger threshold changed', runNumber: 1 });
    const c = await s.add({ text: 'gas bottle swapped', runNumber: 1 });
    const ids = async (input: Record<string, unknown>) => (await s.list(input)).items.map((note) => note.id);
    expect(await ids({ search: 'GAS' })).toEqual([c.id, a.id]);
    expect(await ids({ search: '50%' })).toEqual([a.id]);
    expect(await ids({ search: '5_%' })).toEqual([]);
    expect(await ids({ search: osUser() })).toEqual([c.id, b.id, a.id]);
    expect(await ids({ runNumber: 1 })).toEqual([c.id, b.id]);
    expect(await ids({ runNumber: 1, search: 'gas' })).toEqual([c.id]);
    expect(await ids({ runNumber: 0, search: 'trigger' })).toEqual([]);
  });

  it('pages with limit and beforeId', async () => {
    const s = await shift();
    const notes = [];
    for (const text of ['one', 'two', 'three']) notes.push(await s.add({ text }));
    const page = await s.list({ limit: 2 });
    expect(page.items.map((note) => note.text)).toEqual(['three', 'two']);
    expect(page.nextBeforeId).toBe(notes[1]!.id);
    expect(await s.list({ limit: 2, beforeId: page.nextBeforeId })).toEqual({ items: [notes[0]], nextBeforeId: null });
  });

  it('keeps each experiment\'s notes to itself', async () => {
    const s = await shift();
    const note = await s.add({ text: 'in e20009' });
    const other = (await s.api('experiments.create', { name: 'e21001', activate: false })).json?.value as { id: number };
    expect((await s.list({ experimentId: other.id })).items).toEqual([]);
    await s.add({ experimentId: other.id, text: 'in e21001' });
    expect((await s.list()).items).toEqual([note]);
  });
});

describe('a correction', () => {
  it('is a new note that names the old one, which stays as written and is marked corrected; a chain ends at the last one', async () => {
    const s = await shift();
    s.run();
    s.run();
    const original = await s.add({ text: 'Run 0 had beam', runNumber: 0 });
    const correction = await s.add({ text: 'Run 0 had NO beam (pulser)', corrects: original.id });
    // Unless it says otherwise, a correction is about the run of the note it corrects.
    expect(correction).toMatchObject({ corrects: original.id, correctedBy: null, runNumber: 0 });
    const second = await s.add({ text: 'It was run 1 that had no beam', corrects: correction.id, runNumber: 1 });
    expect(second).toMatchObject({ corrects: correction.id, runNumber: 1 });
    const listed = (await s.list()).items;
    expect(listed.map((note) => [note.id, note.text, note.corrects, note.correctedBy])).toEqual([
      [second.id, 'It was run 1 that had no beam', correction.id, null],
      [correction.id, 'Run 0 had NO beam (pulser)', original.id, second.id],
      [original.id, 'Run 0 had beam', null, correction.id],
    ]);
    // A correction may also leave the run out.
    expect(await s.add({ text: 'about no run after all', corrects: second.id, runNumber: null })).toMatchObject({ runNumber: null });
  });

  it('is refused, naming the field, for a note that does not exist, is of another experiment, or was corrected already', async () => {
    const s = await shift();
    const note = await s.add({ text: 'first' });
    const missing = await s.api('notes.add', { text: 'fix', corrects: 999 });
    expect(missing.status).toBe(404);
    expect(missing.json?.error).toMatchObject({ code: 'NOT_FOUND', field: 'corrects', message: 'Experiment "e20009" has no shift note 999 to correct' });

    const other = (await s.api('experiments.create', { name: 'e21001', activate: false })).json?.value as { id: number };
    const elsewhere = await s.api('notes.add', { experimentId: other.id, text: 'fix', corrects: note.id });
    expect(elsewhere.json?.error).toMatchObject({ code: 'NOT_FOUND', field: 'corrects', message: `Experiment "e21001" has no shift note ${note.id} to correct` });

    const correction = await s.add({ text: 'second', corrects: note.id });
    const again = await s.api('notes.add', { text: 'third', corrects: note.id });
    expect(again.status).toBe(409);
    expect(again.json?.error).toMatchObject({
      code: 'REFUSED',
      field: 'corrects',
      message: `Note ${note.id} was corrected already, by note ${correction.id}: correct that one`,
    });
    expect((await s.list()).items).toHaveLength(2);
  });
});

describe('a note is never changed in place', () => {
  it('has no operation that would change or remove one', async () => {
    const { OPERATION_NAMES } = await import('../../src/shared/api/contract');
    expect(OPERATION_NAMES.filter((name) => name.startsWith('notes.'))).toEqual(['notes.add', 'notes.list']);
  });

  it('is refused by the database itself: UPDATE and DELETE fail, the note stays as written', async () => {
    const s = await shift();
    const note = await s.add({ text: 'as written' });
    const db = s.application.store.db;
    expect(() => db.prepare("UPDATE shift_note SET text = 'rewritten' WHERE id = ?").run(note.id)).toThrow(
      'A shift note is never changed: write a correction (a new note that corrects it)',
    );
    expect(() => db.prepare('UPDATE shift_note SET run_number = NULL').run()).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM shift_note WHERE id = ?').run(note.id)).toThrow(
      'A shift note is never deleted: write a correction (a new note that corrects it)',
    );
    // REPLACE deletes the row it collides with (without the DELETE trigger) and writes another.
    const replace = db.prepare("REPLACE INTO shift_note (id, experiment_id, time, author, text, corrects_id) VALUES (?, ?, 'now', 'x', 'replaced', ?)");
    expect(() => replace.run(note.id, s.experimentId, null)).toThrow('A shift note is never replaced: write a correction (a new note that corrects it)');
    const correction = await s.add({ text: 'corrected', corrects: note.id });
    expect(() => replace.run(null, s.experimentId, note.id)).toThrow(/never replaced/);
    // An upsert would be an UPDATE; the insert is refused before it comes to that.
    expect(() =>
      db.prepare("INSERT INTO shift_note (id, experiment_id, time, author, text) VALUES (?, ?, 'now', 'x', 'y') ON CONFLICT (id) DO UPDATE SET text = 'upserted'").run(note.id, s.experimentId),
    ).toThrow(/never (replaced|changed)/);
    expect((await s.list()).items).toEqual([correction, { ...note, correctedBy: correction.id }]);
  });
});

describe('bad input', () => {
  it('is refused with the field named, and writes nothing', async () => {
    const s = await shift();
    s.run();
    const refused = async (input: Record<string, unknown>) => (await s.api('notes.add', input)).json?.error;
    expect(await refused({})).toMatchObject({ code: 'INVALID_INPUT', field: 'text' });
    expect(await refused({ text: '  \n ' })).toMatchObject({ code: 'INVALID_INPUT', field: 'text', message: expect.stringMatching(/Required/) });
    expect(await refused({ text: 'x'.repeat(10_001) })).toMatchObject({ code: 'INVALID_INPUT', field: 'text' });
    expect(await refused({ text: 'ok', runNumber: -1 })).toMatchObject({ code: 'INVALID_INPUT', field: 'runNumber' });
    expect(await refused({ text: 'ok', runNumber: 1.5 })).toMatchObject({ code: 'INVALID_INPUT', field: 'runNumber' });
    expect(await refused({ text: 'ok', runNumber: '0' })).toMatchObject({ code: 'INVALID_INPUT', field: 'runNumber' });
    expect(await refused({ text: 'ok', runNumber: 7 })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'runNumber',
      message: 'Experiment "e20009" has no run 7',
    });
    expect(await refused({ text: 'ok', corrects: 0 })).toMatchObject({ code: 'INVALID_INPUT', field: 'corrects' });
    expect(await refused({ text: 'ok', experimentId: 99 })).toMatchObject({ code: 'NOT_FOUND', field: 'experimentId' });
    expect((await s.api('notes.list', { runNumber: -2 })).json?.error).toMatchObject({ code: 'INVALID_INPUT', field: 'runNumber' });
    expect((await s.list()).items).toEqual([]);
  });

  it('of a run of another experiment is refused: run numbers belong to their experiment', async () => {
    const s = await shift();
    const other = (await s.api('experiments.create', { name: 'e21001', activate: false })).json?.value as { id: number };
    createRun(s.application.store, { experimentId: other.id, configName: 'cfg' });
    expect((await s.api('notes.add', { text: 'ok', runNumber: 0 })).json?.error).toMatchObject({ code: 'NOT_FOUND', field: 'runNumber' });
    expect(await s.add({ experimentId: other.id, text: 'ok', runNumber: 0 })).toMatchObject({ runNumber: 0 });
  });
});

describe('every open screen', () => {
  it('gets a new note pushed at once over its subscription, and the run sheet too', async () => {
    const s = await shift();
    s.run();
    const socket = await TestSocket.connect(s.url, { Authorization: `Bearer ${s.token}` });
    socket.send({ type: 'subscribe', id: 'notes', op: 'notes.list', input: {} });
    socket.send({ type: 'subscribe', id: 'sheet', op: 'runSheet.get', input: {} });
    const value = (message: unknown) => (message as { result: { value: unknown } }).result.value;
    await socket.nextMatching((m) => m.type === 'data' && m.id === 'notes');
    await socket.nextMatching((m) => m.type === 'data' && m.id === 'sheet');
    const note = await s.add({ text: 'pushed', runNumber: 0 });
    const pushed = await socket.nextMatching((m) => m.type === 'data' && m.id === 'notes');
    expect(value(pushed)).toEqual({ items: [note], nextBeforeId: null });
    const sheet = await socket.nextMatching((m) => m.type === 'data' && m.id === 'sheet');
    expect((value(sheet) as { notes: ShiftNote[] }).notes).toEqual([note]);
  });
});

describe('a read-only connection', () => {
  it('reads the notes but cannot write one', async () => {
    const s = await shift({ readOnly: true });
    // Written from this computer's own window (IPC), which is not read-only.
    const written = await s.application.service.call('notes.add', { text: 'from the window' }, WINDOW);
    expect(written).toMatchObject({ ok: true, value: { author: 'attpc' } });
    const refused = await s.api('notes.add', { text: 'from a monitor' });
    expect(refused.status).toBe(403);
    expect(refused.json?.error?.code).toBe('READ_ONLY');
    expect((await s.list()).items.map((note) => note.text)).toEqual(['from the window']);
  });
});

describe('the run sheet', () => {
  it('lists the notes about its runs, and its CSV has them in a last column, corrections in place of what they correct', async () => {
    const s = await shift();
    s.run();
    s.run();
    const wrong = await s.add({ text: 'Rate 2 kHz, "stable", no sparks', runNumber: 0 });
    const fixed = await s.add({ text: 'Rate 1 kHz, "stable",\nsparks at 12:03', corrects: wrong.id });
    const other = await s.add({ text: '=1+1 is not a formula', runNumber: 0 });
    await s.add({ text: 'about no run' });
    const sheet = (await s.api('runSheet.get')).json?.value as { notes: ShiftNote[] };
    expect(sheet.notes.map((note) => note.id)).toEqual([wrong.id, fixed.id, other.id]);

    const { csv } = (await s.api('runSheet.exportCsv')).json?.value as { csv: string };
    const cell =
      `${fixed.time} ${fixed.author} (correcting note ${wrong.id}): Rate 1 kHz, "stable",\nsparks at 12:03\n` +
      `${other.time} ${other.author}: =1+1 is not a formula`;
    const [header, ...rest] = csv.split('\r\n');
    expect(header).toBe('Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),Notes');
    expect(rest[0]).toMatch(/^0,Testing,,[^,]+,[^,]+,cfg,/);
    expect(rest[0]!.endsWith(`,"${cell.replaceAll('"', '""')}"`)).toBe(true);
    expect(rest[1]).toMatch(/^1,Testing,,[^,]+,[^,]+,cfg,,,,,$/);
    expect(rest[2]).toBe('');
    expect(parseCsv(csv).map((record) => record.at(-1))).toEqual(['Notes', cell, '']);
  });
});

/** A small RFC 4180 reader, to show the export reads back as written. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return records;
}
