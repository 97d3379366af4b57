// The application's settings: what an operator may tune of the schedule and of Start all's
// checklist and of the run plans, with their defaults and limits (the API's schema and the Setup form share these).
import { z } from 'zod';

export interface Settings {
  /** How often every ECC server's state is read (DOMAIN.md's floor is 5 s; a change shows within 1 s by default). */
  stateRefreshSeconds: number;
  /** Start all's checklist: the least free space on every staging file system. */
  minFreeDiskGb: number;
  /** After Stop, how long a staging folder's .graw files must stay unchanged before they are moved. */
  settleSeconds: number;
  /** While a run goes, how often each data router's staging folder is read for the data flow (files, bytes, MB/s). */
  dataFlowSeconds: number;
  /** A timed or repeated run plan: how long after a stop the next run may wait for its jobs and Start all's checklist before the plan fails. */
  runPlanStartWaitMinutes: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = { stateRefreshSeconds: 1, minFreeDiskGb: 10, settleSeconds: 10, dataFlowSeconds: 2, runPlanStartWaitMinutes: 15 };

const number = (min: number, max: number, unit: string) =>
  z
    .number({ error: 'Must be a number' })
    .refine(Number.isFinite, 'Must be a number')
    .min(min, `At least ${min} ${unit}`)
    .max(max, `At most ${max} ${unit}`);

export const settingsFields = {
  stateRefreshSeconds: number(0.25, 60, 's'),
  minFreeDiskGb: number(0, 1_000_000, 'GB'),
  settleSeconds: number(0, 600, 's'),
  dataFlowSeconds: number(0.5, 60, 's'),
  runPlanStartWaitMinutes: number(1, 1_440, 'min'),
};

export const SETTING_KEYS = Object.keys(settingsFields) as (keyof Settings)[];
