// The log as operators read it: newest first, filtered, a page at a time, and cleared.
import { describe, expect, it } from 'vitest';
import type { LogLevel } from '../../src/shared/domain';
import { ApiError } from '../../src/shared/api/errors';
import { LOG_RETENTION_PER_EXPERIMENT, insertLogEntries, insertLogEntry } from '../../src/main/log/queries';
import { testApi, type TestApi } from '../support/store';

async function logApi() {
  const api = testApi();
  const e1 = await api.call('experiments.create', { name: 'e20009' });
  const e2 = await api.call('experiments.create', { name: 'e21001', activate: false });
  return { api, e1: e1.id, e2: e2.id };
}

function log(api: TestApi, experimentId: number | null, level: LogLevel, source: string, message: string): number {
  return insertLogEntry(api.store, { experimentId, level, source, message, subject: 'ECC0', details: `details of ${message}` });
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('Expected the call to fail');
}

describe('log.list', () => {
  it('lists every entry, newest first, with all its fields', async () => {
    const { api, e1 } = await logApi();
    const first = log(api, e1, 'info', 'ecc', 'one');
    const second = log(api, null, 'error', 'app', 'two');
    const page = await api.call('log.list', {});
    expect(page.nextBeforeId).toBeNull();
    expect(page.items.map((entry) => entry.id)).toEqual([second, first]);
    expect(page.items[1]).toEqual({
      id: first,
      experimentId: e1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      level: 'info',
      source: 'ecc',
      subject: 'ECC0',
      message: 'one',
      details: 'details of one',
      count: 1,
      lastAt: page.items[1]?.time,
    });
  });

  it('filters by experiment, levels and source, together', async () => {
    const { api, e1, e2 } = await logApi();
    log(api, e1, 'info', 'ecc', 'a');
    log(api, e1, 'error', 'ecc', 'b');
    log(api, e1, 'warning', 'ssh', 'c');
    log(api, e2, 'error', 'ecc', 'd');
    log(api, null, 'debug', 'app', 'e');
    const messages = async (input: Parameters<typeof api.call<'log.list'>>[1]) =>
      (await api.call('log.list', input)).items.map((entry) => entry.message);

    expect(await messages({ experimentId: e1 })).toEqual(['c', 'b', 'a']);
    expect(await messages({ levels: ['error', 'warning'] })).toEqual(['d', 'c', 'b']);
    expect(await messages({ levels: [] })).toEqual([]);
    expect(await messages({ source: 'ecc' })).toEqual(['d', 'b', 'a']);
    expect(await messages({ experimentId: e1, levels: ['error', 'info'], source: 'ecc' })).toEqual(['b', 'a']);
    expect(await messages({ source: 'nowhere' })).toEqual([]);
  });

  it('reads a page at a time, older pages through beforeId, until nextBeforeId is null', async () => {
    const { api, e1 } = await logApi();
    const ids = Array.from({ length: 7 }, (_, i) => log(api, e1, 'info', 'ecc', `m${i}`));
    const newestFirst = [...ids].reverse();

    const first = await api.call('log.list', { limit: 3 });
    expect(first.items.map((entry) => entry.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.nextBeforeId).toBe(newestFirst[2]);

    const second = await api.call('log.list', { limit: 3, beforeId: first.nextBeforeId! });
    expect(second.items.map((entry) => entry.id)).toEqual(newestFirst.slice(3, 6));
    expect(second.nextBeforeId).toBe(newestFirst[5]);

    const last = await api.call('log.list', { limit: 3, beforeId: second.nextBeforeId! });
    expect(last.items.map((entry) => entry.id)).toEqual(newestFirst.slice(6));
    expect(last.nextBeforeId).toBeNull();
  });

  it('says there is no further page when the entries fill the last page exactly', async () => {
    const { api, e1 } = await logApi();
    for (let i = 0; i < 4; i++) log(api, e1, 'info', 'ecc', `m${i}`);
    expect((await api.call('log.list', { limit: 4 })).nextBeforeId).toBeNull();
    const page = await api.call('log.list', { limit: 2 });
    expect((await api.call('log.list', { limit: 2, beforeId: page.nextBeforeId! })).nextBeforeId).toBeNull();
  });

  it('pages through a filtered listing without the entries filtered out', async () => {
    const { api, e1, e2 } = await logApi();
    for (let i = 0; i < 6; i++) log(api, i % 2 === 0 ? e1 : e2, 'info', 'ecc', `m${i}`);
    const first = await api.call('log.list', { experimentId: e1, limit: 2 });
    expect(first.items.map((entry) => entry.message)).toEqual(['m4', 'm2']);
    const second = await api.call('log.list', { experimentId: e1, limit: 2, beforeId: first.nextBeforeId! });
    expect(second).toMatchObject({ items: [{ message: 'm0' }], nextBeforeId: null });
  });

  it('refuses a page size outside 1 to 1000', async () => {
    const { api } = await logApi();
    expect(await rejection(api.call('log.list', { limit: 0 }))).toMatchObject({ code: 'INVALID_INPUT', field: 'limit' });
    expect(await rejection(api.call('log.list', { limit: 1001 }))).toMatchObject({ code: 'INVALID_INPUT', field: 'limit' });
  });
});

describe('identical failures repeating', () => {
  const failure = (experimentId: number | null, time: string, details = '') => ({
    experimentId,
    level: 'error' as const,
    source: 'ecc',
    subject: 'ECC1',
    message: 'Cannot read the state of ECC1: connect ECONNREFUSED',
    details,
    time,
  });
  const minute = (m: number, s = 0) => new Date(Date.UTC(2026, 11, 4, 20, m, s)).toISOString();

  it('are one entry with a count, the time of the last one and its details: 1,000 a minute for 10 minutes stay one row', async () => {
    const { api, e1 } = await logApi();
    const flood = Array.from({ length: 10_000 }, (_, i) => failure(e1, new Date(Date.parse(minute(0)) + i * 60).toISOString(), `attempt ${i + 1}`));
    for (let i = 0; i < flood.length; i += 500) insertLogEntries(api.store, flood.slice(i, i + 500));
    const page = await api.call('log.list', { experimentId: e1 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ time: minute(0), count: 10_000, lastAt: flood[9_999]?.time, details: 'attempt 10000' });
  });

  it('are counted on their own entry even when other entries come between', async () => {
    const { api, e1 } = await logApi();
    const first = insertLogEntry(api.store, failure(e1, minute(0)));
    const other = log(api, e1, 'info', 'ecc', 'ECC0 answers again');
    expect(insertLogEntry(api.store, failure(e1, minute(1)))).toBe(first);
    const items = (await api.call('log.list', {})).items;
    expect(items.map((entry) => [entry.id, entry.count])).toEqual([
      [other, 1],
      [first, 2],
    ]);
  });

  it('are a new entry when anything differs, or after a quiet spell of more than 10 minutes', async () => {
    const { api, e1, e2 } = await logApi();
    const first = insertLogEntry(api.store, failure(e1, minute(0)));
    const ids = [
      insertLogEntry(api.store, failure(e2, minute(1))),
      insertLogEntry(api.store, { ...failure(e1, minute(1)), level: 'warning' }),
      insertLogEntry(api.store, { ...failure(e1, minute(1)), source: 'ssh' }),
      insertLogEntry(api.store, { ...failure(e1, minute(1)), subject: 'ECC2' }),
      insertLogEntry(api.store, { ...failure(e1, minute(1)), message: 'Cannot read the state of ECC1: timeout' }),
    ];
    expect(new Set([first, ...ids]).size).toBe(6);
    expect(insertLogEntry(api.store, failure(e1, minute(10)))).toBe(first);
    expect(insertLogEntry(api.store, failure(e1, minute(20, 1)))).not.toBe(first);
  });

  it('leave a flood of distinct failures bounded: the newest entries are kept per experiment, the oldest go in the same write', async () => {
    const { api, e1, e2 } = await logApi();
    const other = log(api, e2, 'error', 'ecc', 'of the other experiment');
    const distinct = Array.from({ length: LOG_RETENTION_PER_EXPERIMENT + 300 }, (_, i) => ({ ...failure(e1, minute(0)), message: `failure ${i}` }));
    insertLogEntries(api.store, distinct);
    const count = (experimentId: number) => api.store.db.prepare('SELECT count(*) FROM log_entry WHERE experiment_id = ?').pluck().get(experimentId);
    expect(count(e1)).toBe(LOG_RETENTION_PER_EXPERIMENT);
    expect((await api.call('log.list', { experimentId: e1, limit: 1 })).items[0]?.message).toBe(`failure ${LOG_RETENTION_PER_EXPERIMENT + 299}`);
    expect(api.store.db.prepare('SELECT min(message) FROM log_entry WHERE experiment_id = ? AND message = ?').pluck().get(e1, 'failure 299')).toBeNull();
    expect(api.store.db.prepare('SELECT count(*) FROM log_entry WHERE message = ?').pluck().get('failure 300')).toBe(1);
    expect(count(e2)).toBe(1);
    expect(other).toBeGreaterThan(0);
    // A smaller limit, as a caller may ask for: still exact.
    insertLogEntries(api.store, [{ ...failure(e2, minute(1)), message: 'one more' }], { retention: 1 });
    expect(count(e2)).toBe(1);
  });
});

describe('log.sources', () => {
  it('lists each source once, in order', async () => {
    const { api, e1 } = await logApi();
    expect(await api.call('log.sources', {})).toEqual([]);
    log(api, e1, 'info', 'ssh', 'a');
    log(api, e1, 'info', 'ecc', 'b');
    log(api, null, 'error', 'ssh', 'c');
    expect(await api.call('log.sources', {})).toEqual(['ecc', 'ssh']);
  });
});

describe('log.clear', () => {
  it("deletes one experiment's entries and says how many", async () => {
    const { api, e1, e2 } = await logApi();
    log(api, e1, 'info', 'ecc', 'a');
    log(api, e1, 'error', 'ecc', 'b');
    log(api, e2, 'error', 'ecc', 'c');
    log(api, null, 'error', 'app', 'd');
    expect(await api.call('log.clear', { experimentId: e1 })).toEqual({ deleted: 2 });
    expect((await api.call('log.list', {})).items.map((entry) => entry.message)).toEqual(['d', 'c']);
    const audit = await api.call('audit.list', { action: 'log.clear' });
    expect(audit.items[0]).toMatchObject({ target: 'log of "e20009"', result: 'ok' });
  });

  it('deletes every entry when no experiment is named', async () => {
    const { api, e1, e2 } = await logApi();
    log(api, e1, 'info', 'ecc', 'a');
    log(api, e2, 'error', 'ecc', 'b');
    log(api, null, 'error', 'app', 'c');
    expect(await api.call('log.clear', {})).toEqual({ deleted: 3 });
    expect((await api.call('log.list', {})).items).toEqual([]);
    expect((await api.call('audit.list', { action: 'log.clear' })).items[0]).toMatchObject({ target: 'the whole log' });
  });

  it('is refused for an experiment that does not exist', async () => {
    const { api, e1 } = await logApi();
    log(api, e1, 'info', 'ecc', 'a');
    expect(await rejection(api.call('log.clear', { experimentId: 999 }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await api.call('log.list', {})).items).toHaveLength(1);
  });
});
