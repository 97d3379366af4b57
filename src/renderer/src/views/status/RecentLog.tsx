// The newest log entries of the experiment, each with its details one click away; the Log view
// has the rest.
import { memo } from 'react';
import { Bug, CircleAlert, Info, TriangleAlert, type LucideIcon } from 'lucide-react';
import type { LogEntry, LogLevel } from '../../../../shared/domain';
import { formatTime } from '../../components/time';
import styles from './status.module.css';

const LEVELS: Record<LogLevel, { icon: LucideIcon; label: string; tone: string }> = {
  debug: { icon: Bug, label: 'Debug', tone: 'toneMuted' },
  info: { icon: Info, label: 'Info', tone: 'toneNeutral' },
  warning: { icon: TriangleAlert, label: 'Warning', tone: 'toneWarn' },
  error: { icon: CircleAlert, label: 'Error', tone: 'toneError' },
};

const Entry = memo(function Entry({ entry }: { entry: LogEntry }) {
  const level = LEVELS[entry.level];
  const Icon = level.icon;
  const head = (
    <>
      <span className={`${styles.nowrap} ${styles.logTime}`}>{formatTime(entry.time)}</span>
      <span className={`state ${styles[level.tone] ?? ''} ${styles.logLevel}`}>
        <Icon aria-hidden="true" size={14} />
        {level.label}
      </span>
      <span className={styles.logSource}>
        {entry.source}
        {entry.subject ? ` · ${entry.subject}` : ''}
      </span>
      <span className={styles.logMessage}>{entry.message}</span>
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
