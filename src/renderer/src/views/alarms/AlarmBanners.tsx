// The alarms as every view shows them: a banner per alarm that is active and not acknowledged,
// with its Acknowledge button (a read-only connection sees it disabled, saying why); the sound
// follows them; in a browser, a desktop notification for each new one when the user allowed them
// (in Electron the main process shows those). Pushed by the alarms.list subscription.
import { useEffect, useRef } from 'react';
import { Siren } from 'lucide-react';
import { isSounding, type Alarm } from '../../../../shared/alarms';
import { findBridge } from '../../api/bridge';
import { useMutation, useSubscription } from '../../api/hooks';
import { alarmSound, useAlarmSound } from '../../alarms/sound';
import { formatDateTime } from '../../components/time';
import { useReadOnly } from '../../state/app-store';
import { READ_ONLY_REASON } from '../status/rules';

/** Banners shown at most; the others are in the Alarms view. */
const SHOWN_AT_MOST = 5;

/** A browser's own desktop notification for each alarm raised while this page is open. */
function useBrowserNotifications(active: readonly Alarm[] | undefined): void {
  const seen = useRef<Set<number> | null>(null);
  useEffect(() => {
    if (!active) return;
    const first = seen.current === null;
    const known = (seen.current ??= new Set());
    const fresh = active.filter((a) => !known.has(a.id) && isSounding(a));
    for (const alarm of active) known.add(alarm.id);
    // Those already active when the page opened are on the screen: only news is notified.
    if (first || findBridge() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const alarm of fresh) {
      try {
        new Notification(`Alarm: ${alarm.subject}`, { body: alarm.message, tag: `alarm-${alarm.id}` });
      } catch {
        // Some browsers allow notifications only from a service worker: the banner and sound remain.
      }
    }
  }, [active]);
}

function AlarmBanner({ alarm, readOnly }: { alarm: Alarm; readOnly: boolean }) {
  const acknowledge = useMutation('alarms.acknowledge');
  const reasonId = `alarm-${alarm.id}-read-only`;
  return (
    <div className="banner banner-alarm" role="alert" aria-label={`Alarm: ${alarm.subject}`}>
      <Siren aria-hidden="true" size={18} />
      <p className="banner-alarm-text">
        <strong>Alarm.</strong> {alarm.message} <span className="muted">(since {formatDateTime(alarm.raisedAt)})</span>
      </p>
      <button
        type="button"
        disabled={readOnly || acknowledge.pending}
        aria-label={`Acknowledge: ${alarm.message}`}
        aria-describedby={readOnly ? reasonId : undefined}
        onClick={() => void acknowledge.run({ id: alarm.id })}
      >
        Acknowledge
      </button>
      {readOnly ? (
        <span id={reasonId} className="visually-hidden">
          {READ_ONLY_REASON}
        </span>
      ) : null}
      {acknowledge.error ? (
        <p className="field-error" role="alert">
          {acknowledge.error.message}
        </p>
      ) : null}
    </div>
  );
}

export function AlarmBanners() {
  const { data } = useSubscription('alarms.list', {});
  const readOnly = useReadOnly();
  const { state } = useAlarmSound();
  const sounding = data?.active.filter(isSounding) ?? [];
  const anySounding = sounding.length > 0;
  useEffect(() => {
    alarmSound().setWanted(anySounding);
  }, [anySounding]);
  useBrowserNotifications(data?.active);

  if (!anySounding) return null;
  return (
    <div className="alarm-banners" aria-label="Alarms" role="region">
      {sounding.slice(0, SHOWN_AT_MOST).map((alarm) => (
        <AlarmBanner key={alarm.id} alarm={alarm} readOnly={readOnly} />
      ))}
      {sounding.length > SHOWN_AT_MOST ? (
        <p className="banner banner-alarm">
          And {sounding.length - SHOWN_AT_MOST} more: <a href="#alarms">see the Alarms view</a>.
        </p>
      ) : null}
      {state === 'locked' ? (
        <p className="banner banner-warning" role="status">
          The alarm sound waits for a first click or key press on this page (the browser allows sound only after one).
        </p>
      ) : null}
    </div>
  );
}
