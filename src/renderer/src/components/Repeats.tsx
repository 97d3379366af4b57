// How often a log entry happened, when identical failures repeated: "×240, last at 17:15:03",
// the same in every view (the Log page, the status view's newest entries).
import type { LogEntry } from '../../../shared/domain';
import { cx } from './cx';
import { formatTime } from './time';

export function Repeats({ entry, className }: { entry: Pick<LogEntry, 'count' | 'lastAt'>; className?: string | undefined }) {
  if (entry.count <= 1) return null;
  return (
    <span className={cx('muted', 'log-repeats', className)} title={`Happened ${entry.count} times; the last time at ${entry.lastAt}`}>
      ×{entry.count.toLocaleString('en-US')}, last at {formatTime(entry.lastAt)}
    </span>
  );
}
