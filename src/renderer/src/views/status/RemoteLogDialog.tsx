// The end of an ECC server's or data router's log file on its worker computer, in a dialog that
// follows the file live (the subscription lasts while the dialog is open). A file that cannot be
// read, or an operation the server cannot answer yet, is said in the dialog, not thrown.
import { useEffect, useRef } from 'react';
import { Dialog } from 'radix-ui';
import { LoaderCircle, TriangleAlert, X } from 'lucide-react';
import type { RemoteLogComponent } from '../../../../shared/api/contract';
import { useSubscription } from '../../api/hooks';
import { formatSize } from '../../components/counts';
import { formatTime } from '../../components/time';
import styles from './status.module.css';

export interface LogTarget {
  component: RemoteLogComponent;
  id: number;
  name: string;
}

const LINES = 200;

function RemoteLogBody({ target }: { target: LogTarget }) {
  const { data: tail, error, loading } = useSubscription('remoteLogs.tail', { component: target.component, id: target.id, lines: LINES });
  const pre = useRef<HTMLPreElement>(null);
  const lines = tail?.lines;
  // Follow the end of the file, as `tail -f` does, unless the reader scrolled up.
  useEffect(() => {
    const element = pre.current;
    if (!element) return;
    const nearEnd = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    if (nearEnd || element.scrollTop === 0) element.scrollTop = element.scrollHeight;
  }, [lines]);

  return (
    <>
      <Dialog.Description className={styles.logMeta}>
        {tail ? (
          <>
            <span className="mono">
              {tail.host}:{tail.path}
            </span>
            {' · '}
            {tail.fileSize !== null ? formatSize(tail.fileSize) : 'size not known'}
            {' · '}read at {formatTime(tail.readAt)}
            {tail.truncated ? ` · the last ${tail.lines.length} lines` : ''}
            {' · following live'}
          </>
        ) : loading ? (
          'Reading the file over SSH…'
        ) : (
          'The log could not be read.'
        )}
      </Dialog.Description>
      {error ? (
        <p className={styles.errorLine} role="alert">
          <TriangleAlert aria-hidden="true" size={16} />
          <span>The remote log cannot be shown: {error.message}</span>
        </p>
      ) : null}
      {tail?.error ? (
        <p className={styles.errorLine} role="alert">
          <TriangleAlert aria-hidden="true" size={16} />
          <span>
            Cannot read {tail.path} on {tail.host} ({tail.error.kind}): {tail.error.message}
          </span>
        </p>
      ) : null}
      {loading ? (
        <p className={styles.hint}>
          <LoaderCircle aria-hidden="true" size={16} className="spin" /> Reading…
        </p>
      ) : null}
      <pre ref={pre} className={styles.logText} tabIndex={0} aria-label={`Log lines of ${target.name}`}>
        {lines && lines.length > 0 ? lines.join('\n') : tail && !tail.error ? '(the file is empty)' : ''}
      </pre>
    </>
  );
}

export function RemoteLogDialog({ target, onClose }: { target: LogTarget | null; onClose: () => void }) {
  return (
    <Dialog.Root
      open={target !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className={`dialog ${styles.logDialog}`}>
          {target ? (
            <>
              <Dialog.Title className={styles.dialogTitle}>
                Log of {target.name} ({target.component === 'eccServer' ? 'ECC server' : 'data router'})
              </Dialog.Title>
              <RemoteLogBody key={`${target.component}:${target.id}`} target={target} />
            </>
          ) : null}
          <Dialog.Close asChild>
            <button type="button" className={`${styles.iconButton} ${styles.dialogClose}`} aria-label="Close the log">
              <X aria-hidden="true" size={18} />
            </button>
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
