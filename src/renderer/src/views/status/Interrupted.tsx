// A Start all or Stop all the application did not finish (it was killed or lost power during it),
// or a Start all that failed part way: what happened, what the servers do now, and the actions
// that resolve it. Shown only when there is one; nothing is recorded until an operator chooses.
import { TriangleExclamationPoint } from 'lucide-react';
import type { InterruptedAction, InterruptedOperation } from '../../../../shared/api/contract';
import { useMutation } from '../../api/hooks';
import { formatTime } from '../../components/time';
import { ConfirmButton } from './ConfirmButton';
import { READ_ONLY_REASON } from './rules';
import styles from './status.module.css';
import { Refusal } from './Refusal';

const ACTIONS: Record<InterruptedAction, { label: string; confirm: (op: InterruptedOperation) => string }> = {
  recordRun: {
    label: 'Record the run',
    confirm: (op) =>
      `Run ${op.runNumber} is recorded with the start time the servers imply (${op.impliedTime ? formatTime(op.impliedTime) : 'the latest time a server was seen Running'}); its title and the log say it was recorded after the interruption.`,
  },
  stopServers: {
    label: 'Stop the servers',
    confirm: () => 'The Running servers are stopped in the Stop order (the MuTAnT first), then a broken-up MuTAnT is configured back to Ready. No run is recorded.',
  },
  closeRun: {
    label: 'Close the run',
    confirm: (op) => `Run ${op.runNumber} gets its stop time and its after-stop jobs (organize files, back up configs) are queued.`,
  },
};

export function Interrupted({ operation, readOnly }: { operation: InterruptedOperation | null | undefined; readOnly: boolean }) {
  const resolve = useMutation('runs.resolveInterrupted');
  if (!operation) return null;
  return (
    <section className={`panel ${styles.wide} ${styles.attention}`} aria-labelledby="status-interrupted-heading">
      <h3 id="status-interrupted-heading" className={styles.panelTitle}>
        <TriangleExclamationPoint aria-hidden="true" size={18} /> {operation.kind === 'failed' ? 'A failed Start all left servers to resolve' : `${operation.operation === 'startAll' ? 'Start all' : 'Stop all'} was interrupted`}
      </h3>
      <p role="status">{operation.message}</p>
      {operation.failure ? <p className={styles.hint}>{operation.failure}</p> : null}
      <div className={styles.hostKey}>
        {operation.actions.map((action) => (
          <ConfirmButton
            key={action}
            className={styles.stepButton}
            disabled={readOnly || resolve.pending}
            title={readOnly ? READ_ONLY_REASON : undefined}
            confirm={{ title: `${ACTIONS[action].label}?`, description: <p>{ACTIONS[action].confirm(operation)}</p>, action: ACTIONS[action].label }}
            onRun={() => void resolve.run({ id: operation.id, action })}
          >
            {ACTIONS[action].label}
          </ConfirmButton>
        ))}
      </div>
      <Refusal error={resolve.error} />
    </section>
  );
}
