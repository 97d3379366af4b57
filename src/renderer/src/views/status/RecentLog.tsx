// The newest log entries of the experiment, each with its details one click away; the Log view
// has the rest.
import { memo } from 'react';
import type { LogEntry } from '../../../../shared/domain';
import { LevelBadge } from '../../components/LevelBadge';
import { Repeats } from '../../components/Repeats';
import { formatTime } from '../../components/time';
import styles from './status.module.css';

const Entry = memo(function Entry({ entry }: { entry: LogEntry }) {
  const head = (
    <>
      <span className={`${styles.nowrap} ${styles.logTime}`}>{formatTime(entry.time)}</span>
      <LevelBadge level={entry.level} size={14} className={styles.logLevel} />
      <span className={styles.logSource}>
        {entry.source}
        {entry.subject ? ` · ${entry.subject}` : ''}
      </span>
      <span className={styles.logMessage}>
        {entry.message} <Repeats entry={entry} />
      </span>
    </>
  );
  return (
    <li className={styles.logEntry}>
      {entry.details ? (
        <details>
          <summary className={styles.logSummary}>
            <span className={styles.logHead}>{head}</span>
          </summary>
          <pre className={styles.logDetails}>{entry.details}</pre>
        </details>
      ) : (
        <div className={`${styles.logHead} ${styles.logHeadPlain}`}>{head}</div>
      )}
    </li>
  );
});

export function RecentLog({ entries, error }: { entries: LogEntry[] | undefined; error: Error | undefined }) {
  return (
    <section className="panel" aria-labelledby="status-log-heading">
      <h3 id="status-log-heading" className={styles.panelTitle}>
        Newest log entries <a href="#log" className={styles.more}>All entries in the Log view</a>
      </h3>
      {error ? (
        <p className={styles.refusal} role="alert">
          The log cannot be read: {error.message}
        </p>
      ) : null}
      {entries === undefined ? (
        <p className={styles.hint}>Loading…</p>
      ) : entries.length === 0 ? (
        <p className={styles.hint}>No entries yet.</p>
      ) : (
        <ol className={styles.logList} aria-label="Newest log entries">
          {entries.map((entry) => (
            <Entry key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
    </section>
  );
}
