// Start all's checklist, always in sight: each item passed, failed or not known, with its reason.
// An unknown item is not a pass: an operator may override it (and some failures), one click and a
// reason, for the next Start all; the override shows with who gave it, and can be withdrawn.
import { memo, useId, useState } from 'react';
import { CircleCheck, CircleHelp, CircleX, ClipboardCheck, ShieldAlert } from 'lucide-react';
import type { ChecklistItem } from '../../../../shared/domain';
import { useMutation } from '../../api/hooks';
import { formatTime } from '../../components/time';
import styles from './status.module.css';
import { Refusal } from './Refusal';

const STATUS_TEXT = { pass: 'Passed', fail: 'Failed', unknown: 'Not known' } as const;

function StatusIcon({ item }: { item: ChecklistItem }) {
  if (item.override) return <ShieldAlert aria-hidden="true" size={16} className={styles.toneWarn} />;
  if (item.status === 'pass') return <CircleCheck aria-hidden="true" size={16} className={styles.toneOk} />;
  if (item.status === 'fail') return <CircleX aria-hidden="true" size={16} className={styles.toneError} />;
  return <CircleHelp aria-hidden="true" size={16} className={styles.toneWarn} />;
}

const Item = memo(function Item({ item, readOnly }: { item: ChecklistItem; readOnly: boolean }) {
  const override = useMutation('runs.overrideChecklistItem');
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const id = useId();
  const status = item.override ? `${STATUS_TEXT[item.status]}, overridden` : STATUS_TEXT[item.status];
  const submit = async () => {
    if ((await override.run({ key: item.key, reason })) !== undefined) {
      setAsking(false);
      setReason('');
    }
  };
  return (
    <li className={styles.checkItem} aria-label={`${item.label}: ${status}`} data-status={item.status}>
      <StatusIcon item={item} />
      <div className={styles.checkText}>
        <p>
          <strong>{item.label}</strong> <span className={styles.sub}>— {status}</span>
        </p>
        <p className={styles.sub}>{item.reason}</p>
        {item.override ? (
          <p className={styles.toneWarn}>
            Overridden by {item.override.by} at {formatTime(item.override.at)}: {item.override.reason}
          </p>
        ) : null}
        {asking ? (
          <form
            className={styles.overrideForm}
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <label htmlFor={`${id}-reason`}>Why start without it?</label>
            <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus maxLength={500} />
            <button type="submit" disabled={override.pending}>
              Override
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </form>
        ) : null}
        <Refusal error={override.error} />
      </div>
      {!readOnly && item.overridable && item.status !== 'pass' && !asking ? (
        item.override ? (
          <button type="button" onClick={() => void override.run({ key: item.key, reason: null })} aria-label={`Withdraw the override of ${item.label}`}>
            Withdraw
          </button>
        ) : (
          <button type="button" onClick={() => setAsking(true)} aria-label={`Override ${item.label}`}>
            Override…
          </button>
        )
      ) : null}
    </li>
  );
});

/**
 * While a run goes the checklist is about the next start: folded, so that it does not read as a
 * verdict on the run (whose own checklist is kept with it); open otherwise.
 */
export function StartChecklist({ items, readOnly, runNumber }: { items: readonly ChecklistItem[] | undefined; readOnly: boolean; runNumber: number | null }) {
  const open = (items ?? []).filter((i) => i.status !== 'pass' && i.override === null).length;
  const summary = items ? (open === 0 ? 'every item passed or overridden' : `${open} keep${open === 1 ? 's' : ''} Start all from going`) : 'loading…';
  return (
    <section className="panel" aria-labelledby="status-checklist-heading">
      <details open={runNumber === null} key={runNumber === null ? 'idle' : 'running'}>
        <summary>
          <h3 id="status-checklist-heading" className={`${styles.panelTitle} ${styles.inlineTitle}`}>
            <ClipboardCheck aria-hidden="true" size={18} /> Start all checklist
            <span className={styles.sub}> — {runNumber === null ? summary : `run ${runNumber} is going; this is for the next start (${summary})`}</span>
          </h3>
        </summary>
        {items ? (
          <ul className={styles.checklist} aria-label="Start all checklist">
            {items.map((item) => (
              <Item key={item.key} item={item} readOnly={readOnly} />
            ))}
          </ul>
        ) : null}
      </details>
    </section>
  );
}
