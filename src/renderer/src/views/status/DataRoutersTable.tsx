// The data routers as the SSH checks last saw them: process alive, staging directory clean (with
// its .graw file count), when checked, and what went wrong when a check failed; the remote log.
// A staging directory known not clean while no run goes can have its leftovers moved aside.
import { memo } from 'react';
import { FolderCheck, FolderX, FolderSearch, KeyRound, ScrollText, TriangleAlert } from 'lucide-react';
import { useMutation } from '../../api/hooks';
import { ConfirmButton } from './ConfirmButton';
import { READ_ONLY_REASON } from './rules';
import type { DataRouterWorkerStatus } from '../../../../shared/api/contract';
import type { DataRouter } from '../../../../shared/domain';
import { ProcessCheck } from './EccServersTable';
import type { LogTarget } from './RemoteLogDialog';
import { StatusTable } from './StatusTable';
import { plural } from '../../components/counts';
import { formatTime } from '../../components/time';
import styles from './status.module.css';

const COLUMNS = ['Router', 'Process', 'Staging directory', 'Checked', 'Log'] as const;

function Staging({ check }: { check: DataRouterWorkerStatus | undefined }) {
  const files = check?.grawFiles ?? null;
  const count = files === null ? '' : ` (${plural(files, '.graw file')})`;
  let shown;
  if (!check || check.clean === null) {
    shown = (
      <span className={`state ${styles.toneMuted}`}>
        <FolderSearch aria-hidden="true" size={16} />
        Not known
      </span>
    );
  } else if (check.clean) {
    shown = (
      <span className={`state ${styles.toneOk}`}>
        <FolderCheck aria-hidden="true" size={16} />
        Clean{count}
      </span>
    );
  } else {
    shown = (
      <span className={`state ${styles.toneWarn}`}>
        <FolderX aria-hidden="true" size={16} />
        Not clean{count}
      </span>
    );
  }
  return (
    <>
      {shown}
      {check?.stagingDirectory ? <div className={`mono ${styles.sub}`}>{check.stagingDirectory}</div> : null}
    </>
  );
}

/** Leftover .graw files (a crash, an earlier session) moved into `<experiment>/unsorted/<time>/`, never deleted. */
function MoveLeftovers({ router, check, readOnly }: { router: DataRouter; check: DataRouterWorkerStatus; readOnly: boolean }) {
  const move = useMutation('dataRouters.moveLeftovers');
  return (
    <>
      <ConfirmButton
        className={styles.stepButton}
        aria-label={`Move the leftover files of ${router.name} aside`}
        disabled={readOnly || move.pending}
        title={readOnly ? READ_ONLY_REASON : undefined}
        confirm={{
          title: `Move the leftover files of ${router.name} aside?`,
          description: (
            <p>
              The {plural(check.grawFiles ?? 0, '.graw file')} in <span className="mono">{check.stagingDirectory}</span> belong to no run being organized. They
              are moved into <span className="mono">&lt;experiment&gt;/unsorted/&lt;date-time&gt;/</span> there: kept, never deleted. Then the router is checked
              again.
            </p>
          ),
          action: 'Move them aside',
        }}
        onRun={() => void move.run({ id: router.id })}
      >
        Move leftovers aside
      </ConfirmButton>
      {move.error ? (
        <p className={styles.refusal} role="alert">
          Refused: {move.error.message}
        </p>
      ) : null}
    </>
  );
}

function Problem({ check }: { check: DataRouterWorkerStatus | undefined }) {
  if (!check) return null;
  if (check.hostKey) {
    return (
      <span className={styles.problem}>
        <KeyRound aria-hidden="true" size={16} />
        <span>Unknown host key: compare its fingerprint and trust it under “Host keys to check”</span>
      </span>
    );
  }
  if (check.error) {
    return (
      <span className={styles.problem}>
        <TriangleAlert aria-hidden="true" size={16} />
        <span>
          Check failed ({check.error.kind}): {check.error.message}
        </span>
      </span>
    );
  }
  if (check.stagingProblem) {
    return (
      <span className={styles.problem}>
        <FolderSearch aria-hidden="true" size={16} />
        <span>Staging directory not found: {check.stagingProblem}</span>
      </span>
    );
  }
  return null;
}

interface RowProps {
  router: DataRouter;
  source: string | undefined;
  check: DataRouterWorkerStatus | undefined;
  /** Leftovers may be moved aside (no run goes, the connection may change things). */
  mayMend: boolean;
  readOnly: boolean;
  onShowLog: (target: LogTarget) => void;
}

const DataRouterRow = memo(function DataRouterRow({ router, source, check, mayMend, readOnly, onShowLog }: RowProps) {
  const problem = check?.hostKey || check?.error || check?.stagingProblem;
  return (
    <>
      <tr className={problem ? styles.rowWithError : undefined}>
        <th scope="row">
          <span className={styles.name}>{router.name}</span>
          {source ? <span className={styles.tag}>{source}</span> : null}
          <div className={`mono ${styles.sub}`}>
            {router.address}:{router.port} {router.connectionType}
          </div>
        </th>
        <td>
          <ProcessCheck check={check} program="dataRouter" />
        </td>
        <td>
          <Staging check={check} />
          {mayMend && check?.clean === false ? <MoveLeftovers router={router} check={check} readOnly={readOnly} /> : null}
        </td>
        <td className={styles.nowrap}>{formatTime(check?.checkedAt)}</td>
        <td>
          <button
            type="button"
            className={styles.iconButton}
            aria-label={`Remote log of ${router.name}`}
            title={`${router.logPath} on ${router.address}`}
            onClick={() => onShowLog({ component: 'dataRouter', id: router.id, name: router.name })}
          >
            <ScrollText aria-hidden="true" size={16} />
          </button>
        </td>
      </tr>
      {problem ? (
        <tr className={styles.problemRow}>
          <td colSpan={COLUMNS.length}>
            <Problem check={check} />
          </td>
        </tr>
      ) : null}
    </>
  );
});

export interface DataRoutersTableProps {
  routers: DataRouter[];
  sourceByRouter: ReadonlyMap<number, string>;
  checkById: ReadonlyMap<number, DataRouterWorkerStatus>;
  pendingJobs: number;
  /** A run goes: its files are in the staging directories, nothing is moved aside. */
  runGoing: boolean;
  readOnly: boolean;
  onShowLog: (target: LogTarget) => void;
}

export function DataRoutersTable({ routers, sourceByRouter, checkById, pendingJobs, runGoing, readOnly, onShowLog }: DataRoutersTableProps) {
  return (
    <StatusTable
      headingId="status-routers-heading"
      title="Data routers"
      count={routers.length}
      note={
        pendingJobs > 0 ? (
          <span className={styles.captionNote}>{plural(pendingJobs, 'after-stop job')} pending (organizing files, backing up configs)</span>
        ) : null
      }
      columns={COLUMNS}
      empty="No data routers in this experiment."
    >
      {routers.map((router) => (
        <DataRouterRow
          key={router.id}
          router={router}
          source={sourceByRouter.get(router.id)}
          check={checkById.get(router.id)}
          // While after-stop jobs are pending, the files left are theirs to move.
          mayMend={!runGoing && pendingJobs === 0}
          readOnly={readOnly}
          onShowLog={onShowLog}
        />
      ))}
    </StatusTable>
  );
}
