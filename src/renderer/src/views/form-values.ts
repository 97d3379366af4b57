// Helpers for forms that keep what the operator typed as text and let the server judge it.
import { useCallback, useState, type ChangeEvent } from 'react';

/**
 * A number typed into a field: blank means "not given" (the server's default applies), anything
 * else is sent as a number, NaN included, so the server's message says what is wrong.
 */
export function numberOrUndefined(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

export function useFormValues<T extends Record<string, string | boolean>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const set = useCallback(<K extends keyof T>(key: K, value: T[K]) => {
    setValues((previous) => ({ ...previous, [key]: value }));
  }, []);
  /** Props for a text input bound to `key`. */
  const text = (key: { [K in keyof T]: T[K] extends string ? K : never }[keyof T]) => ({
    name: String(key),
    value: values[key] as string,
    onChange: (event: ChangeEvent<HTMLInputElement>) => set(key, event.target.value as T[typeof key]),
  });
  /** Props for a checkbox bound to `key`. */
  const check = (key: { [K in keyof T]: T[K] extends boolean ? K : never }[keyof T]) => ({
    name: String(key),
    checked: values[key] as boolean,
    onChange: (event: ChangeEvent<HTMLInputElement>) => set(key, event.target.checked as T[typeof key]),
  });
  return { values, set, setValues, text, check };
}
