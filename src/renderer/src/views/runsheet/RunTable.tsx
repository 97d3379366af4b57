// The runs of the experiment as a table (TanStack Table): number, class, title, start, stop and
// duration, config (with its hash, "config changed" and files changed during the run), what its
// data routers wrote (size, files, mean rate: stored at its Stop), then one column per observable
// in display order. Newest first; a header button sorts by its column. The run number is the
// button that opens the run in the form. A run's shift notes are shown in a row of their own under it.
import {
  createColumnHelper,
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  useTable,
  type SortingState,
} from '@tanstack/react-table';
import { ArrowDownWideNarrow, ArrowUpDown, ArrowUpNarrowWide } from 'lucide-react';
import { Fragment, memo, useMemo, useState } from 'react';
import type { Observable, Run, ShiftNote } from '../../../../shared/domain';
import { cx } from '../../components/cx';
import { formatBytes, formatRate } from '../../components/data-units';
import { formatDateTime, formatDuration, useNow } from '../../components/time';
import { NoteEntry } from '../notes/NotesView';
import { ConfigMark } from './ConfigMark';
import { observableHeading, runDurationMs, valueText } from './format';
import styles from './runsheet.module.css';

interface ColumnMeta {
  numeric?: boolean;
  /** The cell that names the row (a <th scope="row">). */
  rowHeader?: boolean;
  className?: string;
}

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
  columnMeta: {} as ColumnMeta,
});
const helper = createColumnHelper<typeof features, Run>();

/** The duration of a run still going, ticking with the local clock (the run itself is pushed). */
function LiveDuration({ startTime }: { startTime: string }) {
  const now = useNow(1000);
  return <>{formatDuration(runDurationMs({ startTime, stopTime: null }, now))}</>;
}

/** The start, and the checklist items an operator overrode to start it (kept with the run). */
function StartCell({ run }: { run: Run }) {
  const overridden = run.startChecklist.filter((i) => i.override !== null);
  return (
    <>
      <time dateTime={run.startTime}>{formatDateTime(run.startTime)}</time>
      {overridden.length > 0 ? (
        <div className={styles.unstopped} title={overridden.map((i) => `${i.label}: ${i.override?.reason ?? ''} (${i.override?.by ?? ''})`).join('\n')}>
          {overridden.length} checklist item{overridden.length === 1 ? '' : 's'} overridden
        </div>
      ) : null}
    </>
  );
}

function StopCell({ run, currentRunId }: { run: Run; currentRunId: number | null }) {
  if (run.stopTime !== null) {
    return (
      <>
        <time dateTime={run.stopTime}>{formatDateTime(run.stopTime)}</time>{' '}
        <span className="muted">({formatDuration(runDurationMs(run, 0))})</span>
        {run.stopUnconfirmed.length > 0 ? (
          <div className={styles.unstopped}>Stopped without {run.stopUnconfirmed.join(', ')} (not answering)</div>
        ) : null}
      </>
    );
  }
  if (run.id === currentRunId) {
    return (
      <span className={styles.running}>
        <span aria-hidden="true">● </span>Running <LiveDuration startTime={run.startTime} />
      </span>
    );
  }
  return <span className={styles.unstopped}>No stop time</span>;
}

interface RunTableProps {
  experimentName: string;
  /** Newest first. */
  runs: Run[];
  observables: Observable[];
  currentRunId: number | null;
  selectedRunId: number | null;
  onSelect: (run: Run) => void;
  /** The shift notes about each run, by run number, oldest first. */
  notesByRun: ReadonlyMap<number, ShiftNote[]>;
}

/** Memoized: a push that changed nothing it shows (runs, observables) leaves it alone. */
export const RunTable = memo(function RunTable({ experimentName, runs, observables, currentRunId, selectedRunId, onSelect, notesByRun }: RunTableProps) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'number', desc: true }]);

  const columns = useMemo(
    () =>
      helper.columns([
      helper.accessor('number', {
        header: 'Run',
        sortFn: 'basic',
        sortDescFirst: true,
        meta: { numeric: true, rowHeader: true },
        cell: (info) => {
          const run = info.row.original;
          return (
            <button
              type="button"
              className={styles.runButton}
              aria-label={`Run ${run.number}`}
              aria-pressed={run.id === selectedRunId}
              onClick={() => onSelect(run)}
            >
              {run.number}
            </button>
          );
        },
      }),
      helper.accessor('runClass', { header: 'Class', sortFn: 'alphanumeric' }),
      helper.accessor('title', {
        header: 'Title',
        sortFn: 'alphanumeric',
        meta: { className: styles.title },
        cell: (info) => info.getValue() || <span className={styles.empty}>no title</span>,
      }),
      helper.accessor('startTime', {
        header: 'Start',
        sortFn: 'alphanumeric',
        cell: (info) => <StartCell run={info.row.original} />,
      }),
      // ISO times sort as text; a run without a stop time is the latest.
      helper.accessor((run) => run.stopTime ?? '\uffff', {
        id: 'stop',
        header: 'Stop (duration)',
        sortFn: 'basic',
        cell: (info) => <StopCell run={info.row.original} currentRunId={currentRunId} />,
      }),
      helper.accessor('configName', {
        header: 'Config',
        sortFn: 'alphanumeric',
        cell: (info) => (
          <>
            {info.getValue()} <ConfigMark run={info.row.original} />
          </>
        ),
      }),
      // Stored at Stop, then settled router by router by its manifest; a run going, or stopped
      // with nothing read and no manifest yet, has none (sorted first).
      helper.accessor((run) => run.dataFlow?.bytes ?? -1, {
        id: 'size',
        header: 'Size',
        sortFn: 'basic',
        meta: { numeric: true },
        cell: (info) => {
          const flow = info.row.original.dataFlow;
          if (!flow) return <span className={styles.empty}>—</span>;
          const routers = flow.routers.map(
            (r) =>
              `${r.name}: ${formatBytes(r.bytes)}, ${r.files} files${r.manifestAt !== null ? ' (its manifest)' : r.current ? ' (as read at Stop)' : ` (as of ${r.readAt ?? 'no reading'})`}`,
          );
          return <span title={routers.join('\n')}>{formatBytes(flow.bytes)}</span>;
        },
      }),
      helper.accessor((run) => run.dataFlow?.files ?? -1, {
        id: 'files',
        header: 'Files',
        sortFn: 'basic',
        meta: { numeric: true },
        cell: (info) => info.row.original.dataFlow?.files ?? <span className={styles.empty}>—</span>,
      }),
      helper.accessor((run) => run.dataFlow?.meanMBps ?? -1, {
        id: 'meanRate',
        header: 'Mean rate',
        sortFn: 'basic',
        meta: { numeric: true },
        cell: (info) => {
          const flow = info.row.original.dataFlow;
          return flow ? formatRate(flow.meanMBps) : <span className={styles.empty}>—</span>;
        },
      }),
      ...observables.map((observable) =>
        helper.accessor((run) => run.measurements[observable.id] ?? undefined, {
          id: `observable-${observable.id}`,
          header: observableHeading(observable),
          sortFn: observable.valueType === 'string' ? 'alphanumeric' : 'basic',
          sortUndefined: 'last',
          meta: { numeric: observable.valueType !== 'string' },
          cell: (info) => valueText(info.getValue()),
        }),
      ),
      ]),
    [observables, currentRunId, selectedRunId, onSelect],
  );

  const table = useTable({ features, columns, data: runs, state: { sorting }, onSortingChange: setSorting });
  const columnCount = columns.length;

  return (
    <div className={styles.tableWrap}>
      <table className={styles.runs} aria-label={`Runs of ${experimentName}`}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const sorted = header.column.getIsSorted();
                const Icon = sorted === 'asc' ? ArrowUpNarrowWide : sorted === 'desc' ? ArrowDownWideNarrow : ArrowUpDown;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={cx(meta?.numeric && 'num')}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  >
                    <button
                      type="button"
                      className={styles.sortButton}
                      onClick={header.column.getToggleSortingHandler()}
                      title="Sort by this column"
                    >
                      <table.FlexRender header={header} />
                      <Icon size={14} aria-hidden="true" />
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {runs.length === 0 ? (
            <tr>
              <td colSpan={columnCount} className={styles.empty}>
                No runs yet: Start all records one.
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => {
              const notes = notesByRun.get(row.original.number);
              return (
                <Fragment key={row.id}>
                  <tr className={cx(row.original.id === selectedRunId && styles.selected)}>
                    {row.getAllCells().map((cell) => {
                      const meta = cell.column.columnDef.meta;
                      const className = cx(meta?.numeric && 'num', meta?.className);
                      return meta?.rowHeader ? (
                        <th key={cell.id} scope="row" className={className}>
                          <table.FlexRender cell={cell} />
                        </th>
                      ) : (
                        <td key={cell.id} className={className}>
                          <table.FlexRender cell={cell} />
                        </td>
                      );
                    })}
                  </tr>
                  {notes ? (
                    <tr className={styles.notesRow}>
                      <td colSpan={columnCount}>
                        <ol className="notes" aria-label={`Notes of run ${row.original.number}`}>
                          {notes.map((note) => (
                            <NoteEntry key={note.id} note={note} />
                          ))}
                        </ol>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
});
