// In-app notifications, mounted once for the whole application (whatever view is on screen): a
// step that failed, an operation on all servers that failed, a run that stopped without Stop
// all, a server that stopped answering. Failures stay until dismissed; warnings go after a while.
import { useState } from 'react';
import { Toast } from 'radix-ui';
import { CircleX, TriangleAlert, X } from 'lucide-react';
import type { EccStatus } from '../../../../shared/api/contract';
import { useSubscription } from '../../api/hooks';
import { detectNotices, type Notice } from './notify-rules';
import styles from './status.module.css';

const SHOWN_AT_MOST = 6;
const WARNING_MS = 30_000;

interface Shown extends Notice {
  id: string;
}

interface Seen {
  ecc: EccStatus | undefined;
  said: string[];
  shown: Shown[];
  count: number;
}

export function Notifications() {
  const { data: ecc } = useSubscription('ecc.status', {});
  const { data: runs } = useSubscription('runs.status', {});
  const [seen, setSeen] = useState<Seen>({ ecc: undefined, said: [], shown: [], count: 0 });

  // Compared while rendering (React's "adjust state when a prop changes"): no effect, no extra commit.
  if (ecc !== undefined && ecc !== seen.ecc) {
    const found = detectNotices(seen.ecc, ecc, runs?.currentRun ?? null, seen.said);
    let count = seen.count;
    const added = found.notices.map((notice) => ({ ...notice, id: `${notice.key}#${++count}` }));
    setSeen({ ecc, said: found.said, shown: added.length > 0 ? [...seen.shown, ...added].slice(-SHOWN_AT_MOST) : seen.shown, count });
  }

  const dismiss = (id: string) => setSeen((previous) => ({ ...previous, shown: previous.shown.filter((n) => n.id !== id) }));
  const showStatus = () => {
    window.location.hash = 'status';
  };

  return (
    <Toast.Provider swipeDirection="right" label="Notification">
      {seen.shown.map((notice) => {
        const Icon = notice.tone === 'error' ? CircleX : TriangleAlert;
        return (
          <Toast.Root
            key={notice.id}
            className={`${styles.toast} ${notice.tone === 'error' ? styles.toastError : styles.toastWarning}`}
            type="foreground"
            role={notice.tone === 'error' ? 'alert' : 'status'}
            duration={notice.tone === 'error' ? Infinity : WARNING_MS}
            onOpenChange={(open) => {
              if (!open) dismiss(notice.id);
            }}
          >
            <Toast.Title className={styles.toastTitle}>
              <Icon aria-hidden="true" size={18} />
              {notice.title}
            </Toast.Title>
            <Toast.Description className={styles.toastText}>{notice.message}</Toast.Description>
            <div className={styles.toastActions}>
              <button type="button" className="button-quiet" onClick={showStatus}>
                Show status
              </button>
              <Toast.Close asChild>
                <button type="button" className="button-quiet" aria-label={`Dismiss: ${notice.title}`}>
                  <X aria-hidden="true" size={16} /> Dismiss
                </button>
              </Toast.Close>
            </div>
          </Toast.Root>
        );
      })}
      <Toast.Viewport className={styles.toastViewport} label="Notifications ({hotkey})" />
    </Toast.Provider>
  );
}
