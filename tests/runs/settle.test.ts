// When a staging folder's files count as settled: only once one listing has stayed the same
// (names, sizes and times) for the whole settle time; any change starts it again.
import { describe, expect, it } from 'vitest';
import { SettleWatch } from '../../src/main/runs/settle';

const file = (name: string, size: number, mtime = 100) => ({ name, size, mtime });

describe('a staging folder settling', () => {
  it('is not settled at the first look, and settles once the same listing was seen for the settle time', () => {
    const watch = new SettleWatch(10_000);
    expect(watch.observe([file('a.graw', 10)], 0)).toMatchObject({ settled: false, stillSince: 0 });
    expect(watch.observe([file('a.graw', 10)], 9_999).settled).toBe(false);
    expect(watch.observe([file('a.graw', 10)], 10_000)).toMatchObject({ settled: true, stillSince: 0 });
  });

  it('starts again at every change, naming what changed: a file grown, touched, new or gone', () => {
    const watch = new SettleWatch(1_000);
    watch.observe([file('a.graw', 10), file('b.graw', 5)], 0);
    expect(watch.observe([file('a.graw', 11), file('b.graw', 5)], 900)).toEqual({ settled: false, changing: ['a.graw'], stillSince: 900 });
    expect(watch.observe([file('a.graw', 11), file('b.graw', 5, 101)], 1_800)).toEqual({ settled: false, changing: ['b.graw'], stillSince: 1_800 });
    expect(watch.observe([file('a.graw', 11), file('b.graw', 5, 101), file('c.graw', 0)], 2_700)).toMatchObject({ changing: ['c.graw'], settled: false });
    expect(watch.observe([file('b.graw', 5, 101), file('c.graw', 0)], 3_600)).toMatchObject({ changing: ['a.graw'], settled: false });
    // Still for a whole settle time since the last change.
    expect(watch.observe([file('b.graw', 5, 101), file('c.graw', 0)], 4_500).settled).toBe(false);
    expect(watch.observe([file('b.graw', 5, 101), file('c.graw', 0)], 4_600)).toMatchObject({ settled: true, stillSince: 3_600 });
  });

  it('never settles while a file keeps growing, however long it is watched', () => {
    const watch = new SettleWatch(1_000);
    for (let t = 0; t <= 60_000; t += 500) expect(watch.observe([file('a.graw', t)], t).settled).toBe(false);
  });

  it('settles an empty folder that stays empty, and with a settle time of zero at the first look', () => {
    const empty = new SettleWatch(1_000);
    expect(empty.observe([], 0).settled).toBe(false);
    expect(empty.observe([], 1_000)).toEqual({ settled: true, changing: [], stillSince: 0 });
    expect(new SettleWatch(0).observe([file('a.graw', 1)], 5).settled).toBe(true);
  });
});
