// The audit trail: every change someone asked for (the application's own actions are in the
// log), with who (the operating-system user), from where, and how it ended; filtered by action.
import { useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { CircleCheck, OctagonX } from 'lucide-react';
import { OPERATION_NAMES, isQuery } from '../../../../shared/api/contract';
import type { AuditEntry } from '../../../../shared/domain';
import { FormError } from '../../components/Field';
import { EntryTable, EntryTime, FilterSelect, PageSizeSelect, Pager, usePagedEntries, type EntryFeatures } from './EntryTable';

/** Every action the trail can hold: the API's mutations. */
const ACTIONS = OPERATION_NAMES.filter((name) => !isQuery(name)).sort();

function Result({ result }: { result: string }) {
  if (result === 'ok') {
    return (
      <span className="result result-ok">
        <CircleCheck aria-hidden="true" size={15} /> ok
      </span>
    );
  }
  return (
    <span className="result result-refused">
      <OctagonX aria-hidden="true" size={15} /> {result}
    </span>
  );
}

const column = createColumnHelper<EntryFeatures, AuditEntry>();
const COLUMNS = column.columns([
  column.accessor('time', { header: 'Time', cell: (info) => <EntryTime iso={info.getValue()} />, sortDescFirst: true }),
  column.accessor('osUser', { header: 'OS user', sortFn: 'text' }),
  column.accessor('origin', { header: 'Origin', sortFn: 'text', cell: (info) => <span className="mono">{info.getValue()}</span> }),
  column.accessor('action', { header: 'Action', sortFn: 'text', cell: (info) => <span className="mono">{info.getValue()}</span> }),
  column.accessor('target', { header: 'Target', sortFn: 'alphanumeric' }),
  column.accessor('result', {
    header: 'Result',
    // Refusals first when descending: "ok" sorts as the lowest.
    sortFn: (a, b) => Number(a.original.result !== 'ok') - Number(b.original.result !== 'ok'),
    cell: (info) => <Result result={info.getValue()} />,
  }),
]);

const NO_ENTRIES: AuditEntry[] = [];

export function AuditView() {
  const [action, setAction] = useState('');
  const [limit, setLimit] = useState<number>(50);
  const filter = { action: action === '' ? undefined : action, limit };
  const { pages, page, error, loading } = usePagedEntries('audit.list', filter);

  return (
    <section className="entries-view" aria-labelledby="audit-heading">
      <div className="section-head">
        <h2 id="audit-heading">Audit trail</h2>
      </div>
      <p className="panel-note">
        Every change asked of the application, accepted or refused: when, the operating-system user, where the call came
        from (ipc: this computer&apos;s window; http: a browser or script and its address), what, and how it ended.
      </p>
      <form className="filters" aria-label="Audit filters" onSubmit={(event) => event.preventDefault()}>
        <FilterSelect id="audit-action" label="Action" value={action} onChange={(event) => setAction(event.target.value)}>
          <option value="">All actions</option>
          {ACTIONS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </FilterSelect>
        <PageSizeSelect id="audit-limit" limit={limit} onChange={setLimit} />
      </form>
      <FormError message={error ? `Cannot read the audit trail: ${error.message}` : undefined} />
      <Pager what="audit entries" pages={pages} page={page} limit={limit} loading={loading} />
      <div className="table-scroll">
        <EntryTable
          labelledBy="audit-heading"
          columns={COLUMNS}
          data={page?.items ?? NO_ENTRIES}
          empty={loading && !page ? 'Loading the audit trail…' : 'No actions recorded match this filter'}
          rowClassName={(entry) => (entry.result === 'ok' ? undefined : 'row-refused')}
        />
      </div>
    </section>
  );
}
