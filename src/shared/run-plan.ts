// Timed and repeated runs (issue 12, item 4): what Start all may be given (its schema, shared by
// the API and the Status view's form), and the durations and volumes as operators write them.
import { z } from 'zod';

/** The longest a run may be planned to last: a week. */
export const MAX_STOP_AFTER_SECONDS = 7 * 24 * 3600;
export const MAX_PLANNED_RUNS = 10_000;
/** A gigabyte as the run sheet counts it (10^9 bytes). */
export const BYTES_PER_GB = 1e9;

/** The plan of runs.startAll; every field optional (none: a run that an operator stops). */
export const runPlanInput = z
  .object({
    stopAfterSeconds: z
      .number({ error: 'Must be a number of seconds' })
      .int('Must be a whole number of seconds')
      .min(1, 'At least 1 s')
      .max(MAX_STOP_AFTER_SECONDS, `At most ${MAX_STOP_AFTER_SECONDS} s (a week)`)
      .optional(),
    stopAfterGb: z
      .number({ error: 'Must be a number of GB' })
      .refine(Number.isFinite, 'Must be a number of GB')
      .gt(0, 'More than 0 GB')
      .max(1_000_000, 'At most 1000000 GB')
      .optional(),
    cycle: z.boolean({ error: 'Must be true or false' }).optional(),
    runs: z.number({ error: 'Must be a number of runs' }).int('Must be a whole number').min(1, 'At least 1 run').max(MAX_PLANNED_RUNS, `At most ${MAX_PLANNED_RUNS} runs`).optional(),
  })
  .superRefine((plan, ctx) => {
    const timed = plan.stopAfterSeconds !== undefined || plan.stopAfterGb !== undefined;
    if (plan.cycle && !timed) {
      ctx.addIssue({ code: 'custom', path: ['cycle'], message: 'Keep cycling needs a stop: give stopAfterSeconds, stopAfterGb or both' });
    }
    if (plan.runs !== undefined && !plan.cycle) {
      ctx.addIssue({ code: 'custom', path: ['runs'], message: 'A number of runs is for keep cycling: set cycle too' });
    }
  });
export type RunPlanInput = z.infer<typeof runPlanInput>;

/** `1:30` → 5400 s; also `H:MM:SS`. Null when it is not a duration so written. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d{1,3}):([0-5]\d)(?::([0-5]\d))?\s*$/.exec(text);
  if (!match) return null;
  const [, h, m, s] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s ?? 0);
}

/** 5400 → `1:30`; seconds shown only when there are any (`0:00:45`). */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = String(m).padStart(2, '0');
  return s === 0 ? `${h}:${mm}` : `${h}:${mm}:${String(s).padStart(2, '0')}`;
}

/** A countdown: always with its seconds (`0:41:07`). */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function formatGb(bytes: number): string {
  const gb = bytes / BYTES_PER_GB;
  return `${gb >= 100 ? gb.toFixed(0) : gb >= 10 ? gb.toFixed(1) : gb.toFixed(2)} GB`;
}

/** "stop after 1:00 or 5 GB, keep cycling (10 runs)": a plan in words. */
export function describePlan(plan: { stopAfterSeconds: number | null; stopAfterBytes: number | null; cycle: boolean; maxRuns: number | null }): string {
  const limits = [
    plan.stopAfterSeconds !== null ? formatDuration(plan.stopAfterSeconds) : null,
    plan.stopAfterBytes !== null ? `${Number((plan.stopAfterBytes / BYTES_PER_GB).toPrecision(6))} GB` : null,
  ].filter((x): x is string => x !== null);
  const stop = `stop after ${limits.join(' or ')}${limits.length > 1 ? ', whichever comes first' : ''}`;
  if (!plan.cycle) return stop;
  return `${stop}; keep cycling ${plan.maxRuns === null ? 'until cancelled' : `(${plan.maxRuns} run${plan.maxRuns === 1 ? '' : 's'} in all)`}`;
}
