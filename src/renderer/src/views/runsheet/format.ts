// How the run sheet writes run durations, values and observable headings (times and durations
// themselves as everywhere: components/time.ts).
import type { MeasurementValue, Observable, Run } from '../../../../shared/domain';

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
