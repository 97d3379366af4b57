// Structural sharing for pushed query results: every push is freshly parsed JSON, so without
// this every row would re-render on every push. Parts equal to what was shown before keep their
// old object, and memoized rows skip them.
import { useState } from 'react';

/** `next`, with every part deep-equal to the same part of `previous` replaced by that part. */
export function replaceEqualDeep<T>(previous: unknown, next: T): T {
  if (previous === next) return next;
  if (Array.isArray(previous) && Array.isArray(next)) {
    let same = previous.length === next.length;
    const out = next.map((item, i) => {
      const kept = replaceEqualDeep(previous[i], item);
      if (kept !== previous[i]) same = false;
      return kept;
    });
    return (same ? previous : out) as T;
  }
  if (isPlainObject(previous) && isPlainObject(next)) {
    const previousKeys = Object.keys(previous);
    const nextKeys = Object.keys(next);
    let same = previousKeys.length === nextKeys.length;
    const out: Record<string, unknown> = {};
    for (const key of nextKeys) {
      const kept = replaceEqualDeep(previous[key], next[key]);
      out[key] = kept;
      if (kept !== previous[key] || !Object.prototype.hasOwnProperty.call(previous, key)) same = false;
    }
    return (same ? previous : out) as T;
  }
  return next;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The value with structural sharing against the value shown before (see replaceEqualDeep);
 * computed once per new value, during render (no effect, no extra commit).
 */
export function useShared<T>(value: T): T {
  const [memo, setMemo] = useState({ source: value, shared: value });
  if (memo.source === value) return memo.shared;
  const shared = replaceEqualDeep(memo.shared, value);
  setMemo({ source: value, shared });
  return shared;
}
