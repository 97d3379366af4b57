// A side-by-side diff of two texts (two runs' config files, runs.compare): jsdiff's hunks turned
// into rows, each line beside the line that replaced it, with a bound on jsdiff's work. It runs in
// the SSH worker threads (ssh-worker.ts diffTexts): a large diff never holds the main process.
import { structuredPatch } from 'diff';
import type { DiffRow, SideBySide } from '../../shared/api/contract';

/** Unchanged lines shown around each change. */
const CONTEXT = 3;

export interface DiffLimits {
  /** More changed lines than this are not shown: null is answered. */
  maxEditLength: number;
  /** Nor a diff that takes longer than this. */
  timeoutMs: number;
}

/** Side-by-side rows from jsdiff's hunks: unchanged lines around changes, removed lines beside the added ones that replace them. */
export function sideBySide(a: string, b: string, options: DiffLimits): SideBySide | null {
  const patch = structuredPatch('a', 'b', a, b, undefined, undefined, { context: CONTEXT, maxEditLength: options.maxEditLength, timeout: options.timeoutMs });
  if (!patch) return null;
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  let nextA = 1;
  let nextB = 1;
  const skipTo = (lineA: number, lineB: number) => {
    if (lineA > nextA) rows.push({ kind: 'skipped', a: null, b: null, skipped: lineA - nextA });
    nextA = lineA;
    nextB = lineB;
  };
  for (const hunk of patch.hunks) {
    // An empty side's hunk starts at line 0.
    skipTo(Math.max(hunk.oldStart, 1), Math.max(hunk.newStart, 1));
    let gone: string[] = [];
    let come: string[] = [];
    const flush = () => {
      for (let i = 0; i < Math.max(gone.length, come.length); i++) {
        const left = gone[i];
        const right = come[i];
        rows.push({
          kind: left !== undefined && right !== undefined ? 'changed' : left !== undefined ? 'removed' : 'added',
          a: left === undefined ? null : { line: nextA++, text: left },
          b: right === undefined ? null : { line: nextB++, text: right },
        });
      }
      gone = [];
      come = [];
    };
    for (const line of hunk.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === '-') {
        gone.push(text);
        removed++;
      } else if (mark === '+') {
        come.push(text);
        added++;
      } else if (mark === ' ') {
        flush();
        rows.push({ kind: 'same', a: { line: nextA++, text }, b: { line: nextB++, text } });
      }
      // `\ No newline at end of file` belongs to the line before it: nothing to show.
    }
    flush();
  }
  const linesA = a === '' ? 0 : a.split('\n').length - (a.endsWith('\n') ? 1 : 0);
  if (linesA >= nextA) rows.push({ kind: 'skipped', a: null, b: null, skipped: linesA - nextA + 1 });
  return { rows, added, removed };
}
