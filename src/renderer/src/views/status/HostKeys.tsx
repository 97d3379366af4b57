// Worker computers that presented a host key the application does not know: the key's type and
// fingerprint, which the operator compares with the computer's own (ssh-keygen -l) before
// trusting it. Shown only when there is one.
import { memo } from 'react';
import { KeyRound } from 'lucide-react';
import type { PresentedHostKeyInfo, WorkersStatus } from '../../../../shared/api/contract';
import { useMutation } from '../../api/hooks';
import { ConfirmButton } from './ConfirmButton';
import { READ_ONLY_REASON } from './rules';
import styles from './status.module.css';
import { Refusal } from './Refusal';

interface Presented extends PresentedHostKeyInfo {
  /** The ECC servers and data routers on that computer whose checks met the key. */
  users: string[];
  /** What the check said (unknown key, changed key…). */
  kind: string;
}

/** The keys presented, one entry per host, port and fingerprint. */
export function presentedKeys(workers: WorkersStatus | undefined): Presented[] {
  if (!workers) return [];
  const found = new Map<string, Presented>();
  for (const component of [...workers.eccServers, ...workers.dataRouters]) {
    const key = component.hostKey;
    if (!key) continue;
    const name = `${key.host}:${key.port} ${key.fingerprint}`;
    const entry = found.get(name) ?? { ...key, users: [], kind: component.error?.kind ?? 'unknown-host' };
    entry.users.push(component.name);
    found.set(name, entry);
  }
  return [...found.values()];
}

const HostKeyRow = memo(function HostKeyRow({ entry, readOnly }: { entry: Presented; readOnly: boolean }) {
  const trust = useMutation('hosts.trust');
  const changed = entry.kind !== 'unknown-host';
  return (
    <li className={styles.hostKey}>
      <p>
        <KeyRound aria-hidden="true" size={16} />{' '}
        <strong>
          {entry.host}:{entry.port}
        </strong>{' '}
        ({entry.users.join(', ')}) presented {changed ? `a key that does not match (${entry.kind})` : 'a key not known yet'}:{' '}
        <span className="mono">{entry.keyType}</span> <span className={`mono ${styles.fingerprint}`}>{entry.fingerprint}</span>
      </p>
      <ConfirmButton
        className={styles.stepButton}
        aria-label={`Trust this key of ${entry.host}`}
        disabled={readOnly || trust.pending || changed}
        title={readOnly ? READ_ONLY_REASON : changed ? 'A changed or revoked key is not trusted from here: check the computer, then edit known_hosts' : undefined}
        confirm={{
          title: `Trust the host key of ${entry.host}?`,
          description: (
            <>
              <p>
                Compare this fingerprint with the one the computer itself shows (on {entry.host}:{' '}
                <span className="mono">ssh-keygen -lf /etc/ssh/ssh_host_{entry.keyType.replace(/^ssh-/, '').replace(/-.*/, '')}_key.pub</span>
                ). Trust it only if they are the same.
              </p>
              <p className={`mono ${styles.fingerprint}`}>
                {entry.keyType} {entry.fingerprint}
              </p>
            </>
          ),
          action: 'Trust this key',
        }}
        onRun={() => void trust.run({ host: entry.host, port: entry.port, keyType: entry.keyType, fingerprint: entry.fingerprint })}
      >
        Trust this key
      </ConfirmButton>
      <Refusal error={trust.error} />
    </li>
  );
});

export function HostKeys({ keys, readOnly }: { keys: Presented[]; readOnly: boolean }) {
  if (keys.length === 0) return null;
  return (
    <section className={`panel ${styles.wide} ${styles.attention}`} aria-labelledby="status-hostkeys-heading">
      <h3 id="status-hostkeys-heading" className={styles.panelTitle}>
        <KeyRound aria-hidden="true" size={18} /> Host keys to check ({keys.length})
      </h3>
      <ul className={styles.hostKeys}>
        {keys.map((entry) => (
          <HostKeyRow key={`${entry.host}:${entry.port}:${entry.fingerprint}`} entry={entry} readOnly={readOnly} />
        ))}
      </ul>
    </section>
  );
}
