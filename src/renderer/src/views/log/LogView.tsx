// The application's log: what it saw happen (ECC servers, SSH checks, runs), newest first and
// live on the first page; filtered by level, source and experiment; paged; cleared on request.
import { useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { Eraser } from 'lucide-react';
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../../../shared/domain';
import { useMutation, useSubscription } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { FormError, FormSuccess } from '../../components/Field';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { plural } from '../../components/counts';
import { LevelBadge } from '../../components/LevelBadge';
import { Repeats } from '../../components/Repeats';
import { EntryTable, EntryTime, FilterSelect, PageSizeSelect, Pager, usePagedEntries, type EntryFeatures } from './EntryTable';

const SEVERITY: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

const column = createColumnHelper<EntryFeatures, LogEntry>();
const COLUMNS = column.columns([
  column.accessor('time', { header: 'Time', cell: (info) => <EntryTime iso={info.getValue()} />, sortDescFirst: true }),
  column.accessor('level', {
    header: 'Level',
    cell: (info) => <LevelBadge level={info.getValue()} />,
    sortFn: (a, b) => SEVERITY[a.original.level] - SEVERITY[b.original.level],
    sortDescFirst: true,
  }),
  column.accessor('source', { header: 'Source', sortFn: 'text' }),
  column.accessor('subject', { header: 'Subject', sortFn: 'alphanumeric' }),
  column.accessor('message', {
    header: 'Message',
    enableSorting: false,
    cell: (info) => {
      const entry = info.row.original;
      if (!entry.details) {
        return (
          <span className="log-message">
            {entry.message} <Repeats entry={entry} />
          </span>
        );
      }
      return (
        <details className="log-details">
          <summary className="log-message">
            {entry.message} <Repeats entry={entry} />
          </summary>
          <pre>{entry.details}</pre>
        </details>
      );
    },
  }),
]);

export function LogView() {
  const readOnly = useReadOnly();
  const [levels, setLevels] = useState<LogLevel[]>([...LOG_LEVELS]);
  const [source, setSource] = useState('');
  const [experimentId, setExperimentId] = useState('');
  const [limit, setLimit] = useState<number>(50);
  const [done, setDone] = useState<string | undefined>(undefined);
  const { data: sources } = useSubscription('log.sources', {});
  const { data: experiments } = useSubscription('experiments.list', {});
  const clear = useMutation('log.clear');

  const filter = {
    levels: levels.length === LOG_LEVELS.length ? undefined : levels,
    source: source === '' ? undefined : source,
    experimentId: experimentId === '' ? undefined : Number(experimentId),
    limit,
  };
  const { pages, page, error, loading } = usePagedEntries('log.list', filter);
  const experimentName = experiments?.find((experiment) => String(experiment.id) === experimentId)?.name;
  const sourceOptions = sources && source !== '' && !sources.includes(source) ? [...sources, source] : (sources ?? []);

  return (
    <section className="entries-view" aria-labelledby="log-heading">
      <div className="section-head">
        <h2 id="log-heading">Log</h2>
        <div className="section-actions">
          <FormSuccess message={done} />
          <ConfirmDialog
            trigger={
              <>
                <Eraser aria-hidden="true" size={16} /> Clear the log…
              </>
            }
            disabled={readOnly}
            title={experimentName ? `Clear the log of ${experimentName}?` : 'Clear the whole log?'}
            description={
              <>
                <p>
                  {experimentName
                    ? `Every log entry of experiment ${experimentName} is deleted.`
                    : 'Every log entry, of every experiment and of the application itself, is deleted.'}{' '}
                  This cannot be undone; the audit trail keeps a record of the clearing.
                </p>
                {filter.levels || filter.source ? <p>The level and source filters do not limit what is cleared.</p> : null}
              </>
            }
            confirm="Clear the log"
            destructive
            pending={clear.pending}
            error={clear.error?.message}
            onOpenChange={(open) => {
              clear.reset();
              if (open) setDone(undefined);
            }}
            onConfirm={async () => {
              const result = await clear.run(filter.experimentId === undefined ? {} : { experimentId: filter.experimentId });
              if (!result) return false;
              setDone(`Cleared ${plural(result.deleted, 'log entry', 'log entries')}.`);
              pages.newest();
              return true;
            }}
          />
        </div>
      </div>

      <form className="filters" aria-label="Log filters" onSubmit={(event) => event.preventDefault()}>
        <fieldset className="filter-levels">
          <legend>Levels</legend>
          {LOG_LEVELS.map((level) => (
            <label key={level} className="filter-check">
              <input
                type="checkbox"
                checked={levels.includes(level)}
                onChange={(event) =>
                  setLevels((previous) =>
                    event.target.checked ? LOG_LEVELS.filter((l) => l === level || previous.includes(l)) : previous.filter((l) => l !== level),
                  )
                }
              />
              <LevelBadge level={level} />
            </label>
          ))}
        </fieldset>
        <FilterSelect id="log-source" label="Source" value={source} onChange={(event) => setSource(event.target.value)}>
          <option value="">All sources</option>
          {sourceOptions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect id="log-experiment" label="Experiment" value={experimentId} onChange={(event) => setExperimentId(event.target.value)}>
          <option value="">All experiments</option>
          {(experiments ?? []).map((experiment) => (
            <option key={experiment.id} value={experiment.id}>
              {experiment.name}
              {experiment.active ? ' (active)' : ''}
            </option>
          ))}
        </FilterSelect>
        <PageSizeSelect id="log-limit" limit={limit} onChange={setLimit} />
      </form>
      {levels.length === 0 ? <p className="panel-note">Choose at least one level to see entries.</p> : null}
      <FormError message={error ? `Cannot read the log: ${error.message}` : undefined} />

      <Pager what="log entries" pages={pages} page={page} limit={limit} loading={loading} />
      <div className="table-scroll">
        <EntryTable
          labelledBy="log-heading"
          columns={COLUMNS}
          data={page?.items ?? NO_ENTRIES}
          empty={loading && !page ? 'Loading the log…' : 'No log entries match these filters'}
          rowClassName={(entry) => `row-${entry.level}`}
        />
      </div>
      <p className="panel-note">Sorting by a column orders the page shown; pages go from the newest entry to the oldest.</p>
    </section>
  );
}

const NO_ENTRIES: LogEntry[] = [];
