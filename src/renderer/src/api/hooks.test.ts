// Pushed query results without a browser: what stayed the same keeps its objects, so that every
// view's memoized parts skip it, and a push that changes nothing is no new state at all.
import { describe, expect, it } from 'vitest';
import { afterPush, replaceEqualDeep, type PushedState } from './hooks';

describe('structural sharing of a push', () => {
  it('keeps the objects of unchanged parts and replaces the changed ones', () => {
    const a = { servers: [{ id: 1, state: 'Idle' }, { id: 2, state: 'Idle' }], overall: 'Idle' };
    const b = { servers: [{ id: 1, state: 'Idle' }, { id: 2, state: 'Ready' }], overall: 'Mixed' };
    const shared = replaceEqualDeep(a, b);
    expect(shared).toEqual(b);
    expect(shared).not.toBe(a);
    expect(shared.servers).not.toBe(a.servers);
    expect(shared.servers[0]).toBe(a.servers[0]);
    expect(shared.servers[1]).not.toBe(a.servers[1]);
    expect(replaceEqualDeep(a, structuredClone(a))).toBe(a);
  });

  it('tells added, removed and renamed keys and items from equal ones', () => {
    const a = { runs: [{ id: 1 }, { id: 2 }], note: null as string | null };
    expect(replaceEqualDeep(a, { runs: [{ id: 1 }], note: null })).toEqual({ runs: [{ id: 1 }], note: null });
    expect(replaceEqualDeep(a, { runs: [{ id: 1 }], note: null }).runs[0]).toBe(a.runs[0]);
    expect(replaceEqualDeep(a, { runs: [{ id: 1 }, { id: 2 }, { id: 3 }], note: null }).runs).toHaveLength(3);
    expect(replaceEqualDeep<Record<string, unknown>>(a, { runs: a.runs, other: null })).toEqual({ runs: a.runs, other: null });
    expect(replaceEqualDeep<unknown>({ value: 1 }, [1])).toEqual([1]);
    expect(replaceEqualDeep<unknown>([1], { 0: 1 })).toEqual({ 0: 1 });
  });
});

describe('a subscription after a push', () => {
  const key = 'runSheet.get\u0000{}';
  const sheet = () => ({ experiment: { id: 1, name: 'e1' }, runs: [{ id: 7, title: 'Beam' }, { id: 8, title: '' }] });

  it('is the same state when the push equals what is shown, so that nothing re-renders', () => {
    const shown = afterPush<ReturnType<typeof sheet>>({ key: '' }, key, sheet());
    expect(afterPush(shown, key, sheet())).toBe(shown);
  });

  it('hands back the unchanged parts of a changed push as the objects shown before', () => {
    const shown = afterPush<ReturnType<typeof sheet>>({ key: '' }, key, sheet());
    const changed = sheet();
    changed.runs[1]!.title = 'Pulser';
    const next = afterPush(shown, key, changed);
    expect(next).not.toBe(shown);
    expect(next.data).toEqual(changed);
    expect(next.data!.experiment).toBe(shown.data!.experiment);
    expect(next.data!.runs[0]).toBe(shown.data!.runs[0]);
    expect(next.data!.runs[1]).not.toBe(shown.data!.runs[1]);
  });

  it('clears an error with the next good push, even when its data did not change', () => {
    const shown = afterPush<ReturnType<typeof sheet>>({ key: '' }, key, sheet());
    const failed: PushedState<ReturnType<typeof sheet>> = { ...shown, error: new Error('no database') };
    const next = afterPush(failed, key, sheet());
    expect(next.error).toBeUndefined();
    expect(next.data).toBe(shown.data);
  });

  it('shares nothing with the result of another query or input', () => {
    const other = afterPush<ReturnType<typeof sheet>>({ key: '' }, 'runSheet.get\u0000{"experimentId":2}', sheet());
    const next = afterPush(other, key, sheet());
    expect(next.key).toBe(key);
    expect(next.data).toEqual(sheet());
    expect(next.data!.runs[0]).not.toBe(other.data!.runs[0]);
  });
});
