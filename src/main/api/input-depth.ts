// How deeply an operation's input may nest. No operation takes input more than a few levels
// deep; input nested thousands of levels deep would overflow the stack of whatever walks it
// recursively (the schema check, the audit trail's copy), so it is refused before either sees it.

/** Objects and arrays inside one another, the input itself counting as the first level. */
export const MAX_INPUT_DEPTH = 64;

/** Whether `value` nests objects or arrays deeper than `limit` levels; walks it without recursion. */
export function nestedDeeperThan(value: unknown, limit: number = MAX_INPUT_DEPTH): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth > limit) return true;
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value as Record<string, unknown>);
    for (const child of children) {
      if (child !== null && typeof child === 'object') pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}
