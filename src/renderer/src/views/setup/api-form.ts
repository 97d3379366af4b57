// Forms that send one API mutation: react-hook-form, checked as the operator types with the
// operation's own zod schema (the very one the server applies), and a refusal from the server
// shown at the field it names, or above the form when it names none.
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useState, type BaseSyntheticEvent } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type Resolver, type UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { operations, type InputOf, type MutationName, type OutputOf, type ParsedInputOf } from '../../../../shared/api/contract';
import { splitError, useMutation, type MutationState } from '../../api/hooks';

/**
 * A number typed into a field: blank means "not given" (the server's default applies); anything
 * else becomes a number, NaN included, so the schema's own message says what is wrong.
 */
export function numberOrUndefined(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

/** Blank means "not set" (null); anything else is sent as typed. */
export function textOrNull(text: string): string | null {
  return text.trim() === '' ? null : text;
}

/** An id chosen in a select: blank is no choice. */
export function idOrUndefined(text: string): number | undefined {
  return text === '' ? undefined : Number(text);
}

export interface ApiForm<K extends MutationName, V extends FieldValues> {
  form: UseFormReturn<V, unknown, ParsedInputOf<K>>;
  mutation: MutationState<K>;
  /** A refusal that names no field of this form. */
  formError: string | undefined;
  /** The form's onSubmit: checks, sends, and calls onDone with the result when it was accepted. */
  onSubmit: (onDone: (result: OutputOf<K>, values: V) => void) => (event?: BaseSyntheticEvent) => Promise<void>;
}

export function useApiForm<K extends MutationName, V extends FieldValues>(
  name: K,
  options: {
    defaultValues: V;
    /** The form's text values as the operation's input. */
    toInput: (values: V) => InputOf<K>;
    /** The fields a server error may name (dotted paths); keep the array stable. */
    fields: readonly string[];
    /** Send only the fields the operator changed (and `id`): for updates that change only what is given. */
    onlyChanged?: boolean;
  },
): ApiForm<K, V> {
  const mutation = useMutation(name);
  const { toInput, fields, onlyChanged = false } = options;
  // The operation's schema behind a conversion of the typed text: the messages are the server's.
  const schema = z
    .custom<V>()
    .transform((values): unknown => toInput(values))
    .pipe(operations[name].input as unknown as z.ZodType<ParsedInputOf<K>>);
  const form = useForm<V, unknown, ParsedInputOf<K>>({
    mode: 'onChange',
    defaultValues: options.defaultValues as DefaultValues<V>,
    resolver: zodResolver(schema) as unknown as Resolver<V, unknown, ParsedInputOf<K>>,
  });
  const { setError } = form;
  // What the form started from, to tell what the operator changed (onlyChanged).
  const [initial] = useState(options.defaultValues);
  const { formError } = splitError(mutation.error, fields);

  useEffect(() => {
    const { fieldErrors } = splitError(mutation.error, fields);
    let first = true;
    for (const [field, message] of Object.entries(fieldErrors)) {
      setError(field as Path<V>, { type: 'server', message }, { shouldFocus: first });
      first = false;
    }
  }, [mutation.error, fields, setError]);

  const onSubmit: ApiForm<K, V>['onSubmit'] = (onDone) =>
    form.handleSubmit(async (parsed) => {
      let input = parsed as Record<string, unknown>;
      const values = form.getValues();
      if (onlyChanged) {
        const changed = (key: string) => JSON.stringify(values[key]) !== JSON.stringify((initial as FieldValues)[key]);
        input = Object.fromEntries(Object.entries(input).filter(([key]) => key === 'id' || changed(key)));
      }
      const result = await mutation.run(input as InputOf<K>);
      if (result !== undefined) onDone(result, values);
    });

  return { form, mutation, formError, onSubmit };
}
