// The rate plot of the current run: MB/s of each data router against the time since the run
// started, one line per router, drawn by uPlot from `dataFlow.plot` (pushed at every round of
// readings; the main process keeps the whole run in at most 1000 points). It can be hidden,
// remembered on this workstation; hidden, it does not subscribe. The figure carries what uPlot
// was given (`data-routers`, `data-points`) for tests and tools.
import { ChartLine } from 'lucide-react';
import { memo, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DataFlowPlot as Plot } from '../../../../shared/api/contract';
import { useSubscription } from '../../api/hooks';
import { cssColour, subscribeTheme, themeSnapshot } from '../../components/plot-theme';
import { formatSeconds } from '../../components/data-units';
import styles from './status.module.css';

const HEIGHT = 240;
const HIDDEN_KEY = 'attpc-daq.dataFlowPlot.hidden';
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

function savedHidden(): boolean {
  try {
    return window.localStorage.getItem(HIDDEN_KEY) === 'true';
  } catch {
    return false;
  }
}

/** Distinct colours for any number of routers: hues a golden angle apart, light or dark for the theme. */
function lineColour(index: number, theme: string): string {
  return `hsl(${Math.round((index * 137.5 + 205) % 360)} 70% ${theme === 'light' ? 38 : 62}%)`;
}

function plotOptions(plot: Plot, width: number, theme: string): uPlot.Options {
  const text = cssColour('--text-muted', '#9aa6b2');
  const grid = cssColour('--border', '#323a44');
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: text,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: '13px system-ui, sans-serif',
    labelFont: '13px system-ui, sans-serif',
  });
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max * 1.1, 0.1)] } },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: 'Since start', value: (_u, v) => (v === null ? '—' : formatSeconds(v)) },
      ...plot.routers.map((router, i) => ({
        label: router.name,
        stroke: lineColour(i, theme),
        width: 2,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(2)} MB/s`),
      })),
    ],
    axes: [
      // Whole seconds to hours, so that no two ticks read alike (h:mm:ss has no fractions).
      { ...axis('Time since the run started'), incrs: TIME_STEPS, values: (_u, splits) => splits.map((s) => formatSeconds(s)) },
      axis('MB/s'),
    ],
  };
}

function plotData(plot: Plot): uPlot.AlignedData {
  return [plot.seconds, ...plot.routers.map((r) => r.rateMBps)];
}

export function DataFlowPlot({ runGoing }: { runGoing: boolean }) {
  const [hidden, setHidden] = useState(savedHidden);
  const toggle = () => {
    const next = !hidden;
    try {
      window.localStorage.setItem(HIDDEN_KEY, String(next));
    } catch {
      // Not remembered then; the button still works.
    }
    setHidden(next);
  };
  return (
    <section className="panel" aria-labelledby="flow-plot-heading">
      <div className={styles.plotHead}>
        <h3 id="flow-plot-heading" className={styles.panelTitle}>
          <ChartLine size={16} aria-hidden="true" /> Data rate per router
        </h3>
        <button type="button" aria-expanded={!hidden} aria-controls="flow-plot" onClick={toggle}>
          {hidden ? 'Show the rate plot' : 'Hide the rate plot'}
        </button>
      </div>
      {hidden ? null : <LivePlot runGoing={runGoing} />}
    </section>
  );
}

function LivePlot({ runGoing }: { runGoing: boolean }) {
  const plot = useSubscription('dataFlow.plot', {}).data;
  if (!plot || plot.runId === null) {
    return (
      <p id="flow-plot" className={styles.sub}>
        {runGoing ? 'The first readings come within seconds.' : 'No run has been read since the application started: the plot shows the next run.'}
      </p>
    );
  }
  return <Chart plot={plot} runGoing={runGoing} />;
}

/** Memoized on the plot pushed: a push of the same plot draws nothing. */
const Chart = memo(function Chart({ plot, runGoing }: { plot: Plot; runGoing: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const theme = useSyncExternalStore(subscribeTheme, themeSnapshot);
  const data = useMemo(() => plotData(plot), [plot]);
  const latest = useRef({ plot, data });
  const captionId = useId();
  // New points go to the chart there is (declared first: a chart made below, after a change of
  // shape, starts from these; the old one is destroyed before either runs).
  useEffect(() => {
    latest.current = { plot, data };
    chart.current?.setData(data);
  }, [plot, data]);
  // A new chart for another run, other routers or another theme.
  const shape = `${plot.runId} ${plot.routers.map((r) => `${r.id}:${r.name}`).join(',')}`;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const made = new uPlot(plotOptions(latest.current.plot, Math.max(element.clientWidth, 200), theme), latest.current.data, element);
    chart.current = made;
    const resize = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 200);
      if (width !== made.width) made.setSize({ width, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [shape, theme]);

  const last = plot.seconds.at(-1);
  const summary =
    last === undefined
      ? 'No reading yet.'
      : `${plot.seconds.length} point${plot.seconds.length === 1 ? '' : 's'} over ${formatSeconds(last)}${plot.roundsPerPoint > 1 ? `, each the mean of ${plot.roundsPerPoint} readings` : ''}.`;
  return (
    <figure id="flow-plot" className={styles.plot} aria-labelledby={captionId}>
      <div ref={container} className={styles.plotCanvas} data-routers={plot.routers.length} data-points={plot.seconds.length} />
      <figcaption id={captionId}>
        MB/s of each data router against the time since run {plot.runNumber} started{runGoing ? '' : ' (stopped)'}. {summary}
      </figcaption>
    </figure>
  );
});
