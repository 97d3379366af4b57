// Class names put together from parts that may be absent, e.g. cx(styles.row, selected && styles.selected).
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}
