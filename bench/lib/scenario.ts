// What every scenario module gives the runner: its name, what it measures, and its results as
// table rows (for people) and plain data (for the JSON file).
import { round, type Summary } from './stats';

export interface BenchOptions {
  /** Sizes given with --servers (each scenario has its own defaults). */
  servers?: number[];
  /** Repetitions given with --rounds (each scenario has its own defaults). */
  rounds?: number;
  /** Seconds given with --seconds, for the scenarios that run for a while. */
  seconds?: number;
  /** Files given with --files (organize). */
  files?: number;
  /** Say what happens while it happens. */
  log: (line: string) => void;
}

export interface TargetCheck {
  /** What is compared, e.g. "round over 200 servers vs the earlier system". */
  what: string;
  /** The target as the issue states it, e.g. "≥ 8×". */
  target: string;
  /** The figure measured, as shown. */
  measured: string;
  /** null: not judged by this run (too short for it; the figure is shown for information). */
  met: boolean | null;
}

export interface Row {
  measure: string;
  unit: string;
  summary?: Summary;
  /** A single figure instead of a summary (a ratio, a count). */
  value?: number;
  /** How the spread is shown: p5–p95 (default) or min–max (few values). */
  spread?: 'p5-p95' | 'min-max';
  note?: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  rows: Row[];
  targets: TargetCheck[];
  /** Everything measured, for the JSON file. */
  data: Record<string, unknown>;
  /** Wall time of the whole scenario, setup included (s). */
  seconds?: number;
}

export interface Scenario {
  name: string;
  title: string;
  /** One line for --help: what it measures and its default sizes. */
  help: string;
  run(options: BenchOptions): Promise<ScenarioResult>;
}

/** `12.3` with a unit, rounded for display. */
export function figure(value: number, unit: string): string {
  return `${round(value)}${unit === '×' ? '×' : ` ${unit}`}`;
}
