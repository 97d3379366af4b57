// The Alarms view: the active alarms (acknowledged or not) and the history of those that cleared,
// newest first, with who acknowledged each and when; in a browser, whether it may show desktop
// notifications (and the button that asks). The rules and their thresholds are set in Setup.
import { useState } from 'react';
import { ALARM_RULE_TITLES, type Alarm } from '../../../../shared/alarms';
import { findBridge } from '../../api/bridge';
import { useMutation, useSubscription } from '../../api/hooks';
import { FormError } from '../../components/Field';
import { formatDateTime } from '../../components/time';
import { useReadOnly } from '../../state/app-store';

const PAGE = 100;

function Acknowledged({ alarm }: { alarm: Alarm }) {
  const readOnly = useReadOnly();
  const acknowledge = useMutation('alarms.acknowledge');
  if (alarm.acknowledgedAt !== null) return <>{`${alarm.acknowledgedBy ?? ''} at ${formatDateTime(alarm.acknowledgedAt)}`}</>;
  if (alarm.clearedAt !== null) return <span className="muted">not acknowledged</span>;
  return (
    <button type="button" disabled={readOnly || acknowledge.pending} onClick={() => void acknowledge.run({ id: alarm.id })} aria-label={`Acknowledge alarm #${alarm.id}`}>
      Acknowledge
    </button>
  );
}

function AlarmTable({ caption, alarms, cleared }: { caption: string; alarms: readonly Alarm[]; cleared: boolean }) {
  return (
    <div className="table-scroll">
      <table className="entries">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Raised</th>
            {cleared ? <th scope="col">Cleared</th> : null}
            <th scope="col">About</th>
            <th scope="col">Alarm</th>
            <th scope="col">Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {alarms.length === 0 ? (
            <tr>
              <td colSpan={cleared ? 5 : 4} className="empty">
                {cleared ? 'No alarm has cleared yet' : 'No alarm is active'}
              </td>
            </tr>
          ) : (
            alarms.map((alarm) => (
              <tr key={alarm.id}>
                <td>{formatDateTime(alarm.raisedAt)}</td>
                {cleared ? <td>{alarm.clearedAt ? formatDateTime(alarm.clearedAt) : ''}</td> : null}
                <td title={ALARM_RULE_TITLES[alarm.rule]}>{alarm.subject}</td>
                <td>{alarm.message}</td>
                <td>
                  <Acknowledged alarm={alarm} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Desktop notifications in a browser: allowed, refused, or not asked yet (the button asks). */
function BrowserNotifications() {
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  if (findBridge()) return <p className="panel-note">A new alarm also shows as a desktop notification of this computer.</p>;
  if (permission === 'unsupported') return <p className="panel-note">This browser shows no desktop notifications: the banners and the sound remain.</p>;
  if (permission === 'granted') return <p className="panel-note">A new alarm also shows as a desktop notification of this browser.</p>;
  if (permission === 'denied') return <p className="panel-note">This browser refuses desktop notifications for this page (its site settings can allow them).</p>;
  return (
    <p className="panel-note">
      <button type="button" className="button-quiet" onClick={() => void Notification.requestPermission().then(setPermission)}>
        Allow desktop notifications
      </button>{' '}
      for a new alarm, on this browser.
    </p>
  );
}

export function AlarmsView() {
  const [beforeId, setBeforeId] = useState<number | undefined>(undefined);
  const { data, error } = useSubscription('alarms.list', beforeId === undefined ? { limit: PAGE } : { limit: PAGE, beforeId });
  return (
    <section className="entries-view" aria-labelledby="alarms-heading">
      <div className="section-head">
        <h2 id="alarms-heading">Alarms</h2>
      </div>
      <p className="panel-note">
        An alarm is raised when one of the experiment&apos;s rules (set in Setup) finds its condition, and clears by itself when
        the condition ends. Until acknowledged, it shows as a banner in every view and sounds.
      </p>
      <BrowserNotifications />
      <FormError message={error ? `Cannot read the alarms: ${error.message}` : undefined} />
      <AlarmTable caption="Active alarms" alarms={data?.active ?? []} cleared={false} />
      <AlarmTable caption="Alarm history" alarms={data?.history ?? []} cleared />
      <div className="actions">
        {beforeId !== undefined ? (
          <button type="button" className="button-quiet" onClick={() => setBeforeId(undefined)}>
            Newest
          </button>
        ) : null}
        {data?.nextBeforeId ? (
          <button type="button" className="button-quiet" onClick={() => setBeforeId(data.nextBeforeId ?? undefined)}>
            Older
          </button>
        ) : null}
      </div>
    </section>
  );
}
