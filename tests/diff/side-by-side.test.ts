// The side-by-side rows runs.compare makes from jsdiff's hunks: a changed line beside its old
// self, lines only on one side, unchanged stretches left out with their count, a file that one
// run did not have, and a diff too large to show.
import { describe, expect, it } from 'vitest';
import { sideBySide } from '../../src/main/diff/side-by-side';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const LIMITS = { maxEditLength: 5_000, timeoutMs: 5_000 };

describe('side-by-side diff rows', () => {
  it('pairs removed lines with the added lines that replace them, and shows the extra ones alone', () => {
    const diff = sideBySide(lines('a', 'b', 'c'), lines('a', 'B', 'C', 'D'), LIMITS);
    expect(diff).toEqual({
      added: 3,
      removed: 2,
      rows: [
        { kind: 'same', a: { line: 1, text: 'a' }, b: { line: 1, text: 'a' } },
        { kind: 'changed', a: { line: 2, text: 'b' }, b: { line: 2, text: 'B' } },
        { kind: 'changed', a: { line: 3, text: 'c' }, b: { line: 3, text: 'C' } },
        { kind: 'added', a: null, b: { line: 4, text: 'D' } },
      ],
    });
  });

  it('leaves out unchanged lines beyond three around each change, counting them, and numbers each side on its own', () => {
    const a = lines(...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`));
    const b = lines(...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).filter((l) => l !== 'line 2'));
    const diff = sideBySide(a, b, LIMITS)!;
    expect(diff.rows[0]).toEqual({ kind: 'same', a: { line: 1, text: 'line 1' }, b: { line: 1, text: 'line 1' } });
    expect(diff.rows[1]).toEqual({ kind: 'removed', a: { line: 2, text: 'line 2' }, b: null });
    expect(diff.rows[4]).toEqual({ kind: 'same', a: { line: 5, text: 'line 5' }, b: { line: 4, text: 'line 5' } });
    expect(diff.rows.at(-1)).toEqual({ kind: 'skipped', a: null, b: null, skipped: 15 });
    expect(diff.rows).toHaveLength(6);
  });

  it('shows a file one run did not have as all added, and identical files as nothing but what is left out', () => {
    expect(sideBySide('', lines('x', 'y'), LIMITS)).toEqual({
      added: 2,
      removed: 0,
      rows: [
        { kind: 'added', a: null, b: { line: 1, text: 'x' } },
        { kind: 'added', a: null, b: { line: 2, text: 'y' } },
      ],
    });
    expect(sideBySide(lines('x', 'y'), lines('x', 'y'), LIMITS)).toEqual({ added: 0, removed: 0, rows: [{ kind: 'skipped', a: null, b: null, skipped: 2 }] });
  });

  it('gives up on more changes than its bound', () => {
    const a = lines(...Array.from({ length: 200 }, (_, i) => `a${i}`));
    const b = lines(...Array.from({ length: 200 }, (_, i) => `b${i}`));
    expect(sideBySide(a, b, { maxEditLength: 50, timeoutMs: 5_000 })).toBeNull();
  });
});
