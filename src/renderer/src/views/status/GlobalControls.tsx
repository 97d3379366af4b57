// The controls that act on every ECC server at once, each enabled only when the server would take
// it, with the reason beside it when not (and, when it is, what it will do, in the MuTAnT/CoBo
// order). Stop all, and Reset all while the servers acquire, ask first. A refusal by the server
// shows under its control.
import { useId } from 'react';
import { CircleStop, ListChecks, Play, RotateCcw, type LucideIcon } from 'lucide-react';
import type { EccStep } from '../../../../shared/domain';
import { useMutation } from '../../api/hooks';
import { ConfirmButton, type Confirmation } from './ConfirmButton';
import {
  bringAllToReadyValidity,
  orderHint,
  orderText,
  resetAllValidity,
  startAllValidity,
  stepAllValidity,
  stopAllValidity,
  type ControlFacts,
  type Validity,
} from './rules';
import { formatTime } from '../../components/time';
import styles from './status.module.css';
import { Refusal } from './Refusal';

interface ControlRowProps {
  label: string;
  icon?: LucideIcon;
  validity: Validity;
  hint: string;
  onRun: () => void;
  pending: boolean;
  error: Error | undefined;
  confirm?: Confirmation | null;
  emphasis?: 'start' | 'stop';
}

function ControlRow({ label, icon: Icon, validity, hint, onRun, pending, error, confirm = null, emphasis }: ControlRowProps) {
  const id = useId();
  const disabled = !validity.enabled || pending;
  const emphasisClass = emphasis === 'start' ? styles.startButton : emphasis === 'stop' ? styles.stopButton : '';
  return (
    <li className={styles.controlRow}>
      <ConfirmButton
        className={`${styles.controlButton} ${emphasisClass}`}
        disabled={disabled}
        aria-describedby={`${id}-why ${error ? `${id}-error` : ''}`.trim()}
        confirm={confirm}
        onRun={onRun}
      >
        {Icon ? <Icon aria-hidden="true" size={18} /> : null}
        {label}
      </ConfirmButton>
      <div className={styles.controlText}>
        <p id={`${id}-why`} className={validity.enabled ? styles.hint : styles.reason}>
          {validity.enabled ? hint : validity.reason}
        </p>
        <Refusal error={error} id={`${id}-error`} />
      </div>
    </li>
  );
}

export function GlobalControls({ facts }: { facts: ControlFacts }) {
  const stepAll = useMutation('ecc.stepAll');
  const bring = useMutation('ecc.bringAllToReady');
  const start = useMutation('runs.startAll');
  const stop = useMutation('runs.stopAll');
  const reset = useMutation('ecc.resetAll');

  const hasMutant = facts.ecc?.servers.some((s) => s.drivesMutant) ?? false;
  const run = facts.runs?.currentRun ?? null;
  const resetAll = resetAllValidity(facts);
  const acquiring = resetAll.step === 'Stop';

  const stepRow = (step: 'Describe' | 'Prepare' | 'Configure') => (
    <ControlRow
      key={step}
      label={`${step} all`}
      validity={stepAllValidity(facts, step)}
      hint={orderHint(step, hasMutant)}
      onRun={() => void stepAll.run({ step })}
      pending={stepAll.pending}
      // One mutation for the three: its refusal names the step it was about.
      error={stepAll.error}
    />
  );

  const stopConfirm: Confirmation | null = run
    ? {
        title: `Stop run ${run.number}?`,
        description: (
          <>
            <p>
              Run {run.number} has been going since {formatTime(run.startTime)}. Stop all stops{' '}
              {hasMutant ? orderText('Stop', hasMutant) : 'every ECC server'}; the run then gets its stop time and its
              data files are moved into <span className="mono">run_{String(run.number).padStart(4, '0')}</span>.
            </p>
          </>
        ),
        action: `Stop run ${run.number}`,
      }
    : null;
  const resetConfirm: Confirmation | null = acquiring
    ? {
        title: 'Stop the ECC servers?',
        description: <p>The ECC servers are acquiring (no run is recorded). Reset all sends Stop to every one of them.</p>,
        action: 'Reset all (Stop)',
      }
    : null;

  return (
    <section className="panel" aria-labelledby="status-controls-heading">
      <h3 id="status-controls-heading" className={styles.panelTitle}>
        <ListChecks aria-hidden="true" size={18} /> Controls for all ECC servers
      </h3>
      <ul className={styles.controlList}>
        {stepRow('Describe')}
        {stepRow('Prepare')}
        {stepRow('Configure')}
        <ControlRow
          label="Bring all to Ready"
          validity={bringAllToReadyValidity(facts)}
          hint={orderHint('BringAllToReady', hasMutant)}
          onRun={() => void bring.run({})}
          pending={bring.pending}
          error={bring.error}
        />
        <ControlRow
          label="Start all"
          icon={Play}
          emphasis="start"
          validity={startAllValidity(facts)}
          hint={orderHint('Start', hasMutant)}
          onRun={() => void start.run({})}
          pending={start.pending}
          error={start.error}
        />
        <ControlRow
          label="Stop all"
          icon={CircleStop}
          emphasis="stop"
          validity={stopAllValidity(facts)}
          hint={orderHint('Stop', hasMutant)}
          onRun={() => void stop.run({})}
          pending={stop.pending}
          error={stop.error}
          confirm={stopConfirm}
        />
        <ControlRow
          label="Reset all"
          icon={RotateCcw}
          validity={resetAll}
          hint={orderHint('Reset', hasMutant, resetAll.step as EccStep | null)}
          onRun={() => void reset.run({})}
          pending={reset.pending}
          error={reset.error}
          confirm={resetConfirm}
        />
      </ul>
    </section>
  );
}
