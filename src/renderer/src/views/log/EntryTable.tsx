// The tables of the log and audit pages: sortable columns (TanStack Table, within the page shown)
// over pages read from the server newest first, a page at a time (`beforeId`), the pager, and
// the filters' select fields.
import { useState, type ChangeEvent, type ReactNode } from 'react';
import {
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight, ChevronsLeft } from 'lucide-react';
import type { InputOf, OutputOf } from '../../../../shared/api/contract';
import type { Page } from '../../../../shared/domain';
import { useSubscription } from '../../api/hooks';
import { formatDateTime } from '../../components/time';

export const entryFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, basic: sortFn_basic },
});
export type EntryFeatures = typeof entryFeatures;

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/** A time as people in the control room read it: local, to the second; the full ISO time on hover. */
export function EntryTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso)}
    </time>
  );
}

function SortIcon({ direction }: { direction: false | 'asc' | 'desc' }) {
  if (direction === 'asc') return <ArrowUp aria-hidden="true" size={14} />;
  if (direction === 'desc') return <ArrowDown aria-hidden="true" size={14} />;
  return <ArrowUpDown aria-hidden="true" size={14} className="sort-idle" />;
}

interface EntryTableProps<T extends { id: number }> {
  /** The id of the heading that names the table. */
  labelledBy: string;
  // Stable (module scope): TanStack rebuilds its models when columns change.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each column has its own value type
  columns: readonly ColumnDef<EntryFeatures, T, any>[];
  data: readonly T[];
  empty: string;
  rowClassName?: (row: T) => string | undefined;
}

export function EntryTable<T extends { id: number }>({ labelledBy, columns, data, empty, rowClassName }: EntryTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useTable({
    features: entryFeatures,
    columns: columns as ColumnDef<EntryFeatures, T, unknown>[],
    data: data as T[],
    state: { sorting },
    onSortingChange: setSorting,
    getRowId: (row) => String(row.id),
  });
  const rows = table.getRowModel().rows;
  return (
    <table aria-labelledby={labelledBy} className="entries">
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => {
              const direction = header.column.getIsSorted();
              const canSort = header.column.getCanSort();
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : canSort ? 'none' : undefined}
                >
                  {header.isPlaceholder ? null : canSort ? (
                    <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                      <table.FlexRender header={header} />
                      <SortIcon direction={direction} />
                    </button>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className="empty">
              {empty}
            </td>
          </tr>
        ) : null}
        {rows.map((row) => (
          <tr key={row.id} className={rowClassName?.(row.original)}>
            {row.getAllCells().map((cell) => (
              <td key={cell.id}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Pages newest first: a stack of `beforeId`s, one per page shown so far. Any change of the
 * filters (`filterKey`) starts again at the newest page, which is the live one.
 */
export function usePages(filterKey: string) {
  const [state, setState] = useState<{ key: string; cursors: (number | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = state.key === filterKey ? state.cursors : [undefined];
  return {
    beforeId: cursors[cursors.length - 1],
    index: cursors.length - 1,
    older: (nextBeforeId: number) => setState({ key: filterKey, cursors: [...cursors, nextBeforeId] }),
    newer: () => setState({ key: filterKey, cursors: cursors.slice(0, -1) }),
    newest: () => setState({ key: filterKey, cursors: [undefined] }),
  };
}

/** The last page received, kept on screen while the next one loads (no blank flash). */
export function useLastPage<T>(page: Page<T> | undefined): Page<T> | undefined {
  const [last, setLast] = useState(page);
  if (page !== undefined && page !== last) setLast(page);
  return page ?? last;
}

type EntryList = 'log.list' | 'audit.list' | 'notes.list';
type EntryOf<K extends EntryList> = OutputOf<K> extends Page<infer T> ? T : never;

/** The page of `list` that the pager is on, live while it is the newest; the filters start it again. */
export function usePagedEntries<K extends EntryList>(list: K, filter: Omit<InputOf<K>, 'beforeId'>) {
  const pages = usePages(JSON.stringify(filter));
  const { data, error, loading } = useSubscription(list, { ...filter, beforeId: pages.beforeId } as InputOf<K>);
  const page = useLastPage(data as Page<EntryOf<K>> | undefined);
  return { pages, page, error, loading };
}

interface FilterSelectProps {
  id: string;
  label: string;
  value: string | number;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
  narrow?: boolean;
  children: ReactNode;
}

/** A filter above an entry table: a labelled select. */
export function FilterSelect({ id, label, value, onChange, narrow = false, children }: FilterSelectProps) {
  return (
    <div className={narrow ? 'field field-narrow' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={onChange}>
        {children}
      </select>
    </div>
  );
}

/** How many entries a page holds. */
export function PageSizeSelect({ id, limit, onChange }: { id: string; limit: number; onChange: (limit: number) => void }) {
  return (
    <FilterSelect id={id} label="Entries per page" value={limit} onChange={(event) => onChange(Number(event.target.value))} narrow>
      {PAGE_SIZES.map((size) => (
        <option key={size} value={size}>
          {size}
        </option>
      ))}
    </FilterSelect>
  );
}

interface PagerProps {
  what: string;
  pages: ReturnType<typeof usePages>;
  page: Page<unknown> | undefined;
  limit: number;
  loading: boolean;
}

export function Pager({ what, pages, page, limit, loading }: PagerProps) {
  const count = page?.items.length ?? 0;
  const first = pages.index * limit + 1;
  const position =
    count === 0
      ? `No ${what}`
      : `${what[0]?.toUpperCase()}${what.slice(1)} ${first}–${first + count - 1}${pages.index === 0 ? ', the newest (live)' : ''}`;
  return (
    <nav className="pager" aria-label={`Pages of the ${what}`}>
      <button type="button" className="button-quiet" disabled={pages.index === 0} onClick={pages.newest}>
        <ChevronsLeft aria-hidden="true" size={16} /> Newest
      </button>
      <button type="button" className="button-quiet" disabled={pages.index === 0} onClick={pages.newer}>
        <ChevronLeft aria-hidden="true" size={16} /> Newer
      </button>
      <span className="pager-position" role="status">
        Page {pages.index + 1} · {position}
        {loading ? ' · loading…' : ''}
      </span>
      <button
        type="button"
        className="button-quiet"
        disabled={!page || page.nextBeforeId === null || loading}
        onClick={() => {
          if (page?.nextBeforeId != null) pages.older(page.nextBeforeId);
        }}
      >
        Older <ChevronRight aria-hidden="true" size={16} />
      </button>
    </nav>
  );
}
