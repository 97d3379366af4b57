// The server's refusal of an action, under the control that asked for it.
import styles from './status.module.css';

export function Refusal({ error, id }: { error: Error | undefined; id?: string }) {
  if (!error) return null;
  return (
    <p id={id} className={styles.refusal} role="alert">
      Refused: {error.message}
    </p>
  );
}
