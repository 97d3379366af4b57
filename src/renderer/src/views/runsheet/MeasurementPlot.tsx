// One numeric observable against run number, drawn by uPlot on a canvas. The figure says in
// words what the canvas shows, and carries what uPlot was given (`data-points`: the runs with a
// value) for tests and tools; the values themselves are in the runs table.
import { ChartLine } from 'lucide-react';
import { memo, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Observable, Run } from '../../../../shared/domain';
import { cssColour, subscribeTheme, themeSnapshot } from '../../components/plot-theme';
import { isNumeric, observableHeading } from './format';
import styles from './runsheet.module.css';

const HEIGHT = 260;

function plotOptions(observable: Observable, width: number): uPlot.Options {
  const text = cssColour('--text-muted', '#9aa6b2');
  const grid = cssColour('--border', '#323a44');
  const line = cssColour('--accent', '#5fb3ff');
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
    // Half a run of room on either side, so that the first and last points are not on the frame.
    scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: 'Run' },
      {
        label: observableHeading(observable),
        stroke: line,
        width: 2,
        spanGaps: false,
        // Each run's point, until there are too many to tell apart.
        points: { show: (u) => (u.data[0]?.length ?? 0) <= 300, size: 7, stroke: line, fill: line },
      },
    ],
    axes: [
      // Runs are whole numbers: no ticks between them.
      { ...axis('Run'), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], values: (_u, splits) => splits.map((n) => String(n)) },
      axis(observableHeading(observable)),
    ],
  };
}

function plotData(runs: readonly Run[], observable: Observable): uPlot.AlignedData {
  const ordered = [...runs].sort((a, b) => a.number - b.number);
  const values = ordered.map((run) => {
    const value = run.measurements[observable.id];
    return typeof value === 'number' ? value : null;
  });
  return [ordered.map((run) => run.number), values];
}

function pointCount(data: uPlot.AlignedData): number {
  return (data[1] ?? []).filter((value) => value !== null && value !== undefined).length;
}

/** Memoized: redrawn only when the runs or the observables changed, not on every push of the sheet. */
export const MeasurementPlot = memo(function MeasurementPlot({ runs, observables }: { runs: Run[]; observables: Observable[] }) {
  const numeric = useMemo(() => observables.filter(isNumeric), [observables]);
  const [chosenId, setChosenId] = useState<number | null>(null);
  const chosen = numeric.find((o) => o.id === chosenId) ?? numeric[0];
  const chooserId = useId();

  return (
    <section className="panel" aria-labelledby="plot-heading">
      <div className={styles.panelHead}>
        <h3 id="plot-heading">
          <ChartLine size={16} aria-hidden="true" /> Measurements against run number
        </h3>
      </div>
      {chosen ? (
        <>
          <div className={styles.plotControls}>
            <label htmlFor={chooserId}>Observable to plot</label>
            <select id={chooserId} value={chosen.id} onChange={(event) => setChosenId(Number(event.target.value))}>
              {numeric.map((observable) => (
                <option key={observable.id} value={observable.id}>
                  {observableHeading(observable)}
                </option>
              ))}
            </select>
          </div>
          <Plot runs={runs} observable={chosen} />
        </>
      ) : (
        <p className={styles.hint}>Add a numeric observable (a whole number or a number) to plot it against run number.</p>
      )}
    </section>
  );
});

function Plot({ runs, observable }: { runs: Run[]; observable: Observable }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useSyncExternalStore(subscribeTheme, themeSnapshot);
  const data = useMemo(() => plotData(runs, observable), [runs, observable]);
  const latestData = useRef(data);
  const captionId = useId();

  // A new chart when what it draws or its colours change; new data alone is set below.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(plotOptions(observable, Math.max(element.clientWidth, 200)), latestData.current, element);
    plot.current = chart;
    element.dataset.points = String(pointCount(chart.data));
    const resize = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 200);
      if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [observable, theme]);

  useEffect(() => {
    latestData.current = data;
    const chart = plot.current;
    if (!chart || !container.current) return;
    chart.setData(data);
    container.current.dataset.points = String(pointCount(chart.data));
  }, [data]);

  const count = pointCount(data);
  const values = (data[1] ?? []).filter((v): v is number => typeof v === 'number');
  const summary =
    count === 0
      ? `No run has a value for ${observable.name} yet.`
      : `${count} ${count === 1 ? 'run has' : 'runs have'} a value for ${observable.name}, from ${Math.min(...values)} to ${Math.max(...values)}${
          observable.units ? ` ${observable.units}` : ''
        }.`;

  return (
    <figure className={styles.plot} aria-labelledby={captionId}>
      <div ref={container} className={styles.plotCanvas} data-observable={observable.name} />
      <figcaption id={captionId}>
        {observableHeading(observable)} against run number. {summary}
      </figcaption>
    </figure>
  );
}
