// A stopped run's data files, router by router, as the manifests kept with the run list them
// (made after organizing: MANIFEST.sha256, or MANIFEST.sizes with checksums off), the last
// verification's findings, and "Verify files", which measures the run folders again on the
// worker computers in the background (runs.verify) and shows what was added, missing or changed.
import { LoaderCircle, ShieldCheck } from 'lucide-react';
import type { RunManifest } from '../../../../shared/api/contract';
import { useMutation, useSubscription } from '../../api/hooks';
import { FormError } from '../../components/Field';
import { formatSize, plural } from '../../components/counts';
import { formatDateTime } from '../../components/time';
import styles from './runsheet.module.css';

function Verification({ manifest }: { manifest: RunManifest }) {
  if (manifest.verifying) {
    return (
      <span className={styles.verifying}>
        <LoaderCircle size={14} aria-hidden="true" /> Verifying…
      </span>
    );
  }
  const report = manifest.verification;
  if (!report) return <span className="muted">Not verified yet</span>;
  const when = <time dateTime={report.at}>{formatDateTime(report.at)}</time>;
  if (report.problem !== null) {
    return (
      <span className={styles.mismatch}>
        Not verified ({when}): {report.problem}
      </span>
    );
  }
  if (report.ok) return <span className={styles.verified}>✓ Every file as in the manifest ({when})</span>;
  return (
    <div className={styles.mismatch}>
      Differs from its manifest ({when}):
      <ul>
        {report.changed.map((c) => (
          <li key={`c-${c.name}`}>
            changed: <span className="mono">{c.name}</span> ({formatSize(c.expected.size)} → {formatSize(c.found.size)})
          </li>
        ))}
        {report.missing.map((name) => (
          <li key={`m-${name}`}>
            missing: <span className="mono">{name}</span>
          </li>
        ))}
        {report.added.map((a) => (
          <li key={`a-${a.name}`}>
            added: <span className="mono">{a.name}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RunFiles({ runId, runNumber, readOnly }: { runId: number; runNumber: number; readOnly: boolean }) {
  const { data, error } = useSubscription('runs.manifests', { runId });
  const verify = useMutation('runs.verify');
  const manifests = data?.manifests ?? [];
  const busy = manifests.some((m) => m.verifying);
  const headingId = `run-files-${runId}`;
  return (
    <div className={styles.runFiles} aria-labelledby={headingId} role="group">
      <div className={styles.panelHead}>
        <h4 id={headingId}>Data files</h4>
        <button
          type="button"
          className="button-quiet"
          disabled={readOnly || manifests.length === 0 || busy || verify.pending}
          title={manifests.length === 0 ? 'No manifest is made yet' : 'Hash the run folders again on the worker computers and compare with the manifests'}
          onClick={() => void verify.run({ runId })}
        >
          <ShieldCheck size={16} aria-hidden="true" />
          Verify files of run {runNumber}
        </button>
      </div>
      <FormError message={verify.error?.message ?? error?.message} />
      {manifests.length === 0 && (data?.unfinished.length ?? 0) === 0 ? <p className={styles.hint}>No manifest: the files of this run were not organized by this application.</p> : null}
      {data?.unfinished.map((job) => (
        <p key={job.dataRouterName} className={styles.hint}>
          {job.dataRouterName}: manifest {job.status === 'failed' ? `not made (${job.lastError})` : `being made (${job.status})`}
        </p>
      ))}
      {manifests.length > 0 ? (
        <ul className={styles.manifests}>
          {manifests.map((m) => (
            <li key={m.dataRouterId}>
              <strong>{m.dataRouterName}</strong>{' '}
              <span className="muted">
                {plural(m.files.length, 'file')}, {formatSize(m.totalBytes)}
                {m.manifestFile ? (
                  <>
                    {' '}
                    in <span className="mono">{`${m.folder}/${m.manifestFile}`}</span>
                  </>
                ) : null}
                {m.checksums ? '' : ' (sizes only: checksums off)'}
              </span>
              <div>
                <Verification manifest={m} />
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
