// React hooks over the API: live query results (pushed by the main process, never polled, with
// what did not change kept as the same objects for every view) and mutations whose refusals
// come back with the input field they are about.
import { useCallback, useEffect, useState } from 'react';
import type { InputOf, MutationName, OutputOf, QueryName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { useApi } from './client';
import { toError } from './result';

export interface SubscriptionState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/** What a subscription holds between renders: the result for `key` (query and input). */
export interface PushedState<T> {
  key: string;
  data?: T;
  error?: Error;
}

/**
 * The state after a push of `data` for `key`. Every push is a fresh copy (parsed JSON or a
 * structured clone), so the parts equal to what is shown keep their old objects
 * (replaceEqualDeep): memoized children and memos over them skip what did not change. A push
 * equal to what is shown returns `previous` itself, and React then skips the render entirely.
 */
export function afterPush<T>(previous: PushedState<T>, key: string, data: T): PushedState<T> {
  const same = previous.key === key;
  const shared = replaceEqualDeep(same ? previous.data : undefined, data);
  if (same && shared === previous.data && previous.error === undefined) return previous;
  return { key, data: shared };
}

/**
 * The current result of a query, kept up to date by the server's pushes. Unchanged parts of a
 * push come back as the very objects returned before (see afterPush).
 */
export function useSubscription<K extends QueryName>(name: K, input: InputOf<K>): SubscriptionState<OutputOf<K>> {
  const client = useApi();
  // Callers pass fresh object literals on every render: subscribe again only when the content changes.
  const key = `${name}\u0000${JSON.stringify(input ?? {})}`;
  const [state, setState] = useState<PushedState<OutputOf<K>>>({ key: '' });

  useEffect(() => {
    const [op, json] = key.split('\u0000') as [K, string];
    return client.subscribe(
      op,
      JSON.parse(json) as InputOf<K>,
      (data) => setState((previous) => afterPush(previous, key, data)),
      // Keep the last good data beside the error: a failed refresh should not blank the view.
      (error) => setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error })),
    );
  }, [client, key]);

  if (state.key !== key) return { data: undefined, error: undefined, loading: true };
  return { data: state.data, error: state.error, loading: state.data === undefined && state.error === undefined };
}

/** `next`, with every part deep-equal to the same part of `previous` replaced by that part. */
export function replaceEqualDeep<T>(previous: unknown, next: T): T {
  if (previous === next) return next;
  if (Array.isArray(previous) && Array.isArray(next)) {
    let same = previous.length === next.length;
    const out = next.map((item: unknown, i) => {
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
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

export interface MutationState<K extends MutationName> {
  /** Runs the mutation; resolves to its result, or undefined when it was refused (see `error`). */
  run: (input: InputOf<K>) => Promise<OutputOf<K> | undefined>;
  pending: boolean;
  error: ApiError | Error | undefined;
  reset: () => void;
}

export function useMutation<K extends MutationName>(name: K): MutationState<K> {
  const client = useApi();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);

  const run = useCallback(
    async (input: InputOf<K>) => {
      setPending(true);
      setError(undefined);
      try {
        return await client.call(name, input);
      } catch (caught) {
        setError(toError(caught));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [client, name],
  );
  const reset = useCallback(() => setError(undefined), []);
  return { run, pending, error, reset };
}

/**
 * Splits an error between the form's fields and the form itself: the message of an error about
 * one of `fields` goes next to that field (without the "field: " prefix the server adds), any
 * other error above the form.
 */
export function splitError(
  error: Error | undefined,
  fields: readonly string[],
): { fieldErrors: Record<string, string>; formError: string | undefined } {
  if (!error) return { fieldErrors: {}, formError: undefined };
  const field = error instanceof ApiError ? error.field : undefined;
  if (field !== undefined && fields.includes(field)) {
    const prefix = `${field}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { fieldErrors: { [field]: message }, formError: undefined };
  }
  return { fieldErrors: {}, formError: error.message };
}
