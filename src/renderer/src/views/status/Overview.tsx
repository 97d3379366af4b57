// The top of the status view: the overall state, large; the operation on all servers under way
// (with its MuTAnT/CoBo order and phase) or how the last one ended; the run going, with a duration
// that ticks on a local clock.
import { CircleCheck, CircleX, LoaderCircle } from 'lucide-react';
import type { EccStatus, RunControlStatus } from '../../../../shared/api/contract';
import type { Run } from '../../../../shared/domain';
import { StateBadge } from '../../components/StateBadge';
import { formatDuration, formatTime, useNow } from '../../components/time';
import styles from './status.module.css';

function RunDuration({ since }: { since: string }) {
  const now = useNow(1000);
  return (
    <span className={styles.duration} role="timer" aria-label="Run duration">
      {formatDuration(now - Date.parse(since))}
    </span>
  );
}

function Operation({ ecc }: { ecc: EccStatus }) {
  const operation = ecc.operation;
  if (operation) {
    return (
      <div className={styles.operation} role="status" aria-label="Operation under way">
        <p className={styles.operationName}>
          <LoaderCircle aria-hidden="true" size={18} className="spin" />
          {operation.name} under way <span className={styles.sub}>since {formatTime(operation.startedAt)}</span>
        </p>
        <p className={styles.sub}>Order: {operation.order}</p>
        <p>{operation.phase}</p>
      </div>
    );
  }
  const report = ecc.lastReport;
  if (!report) return null;
  return (
    <div className={`${styles.operation} ${report.ok ? '' : styles.operationFailed}`} role="status" aria-label="Last operation">
      <p className={`${styles.operationName} ${report.ok ? styles.toneOk : styles.toneError}`}>
        {report.ok ? <CircleCheck aria-hidden="true" size={18} /> : <CircleX aria-hidden="true" size={18} />}
        {report.ok ? `${report.name}: done` : `${report.name} failed`}{' '}
        <span className={styles.sub}>at {formatTime(report.finishedAt)}</span>
      </p>
      <p>{report.message}</p>
      {report.failures.length > 0 ? (
        <ul className={styles.failures}>
          {report.failures.map((f) => (
            <li key={`${f.eccServerId}:${f.step}`}>
              <strong>{f.server}</strong> at {f.step}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function OverallState({ ecc, experimentName }: { ecc: EccStatus | undefined; experimentName: string | undefined }) {
  return (
    <section className={`panel ${styles.overall}`} aria-labelledby="status-overall-heading">
      <h3 id="status-overall-heading" className={styles.panelTitle}>
        Overall state{experimentName ? <span className={styles.sub}> of {experimentName}</span> : null}
      </h3>
      <div role="status" aria-label="Overall state" className={styles.overallValue}>
        {ecc ? (
          ecc.overall === null ? (
            <span className="state-large">No ECC servers</span>
          ) : (
            <StateBadge large state={ecc.overall === 'Unknown' ? null : ecc.overall} />
          )
        ) : (
          <span className={styles.hint}>Loading…</span>
        )}
      </div>
      {ecc && ecc.notAnswering.length > 0 ? (
        <p className={styles.toneError} role="alert" aria-label="Servers not answering">
          Not answering: {ecc.notAnswering.join(', ')}. Their last states are history; the overall state cannot be known until they answer.
        </p>
      ) : null}
      {ecc ? <Operation ecc={ecc} /> : null}
    </section>
  );
}

export function RunInfo({ runs, run, experimentName, lastRun }: { runs: RunControlStatus | undefined; run: Run | undefined; experimentName: string | undefined; lastRun: Run | undefined }) {
  const current = runs?.currentRun ?? null;
  return (
    <section className={`panel ${styles.runPanel}`} aria-labelledby="status-run-heading">
      <h3 id="status-run-heading" className={styles.panelTitle}>
        Run
      </h3>
      {current ? (
        <dl className={styles.runFacts}>
          <div className={styles.runNumber}>
            <dt>Run number</dt>
            <dd>{current.number}</dd>
          </div>
          <div>
            <dt>Experiment</dt>
            <dd>{experimentName ?? '—'}</dd>
          </div>
          <div className={styles.runWide}>
            <dt>Title</dt>
            <dd>{run?.title ? run.title : <span className={styles.toneMuted}>(no title yet: fill it in the run sheet)</span>}</dd>
          </div>
          <div>
            <dt>Class</dt>
            <dd>{run?.runClass ?? '—'}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatTime(current.startTime)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>
              <RunDuration since={current.startTime} />
            </dd>
          </div>
        </dl>
      ) : (
        <div className={styles.noRun}>
          <p className={styles.noRunTitle}>No run going</p>
          <p className={styles.sub}>
            {experimentName ? `Experiment ${experimentName}. ` : ''}
            {lastRun
              ? `Last run: ${lastRun.number}${lastRun.title ? ` “${lastRun.title}”` : ''}, ${lastRun.runClass}, stopped ${formatTime(lastRun.stopTime)}.`
              : 'No run recorded yet.'}
          </p>
        </div>
      )}
    </section>
  );
}
