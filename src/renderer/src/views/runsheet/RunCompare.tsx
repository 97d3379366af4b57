// "Compare two runs" in the run sheet (runs.compare): pick two runs (the selected one and the run
// before it unless changed), and see per ECC server the set each was started with, whether its
// configID and data-link table were the same, which config files differ, and a side-by-side diff
// of each differing file as read from the two runs' backups. The comparison is a subscription
// opened by Compare: a backup job that ends meanwhile brings its diff.
import { GitCompare } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { ComparedFile, ComparedServer, ComparedServerSide, DiffRow, RunComparison } from '../../../../shared/api/contract';
import type { Run } from '../../../../shared/domain';
import { useSubscription } from '../../api/hooks';
import { FormError } from '../../components/Field';
import { plural } from '../../components/counts';
import styles from './runsheet.module.css';

function setText(side: ComparedServerSide | null): string {
  if (!side) return 'not in this run';
  const { describe, prepare, configure } = side.configSet;
  return describe === prepare && prepare === configure ? describe : `${describe}/${prepare}/${configure}`;
}

const ROW_CLASS: Record<DiffRow['kind'], string | undefined> = {
  same: undefined,
  changed: styles.diffChanged,
  removed: styles.diffRemoved,
  added: styles.diffAdded,
  skipped: styles.diffSkipped,
};

function FileDiff({ file, server, a, b }: { file: ComparedFile; server: string; a: number; b: number }) {
  const name = file.b?.name ?? file.a?.name ?? file.role;
  const renamed = file.a && file.b && file.a.name !== file.b.name ? `${file.a.name} → ${file.b.name}` : name;
  return (
    <div className={styles.fileDiff}>
      <h5>
        <span className="mono">{renamed}</span> of {server}{' '}
        {file.diff ? (
          <span className="muted">
            ({file.diff.removed} line{file.diff.removed === 1 ? '' : 's'} of run {a} and {file.diff.added} of run {b} differ)
          </span>
        ) : null}
      </h5>
      {file.notes.map((note) => (
        <p key={note} className={styles.hint}>
          {note}
        </p>
      ))}
      {file.problem !== null ? <p className={styles.mismatch}>No diff: {file.problem}</p> : null}
      {file.diff ? (
        <div className={styles.diffScroll}>
          <table className={styles.diff} aria-label={`Diff of ${name} of ${server}, run ${a} against run ${b}`}>
            <thead>
              <tr>
                <th scope="col" colSpan={2}>
                  Run {a}
                </th>
                <th scope="col" colSpan={2}>
                  Run {b}
                </th>
              </tr>
            </thead>
            <tbody>
              {file.diff.rows.map((row, index) =>
                row.kind === 'skipped' ? (
                  <tr key={index} className={ROW_CLASS.skipped}>
                    <td colSpan={4}>… {plural(row.skipped ?? 0, 'unchanged line')} …</td>
                  </tr>
                ) : (
                  <tr key={index} className={ROW_CLASS[row.kind]} data-kind={row.kind}>
                    <td className={styles.diffLine}>{row.a?.line ?? ''}</td>
                    <td className={styles.diffText}>{row.a?.text ?? ''}</td>
                    <td className={styles.diffLine}>{row.b?.line ?? ''}</td>
                    <td className={styles.diffText}>{row.b?.text ?? ''}</td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function ServerRows({ server }: { server: ComparedServer }) {
  const differing = server.files.filter((f) => f.same !== true);
  const same = (flag: boolean) => (flag ? 'same' : <span className={styles.configChanged}>differs</span>);
  return (
    <tr>
      <th scope="row">{server.eccServer}</th>
      <td className="mono">{setText(server.a)}</td>
      <td className="mono">{setText(server.b)}</td>
      <td>{server.a && server.b ? same(server.sameConfigId) : '—'}</td>
      <td>{server.a && server.b ? same(server.sameDataLinkTable) : '—'}</td>
      <td>
        {differing.length === 0 ? (
          'none'
        ) : (
          <span className={styles.configChanged}>{differing.map((f) => f.b?.name ?? f.a?.name ?? f.role).join(', ')}</span>
        )}
      </td>
    </tr>
  );
}

function Comparison({ a, b }: { a: number; b: number }) {
  const { data, error, loading } = useSubscription('runs.compare', { a, b });
  if (loading) return <p className="loading">Reading the configs of runs {a} and {b}…</p>;
  if (!data) return <FormError message={error?.message} />;
  return <ComparisonResult comparison={data} errorMessage={error?.message} />;
}

function ComparisonResult({ comparison, errorMessage }: { comparison: RunComparison; errorMessage: string | undefined }) {
  const { a, b } = comparison;
  const unrecorded = [a, b].filter((r) => !r.recorded).map((r) => r.runNumber);
  return (
    <div className={styles.comparison} aria-live="polite">
      <FormError message={errorMessage} />
      <p>
        Run {a.runNumber} against run {b.runNumber}:{' '}
        {comparison.differentFiles === 0 && comparison.differentSets === 0 ? (
          <span className={styles.verified}>the same configs</span>
        ) : (
          <span className={styles.configChanged}>
            {plural(comparison.differentFiles, 'config file')} differ{comparison.differentFiles === 1 ? 's' : ''}
            {comparison.differentSets > 0 ? `, ${plural(comparison.differentSets, 'server')} with another set` : ''}
          </span>
        )}
        {a.configHash !== null && b.configHash !== null ? (
          <span className="muted">
            {' '}
            (config hash <code>{a.configHash}</code> and <code>{b.configHash}</code>)
          </span>
        ) : null}
      </p>
      {unrecorded.length > 0 ? (
        <p className={styles.hint}>
          Run{unrecorded.length > 1 ? 's' : ''} {unrecorded.join(' and ')}: started before the application kept what each server was started with; nothing to compare.
        </p>
      ) : null}
      {comparison.servers.length > 0 ? (
        <table className={styles.compareTable} aria-label={`ECC servers of runs ${a.runNumber} and ${b.runNumber}`}>
          <thead>
            <tr>
              <th scope="col">ECC server</th>
              <th scope="col">Set at run {a.runNumber}</th>
              <th scope="col">Set at run {b.runNumber}</th>
              <th scope="col">configID</th>
              <th scope="col">Data-link table</th>
              <th scope="col">Files that differ</th>
            </tr>
          </thead>
          <tbody>
            {comparison.servers.map((server) => (
              <ServerRows key={server.eccServer} server={server} />
            ))}
          </tbody>
        </table>
      ) : null}
      {comparison.servers.flatMap((server) =>
        server.files
          .filter((file) => file.same !== true)
          .map((file) => <FileDiff key={`${server.eccServer}:${file.role}`} file={file} server={server.eccServer} a={a.runNumber} b={b.runNumber} />),
      )}
    </div>
  );
}

/**
 * `runs`: newest first; `selected` and `previous` give the two runs compared until others are
 * picked; `request` (from a run's "Compare with run N") picks two runs, compares them and brings
 * the panel into view.
 */
export function RunCompare({ runs, selected, previous, request }: { runs: Run[]; selected: Run | undefined; previous: Run | undefined; request: { a: number; b: number } | null }) {
  const [picked, setPicked] = useState<{ a: number | null; b: number | null }>({ a: null, b: null });
  const [shown, setShown] = useState<{ a: number; b: number } | null>(null);
  const panel = useRef<HTMLElement>(null);
  // A new request picks its runs at once (state adjusted while rendering, not in an effect).
  const [answered, setAnswered] = useState<{ a: number; b: number } | null>(null);
  if (request !== answered) {
    setAnswered(request);
    if (request) {
      setPicked(request);
      setShown(request);
    }
  }
  useEffect(() => {
    if (request) panel.current?.scrollIntoView({ block: 'start' });
  }, [request]);
  const b = picked.b ?? selected?.number ?? null;
  // The oldest run selected has no run before it: the next one is offered instead.
  const a = picked.a ?? previous?.number ?? runs.find((run) => run.number !== b)?.number ?? null;
  if (runs.length < 2) return null;
  const choose = (side: 'a' | 'b', value: string) => {
    setPicked((p) => ({ ...p, [side]: Number(value) }));
    setShown(null);
  };
  const options = runs.map((run) => (
    <option key={run.id} value={run.number}>
      Run {run.number}
      {run.title ? `: ${run.title}` : ''}
    </option>
  ));
  return (
    <section className="panel" aria-labelledby="run-compare-heading" ref={panel}>
      <div className={styles.panelHead}>
        <h3 id="run-compare-heading">Compare two runs</h3>
        <span className={styles.hint}>What each ECC server was started with, and the config files that differ, from the runs' backups</span>
      </div>
      <div className={styles.compareForm}>
        <label>
          Run A{' '}
          <select value={a ?? ''} onChange={(e) => choose('a', e.target.value)}>
            {options}
          </select>
        </label>
        <label>
          Run B{' '}
          <select value={b ?? ''} onChange={(e) => choose('b', e.target.value)}>
            {options}
          </select>
        </label>
        <button type="button" disabled={a === null || b === null || a === b} title={a === b ? 'Pick two different runs' : undefined} onClick={() => a !== null && b !== null && setShown({ a, b })}>
          <GitCompare size={16} aria-hidden="true" />
          Compare
        </button>
      </div>
      {shown ? <Comparison key={`${shown.a}:${shown.b}`} a={shown.a} b={shown.b} /> : null}
    </section>
  );
}
