// A run's config provenance as the run sheet shows it: the short hash of its config files at the
// start, "config changed" when they differ from the previous run's, and each file that changed
// during the run (found at the backup after Stop).
import type { Run } from '../../../../shared/domain';
import styles from './runsheet.module.css';

export function ConfigMark({ run }: { run: Run }) {
  const { hash, changed, warnings } = run.config;
  return (
    <>
      {hash !== null ? (
        <code className={styles.configHash} title="Short hash of the run's config files at its start">
          {hash}
        </code>
      ) : null}
      {changed === true ? <span className={styles.configChanged}> config changed</span> : null}
      {warnings.map((warning) => (
        <div key={warning} className={styles.unstopped}>
          {warning}
        </div>
      ))}
    </>
  );
}
