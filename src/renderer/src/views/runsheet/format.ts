// How the run sheet writes times, durations, values and observable headings.
import type { MeasurementValue, Observable, Run } from '../../../../shared/domain';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time to the second, e.g. `2025-11-24 17:15:03`: sortable and unambiguous. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return (
    `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ` +
    `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`
  );
}

/** A duration as `h:mm:ss` (hours grow past 24 rather than wrapping into days). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h}:${pad(m)}:${pad(seconds % 60)}`;
}

/** How long a run lasted, or has lasted until `now` (ms since the epoch) while it has no stop time. */
export function runDurationMs(run: Pick<Run, 'startTime' | 'stopTime'>, now: number): number {
  const end = run.stopTime === null ? now : Date.parse(run.stopTime);
  return end - Date.parse(run.startTime);
}

/** The same heading as the CSV's: the name, with the units in brackets when there are any. */
export function observableHeading(observable: Pick<Observable, 'name' | 'units'>): string {
  return observable.units === '' ? observable.name : `${observable.name} (${observable.units})`;
}

export function isNumeric(observable: Pick<Observable, 'valueType'>): boolean {
  return observable.valueType !== 'string';
}

/** A recorded value as a person reads and types it; empty when there is none. */
export function valueText(value: MeasurementValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

export function hasValue(value: MeasurementValue | undefined): boolean {
  return value !== null && value !== undefined && value !== '';
}

/** How many runs hold a value for the observable. */
export function countValues(runs: readonly Run[], observableId: number): number {
  return runs.filter((run) => hasValue(run.measurements[observableId])).length;
}

export const VALUE_TYPE_LABELS = { integer: 'Whole number', float: 'Number', string: 'Text' } as const;
