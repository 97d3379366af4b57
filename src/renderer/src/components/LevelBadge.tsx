// A log entry's level as a word with its symbol, the same in every view (the Log page, the status
// view's newest entries); the colour only repeats them.
import { Bug, Info, OctagonX, TriangleExclamationPoint } from 'lucide-react';
import type { LogLevel } from '../../../shared/domain';
import { cx } from './cx';

const LEVELS = {
  debug: { icon: Bug, label: 'Debug' },
  info: { icon: Info, label: 'Info' },
  warning: { icon: TriangleExclamationPoint, label: 'Warning' },
  error: { icon: OctagonX, label: 'Error' },
} as const satisfies Record<LogLevel, unknown>;

export function LevelBadge({ level, size = 15, className }: { level: LogLevel; size?: number; className?: string | undefined }) {
  const { icon: Icon, label } = LEVELS[level];
  return (
    <span className={cx('level', `level-${level}`, className)}>
      <Icon aria-hidden="true" size={size} /> {label}
    </span>
  );
}
