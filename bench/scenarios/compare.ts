// Scenario: comparing two runs' configs (runs.compare). The side-by-side diff of two GET config
// files of the AT-TPC's size (a prepare file of 4 AsAd × 4 AGET × 68 channels: about 5,500 lines,
// 190 kB) is timed for one threshold changed, 100 changed, and every one changed. Measured: the
// time the diff takes where it is computed, and the main thread's event-loop delay while the
// product's SSH gateway computes it in its worker threads (what an operator's screen waits), next
// to the delay if it were computed in the main thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sideBySide, type DiffLimits } from '../../src/main/diff/side-by-side';
import { createSshGateway } from '../../src/main/worker-node/ssh-pool';
import { figure, type BenchOptions, type Row, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario';
import { round, rounded, summarize } from '../lib/stats';

const DEFAULT_ROUNDS = 20;
/** The comparison's own limits (src/main/runs/compare.ts). */
const LIMITS: DiffLimits = { maxEditLength: 5_000, timeoutMs: 500 };
const RESOLUTION_MS = 1;
const TARGET_P99_MS = 20;

/** A prepare file of the AT-TPC's GET electronics, one threshold per channel. */
function prepareFile(threshold: (channel: number) => number): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<Setup id="prepare-cobo">', '  <Node id="CoBo">'];
  let channel = 0;
  for (let asad = 0; asad < 4; asad++) {
    lines.push(`    <AsAd id="${asad}">`);
    for (let aget = 0; aget < 4; aget++) {
      lines.push(`      <Aget id="${aget}">`);
      for (let ch = 0; ch < 68; ch++, channel++) {
        lines.push(`        <channel id="${ch}">`, `          <LSBThreshold>${threshold(channel)}</LSBThreshold>`, '          <isActive>true</isActive>', '          <TriggerInhibition>none</TriggerInhibition>', '        </channel>');
      }
      lines.push('      </Aget>');
    }
    lines.push('    </AsAd>');
  }
  lines.push('  </Node>', '</Setup>', '');
  return lines.join('\n');
}

const CASES: { name: string; threshold: (channel: number) => number }[] = [
  { name: 'one threshold changed', threshold: (c) => (c === 500 ? 6 : 5) },
  { name: '100 thresholds changed', threshold: (c) => (c % 11 === 0 ? 6 : 5) },
  { name: 'every threshold changed', threshold: () => 6 },
];

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const before = prepareFile(() => 5);
  const dataDir = mkdtempSync(join(tmpdir(), 'daq-bench-compare-'));
  const gateway = createSshGateway({ connect: { dataDir } });
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  const data: Record<string, unknown> = { lines: before.split('\n').length - 1, bytes: before.length, rounds, limits: LIMITS, cases: [] as unknown[] };
  try {
    // The worker thread starts at the first task: not part of any figure.
    await gateway.diffTexts({ a: before, b: before, diff: LIMITS });
    for (const c of CASES) {
      const after = prepareFile(c.threshold);
      const inMain: number[] = [];
      let shown = 0;
      for (let i = 0; i < rounds; i++) {
        const start = performance.now();
        shown = sideBySide(before, after, LIMITS)?.rows.length ?? -1;
        inMain.push(performance.now() - start);
      }
      const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      const inWorker: number[] = [];
      histogram.enable();
      for (let i = 0; i < rounds; i++) {
        const start = performance.now();
        await gateway.diffTexts({ a: before, b: after, diff: LIMITS });
        inWorker.push(performance.now() - start);
      }
      histogram.disable();
      const main = rounded(summarize(inMain));
      const worker = rounded(summarize(inWorker));
      const delayP99 = histogram.percentile(99) / 1e6;
      const delayMax = histogram.max / 1e6;
      options.log(
        `  ${c.name}: ${shown < 0 ? 'too many changes to show' : `${shown} rows`}; in the main thread ${figure(main.median, 'ms')} (max ${figure(main.max, 'ms')}); ` +
          `through the worker threads ${figure(worker.median, 'ms')}, event-loop delay p99 ${figure(delayP99, 'ms')}, max ${figure(delayMax, 'ms')}`,
      );
      rows.push(
        { measure: `diff, ${c.name}: if in the main thread`, unit: 'ms', summary: main, spread: 'min-max', note: shown < 0 ? 'given up (limits)' : `${shown} rows` },
        { measure: `diff, ${c.name}: in the worker threads (call)`, unit: 'ms', summary: worker, spread: 'min-max' },
        { measure: `event-loop delay p99 meanwhile, ${c.name}`, unit: 'ms', value: delayP99, note: `max ${round(delayMax)} ms` },
      );
      targets.push({ what: `event-loop delay p99 while diffing, ${c.name}`, target: `≤ ${TARGET_P99_MS} ms`, measured: figure(delayP99, 'ms'), met: delayP99 <= TARGET_P99_MS });
      (data.cases as unknown[]).push({ name: c.name, rows: shown, mainThreadMs: main, workerCallMs: worker, eventLoopDelayMs: { p99: round(delayP99), max: round(delayMax) } });
    }
  } finally {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { name: 'compare', title: "Comparing two runs' configs", rows, targets, data };
}

export const compare: Scenario = {
  name: 'compare',
  title: "Comparing two runs' configs",
  help: `side-by-side diffs of two 5,500-line config files, in the worker threads (--rounds ${DEFAULT_ROUNDS})`,
  run,
};
