// The worker computers that cannot be reached: one block per computer (why, since when, which
// programs on it are therefore not checked) instead of one error per program. Shown only when
// there is one; a host key to check is offered under "Host keys to check".
import { memo } from 'react';
import { ServerOff } from 'lucide-react';
import type { WorkerHostStatus, WorkersStatus } from '../../../../shared/api/contract';
import { formatTime } from '../../components/time';
import styles from './status.module.css';

interface DownHost extends WorkerHostStatus {
  /** The ECC servers and data routers on it. */
  programs: string[];
}

/** The computers whose last round could not reach them, with the programs on each. */
export function downHosts(workers: WorkersStatus | undefined): DownHost[] {
  if (!workers) return [];
  return workers.hosts
    .filter((h) => h.reachable === false)
    .map((h) => ({
      ...h,
      programs: [...workers.eccServers, ...workers.dataRouters].filter((p) => p.address === h.address).map((p) => p.name),
    }));
}

const DownHostRow = memo(function DownHostRow({ host }: { host: DownHost }) {
  return (
    <li className={styles.hostKey}>
      <p>
        <ServerOff aria-hidden="true" size={16} /> <strong>{host.address}</strong> cannot be reached ({host.error?.kind ?? 'unknown'}, {formatTime(host.checkedAt)}):{' '}
        {host.error?.message}
        <span className={styles.sub}> — not checked: {host.programs.join(', ')}; their last known states are shown with their times</span>
      </p>
    </li>
  );
});

export function WorkerHosts({ hosts }: { hosts: DownHost[] }) {
  if (hosts.length === 0) return null;
  return (
    <section className={`panel ${styles.wide} ${styles.attention}`} aria-labelledby="status-hosts-heading">
      <h3 id="status-hosts-heading" className={styles.panelTitle}>
        <ServerOff aria-hidden="true" size={18} /> Worker computers not answering ({hosts.length})
      </h3>
      <ul className={styles.hostKeys}>
        {hosts.map((host) => (
          <DownHostRow key={host.address} host={host} />
        ))}
      </ul>
    </section>
  );
}
