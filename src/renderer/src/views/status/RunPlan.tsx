// Timed and repeated runs in the Status view: with no plan, the form that gives Start all one
// (stop after H:MM, after N GB, keep cycling for a number of runs); with one, what it does, the
// countdown to its run's stop (counted here, to the second, from the stop time the plan gives)
// and Cancel; a plan that ended says why until it is dismissed.
import { useEffect, useState, type FormEvent } from 'react';
import { Repeat, Timer } from 'lucide-react';
import type { RunPlan as Plan } from '../../../../shared/api/contract';
import { describePlan, formatCountdown, formatGb, parseDuration } from '../../../../shared/run-plan';
import { splitError, useMutation, useSubscription } from '../../api/hooks';
import { Checkbox, Field, FormError } from '../../components/Field';
import { formatTime } from '../../components/time';
import { ConfirmButton } from './ConfirmButton';
import { Refusal } from './Refusal';
import { READ_ONLY_REASON, startAllValidity, type ControlFacts } from './rules';
import styles from './status.module.css';

const FIELDS = ['stopAfterSeconds', 'stopAfterGb', 'cycle', 'runs'];

/** The current time, once a second while `on`. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

function ActivePlan({ plan, readOnly }: { plan: Plan; readOnly: boolean }) {
  const cancel = useMutation('runs.cancelPlan');
  const current = plan.current;
  const now = useNow(current?.stopAt != null);
  const left = current?.stopAt ? (Date.parse(current.stopAt) - now) / 1000 : null;
  const taken = plan.runs.length;
  return (
    <>
      <p className={styles.hint}>{describePlan(plan)}</p>
      <p role="status" aria-label="What the run plan does">
        {plan.phase?.text}
      </p>
      <dl className={styles.runFacts}>
        {current && left !== null ? (
          <div>
            <dt>Stops in</dt>
            <dd className="mono" aria-label="Run plan countdown">
              {formatCountdown(left)}
            </dd>
          </div>
        ) : null}
        {current && plan.stopAfterBytes !== null ? (
          <div>
            <dt>Written</dt>
            <dd>
              {current.written ? `${formatGb(current.written.bytes)} of ${formatGb(plan.stopAfterBytes)}` : 'not read yet'}
              {current.written && current.written.currentRouters < current.written.routers ? ` (${current.written.currentRouters} of ${current.written.routers} routers current)` : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Runs</dt>
          <dd>
            {taken}
            {plan.maxRuns !== null ? ` of ${plan.maxRuns}` : ''}
            {plan.runs.length > 0 ? ` (${plan.runs.map((r) => r.number).join(', ')})` : ''}
          </dd>
        </div>
      </dl>
      <ConfirmButton
        className={styles.controlButton}
        disabled={readOnly || cancel.pending}
        title={readOnly ? READ_ONLY_REASON : undefined}
        confirm={{
          title: 'Cancel the run plan?',
          description: <p>No run is stopped or started by the plan any more.{current ? ` Run ${current.number} goes on until it is stopped.` : ''}</p>,
          action: 'Cancel the plan',
        }}
        onRun={() => void cancel.run({})}
      >
        Cancel plan
      </ConfirmButton>
      <Refusal error={cancel.error} id="run-plan-cancel-error" />
    </>
  );
}

function EndedPlan({ plan, readOnly }: { plan: Plan; readOnly: boolean }) {
  const dismiss = useMutation('runs.dismissPlan');
  return (
    <>
      <p className={styles.hint}>{describePlan(plan)}</p>
      <p role="status" className={plan.status === 'failed' ? styles.reason : undefined}>
        {plan.status === 'failed' ? 'The plan failed' : plan.status === 'done' ? 'The plan is done' : 'The plan was cancelled'}
        {plan.endedAt ? ` at ${formatTime(plan.endedAt)}` : ''}: {plan.endReason}
      </p>
      <button type="button" className={styles.controlButton} disabled={readOnly || dismiss.pending} onClick={() => void dismiss.run({ id: plan.id })}>
        Dismiss
      </button>
      <Refusal error={dismiss.error} id="run-plan-dismiss-error" />
    </>
  );
}

function PlanForm({ facts }: { facts: ControlFacts }) {
  const start = useMutation('runs.startAll');
  const [duration, setDuration] = useState('');
  const [gb, setGb] = useState('');
  const [cycle, setCycle] = useState(false);
  const [runs, setRuns] = useState('');
  const [durationError, setDurationError] = useState<string | undefined>(undefined);
  const validity = startAllValidity(facts);
  const { fieldErrors, formError } = splitError(start.error, FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const seconds = duration.trim() === '' ? undefined : parseDuration(duration);
    if (seconds === null) {
      setDurationError('Write the time as H:MM (e.g. 1:30)');
      return;
    }
    setDurationError(undefined);
    void start.run({
      ...(seconds !== undefined ? { stopAfterSeconds: seconds } : {}),
      ...(gb.trim() !== '' ? { stopAfterGb: Number(gb) } : {}),
      ...(cycle ? { cycle: true } : {}),
      ...(cycle && runs.trim() !== '' ? { runs: Number(runs) } : {}),
    });
  };

  return (
    <form onSubmit={submit} aria-label="Timed or repeated run" noValidate>
      <div className={styles.runFacts}>
        <Field label="Stop after" units="H:MM" placeholder="1:00" value={duration} onChange={(e) => setDuration(e.target.value)} error={durationError ?? fieldErrors.stopAfterSeconds} />
        <Field label="Stop after" units="GB" inputMode="decimal" value={gb} onChange={(e) => setGb(e.target.value)} error={fieldErrors.stopAfterGb} />
        <Checkbox label="Keep cycling (Same as previous)" checked={cycle} onChange={(e) => setCycle(e.target.checked)} error={fieldErrors.cycle} />
        {cycle ? <Field label="Runs in all" hint="Empty: until cancelled" inputMode="numeric" value={runs} onChange={(e) => setRuns(e.target.value)} error={fieldErrors.runs} /> : null}
      </div>
      <button type="submit" className={`${styles.controlButton} ${styles.startButton}`} disabled={!validity.enabled || start.pending}>
        Start all with this plan
      </button>
      <p className={validity.enabled ? styles.hint : styles.reason}>{validity.enabled ? 'Each run stops by itself at the first limit reached.' : validity.reason}</p>
      <FormError message={formError} />
    </form>
  );
}

export function RunPlanPanel({ facts }: { facts: ControlFacts }) {
  const plan = useSubscription('runs.plan', {}).data;
  if (plan === undefined) return null;
  const Icon = plan?.cycle ? Repeat : Timer;
  return (
    <section className={`panel ${styles.wide}`} aria-labelledby="status-run-plan-heading">
      <h3 id="status-run-plan-heading" className={styles.panelTitle}>
        <Icon aria-hidden="true" size={18} /> {plan ? `Run plan #${plan.id}` : 'Timed or repeated run'}
      </h3>
      {plan === null ? (
        facts.readOnly || facts.runs?.currentRun ? (
          <p className={styles.hint}>No run plan.{facts.runs?.currentRun ? ' A plan is given with Start all.' : ''}</p>
        ) : (
          <PlanForm facts={facts} />
        )
      ) : plan.status === 'active' ? (
        <ActivePlan plan={plan} readOnly={facts.readOnly} />
      ) : (
        <>
          <EndedPlan plan={plan} readOnly={facts.readOnly} />
          {facts.readOnly || facts.runs?.currentRun ? null : <PlanForm facts={facts} />}
        </>
      )}
    </section>
  );
}
