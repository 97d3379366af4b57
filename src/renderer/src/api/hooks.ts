// React hooks over the API: live query results (pushed by the main process, never polled) and
// mutations whose refusals come back with the input field they are about.
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

/** The current result of a query, kept up to date by the server's pushes. */
export function useSubscription<K extends QueryName>(name: K, input: InputOf<K>): SubscriptionState<OutputOf<K>> {
  const client = useApi();
  // Callers pass fresh object literals on every render: subscribe again only when the content changes.
  const key = `${name}\u0000${JSON.stringify(input ?? {})}`;
  const [state, setState] = useState<{ key: string; data?: OutputOf<K>; error?: Error }>({ key: '' });

  useEffect(() => {
    const [op, json] = key.split('\u0000') as [K, string];
    return client.subscribe(
      op,
      JSON.parse(json) as InputOf<K>,
      (data) => setState({ key, data }),
      // Keep the last good data beside the error: a failed refresh should not blank the view.
      (error) => setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error })),
    );
  }, [client, key]);

  if (state.key !== key) return { data: undefined, error: undefined, loading: true };
  return { data: state.data, error: state.error, loading: state.data === undefined && state.error === undefined };
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
