// How the audit trail names what a mutation acted on, when only the mutation itself knows it.
//
// `auditTarget(input)` sees the input alone, but the id of what an `add` created, or the name of
// what a `remove` deleted, are known only while the handler runs. The handler records the target
// against its input object (the service hands the same object to `run` and then to
// `auditTarget`); anything not recorded falls back to a description from the input.
export interface AuditTargets<I extends object> {
  remember(input: I, target: string): void;
  target(input: I): string;
}

export function auditTargets<I extends object>(fallback: (input: I) => string): AuditTargets<I> {
  const targets = new WeakMap<I, string>();
  return {
    remember: (input, target) => void targets.set(input, target),
    target: (input) => targets.get(input) ?? fallback(input),
  };
}
