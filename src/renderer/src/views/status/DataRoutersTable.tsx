// The data routers as the SSH checks last saw them: the program on its port, staging directory
// clean (with its .graw file count; from an earlier check, with its time, when the last one
// failed), its disk's free space, when checked, and what went wrong when a check failed (a
// computer that cannot be reached is said once, above, not in every row on it); the remote log.
// A staging directory known not clean while no run goes can have its leftovers moved aside.
// During a run, each router's data flow (dataFlow.status): files and bytes written in the run,
// MB/s, the time since its files last grew, and its disk's time to full; the total under them.
// A reading that is not current is shown as history, with its time.
import { memo } from 'react';
import { FolderCheck, FolderX, FolderSearch, HardDriveDownload, KeyRound, ScrollText, TriangleAlert } from 'lucide-react';
import { useMutation } from '../../api/hooks';
import { ConfirmButton } from './ConfirmButton';
import { READ_ONLY_REASON } from './rules';
import type { DataFlowTotal, DataRouterFlow, DataRouterWorkerStatus } from '../../../../shared/api/contract';
import type { DataRouter } from '../../../../shared/domain';
import { ProcessCheck } from './EccServersTable';
import type { LogTarget } from './RemoteLogDialog';
import { StatusTable } from './StatusTable';
import { plural } from '../../components/counts';
import { formatTime } from '../../components/time';
import { formatBytes, formatRate, formatSeconds } from '../../components/data-units';
import styles from './status.module.css';
import { Refusal } from './Refusal';

const COLUMNS = ['Router', 'Process', 'Staging directory', 'Data flow', 'Checked', 'Log'] as const;

/** Files grown for this long without growth look stalled (a shift's first question: is data flowing?). */
const STALLED_SECONDS = 10;

/** KiB as GB with one decimal (df's units are KiB; the control room reads GB). */
export function gigabytes(kb: number): string {
  return `${(kb / 1024 / 1024).toFixed(1)} GB`;
}

function Staging({ check, flow }: { check: DataRouterWorkerStatus | undefined; flow: DataRouterFlow | undefined }) {
  const files = check?.grawFiles ?? null;
  const count = files === null ? '' : ` (${plural(files, '.graw file')})`;
  let shown;
  if (check && check.clean !== null && !check.cleanCurrent) {
    // History: what an earlier check found, never shown as the present.
    shown = (
      <span className={`state ${styles.toneMuted}`} title="The latest check did not look at the staging directory">
        <FolderSearch aria-hidden="true" size={16} />
        {check.clean ? 'Clean' : 'Not clean'}
        {count} as of {formatTime(check.cleanCheckedAt)}, {check.error ? 'check failing' : 'not checked now'}
      </span>
    );
  } else if (!check || check.clean === null) {
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
      {check?.disk ? (
        <div className={`${styles.sub} ${check.disk.usedPercent >= 90 ? styles.toneWarn : ''}`} title={`${check.disk.mountPoint}: ${gigabytes(check.disk.totalKb)} in all`}>
          {gigabytes(check.disk.availableKb)} free ({check.disk.usedPercent}% used)
          {flow?.disk?.secondsToFull != null ? <>, full in {formatSeconds(flow.disk.secondsToFull)} at the current rate</> : null}
        </div>
      ) : null}
    </>
  );
}

/** What the run wrote to the router, at what rate, and since when it has not grown; history when the reading is not current. */
function DataFlow({ flow }: { flow: DataRouterFlow | undefined }) {
  if (!flow) return <span className={styles.toneMuted}>—</span>;
  if (flow.readAt === null) {
    return (
      <span className={`state ${styles.toneMuted}`} title={flow.error?.message}>
        {flow.error ? `Not read: ${flow.error.message}` : 'Not read yet'}
      </span>
    );
  }
  const written = `${plural(flow.runFiles ?? 0, 'file')}, ${formatBytes(flow.runBytes ?? 0)}`;
  const rate = flow.rateMBps === null ? 'rate after the next reading' : formatRate(flow.rateMBps);
  if (!flow.current) {
    return (
      <span className={`state ${styles.toneMuted}`} title={flow.error?.message}>
        <HardDriveDownload aria-hidden="true" size={16} />
        <span>
          {written}, {rate} as of {formatTime(flow.readAt)}, {flow.error ? `read failing (${flow.error.kind})` : 'not read now'}
        </span>
      </span>
    );
  }
  const stalled = (flow.secondsSinceGrowth ?? 0) >= STALLED_SECONDS;
  return (
    <>
      <span className={`state ${stalled ? styles.toneWarn : styles.toneOk}`} title={flow.newest ? `Newest: ${flow.newest.name} (${formatBytes(flow.newest.size)})` : undefined}>
        <HardDriveDownload aria-hidden="true" size={16} />
        <span>{rate}</span>
      </span>
      <div className={styles.sub}>
        {written}
        {flow.countedFrom === 'first-reading' ? ' (since the first reading)' : ''}
      </div>
      <div className={`${styles.sub} ${stalled ? styles.toneWarn : ''}`}>
        {flow.secondsSinceGrowth === null ? '' : flow.lastGrowthAt === null ? `No growth in ${formatSeconds(flow.secondsSinceGrowth)}` : stalled ? `No growth for ${formatSeconds(flow.secondsSinceGrowth)}` : 'Growing'}
      </div>
    </>
  );
}

/** The sum over every router; says so when some readings are not current. */
function TotalRow({ total }: { total: DataFlowTotal }) {
  return (
    <tr className={styles.totalRow}>
      <th scope="row">All routers</th>
      <td />
      <td />
      <td>
        <span>{total.rateMBps === null ? '—' : formatRate(total.rateMBps)}</span>
        <div className={styles.sub}>
          {plural(total.runFiles, 'file')}, {formatBytes(total.runBytes)} in this run
        </div>
        {total.currentRouters < total.routers ? (
          <div className={`${styles.sub} ${styles.toneWarn}`}>
            {total.currentRouters} of {total.routers} read now: the rest is older
          </div>
        ) : null}
      </td>
      <td />
      <td />
    </tr>
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
      <Refusal error={move.error} />
    </>
  );
}

/** What the last answered check found wrong besides the process and the directory (nothing while checks fail: that is history). */
function problemsOf(check: DataRouterWorkerStatus | undefined): string[] {
  if (!check || check.error) return [];
  const found: string[] = [];
  if (check.diskProblem) found.push(`Free space not known: ${check.diskProblem}`);
  if (check.nextRunFolderProblem) found.push(check.nextRunFolderProblem);
  if (check.nextRunFolder?.exists) found.push(`The next run's folder ${check.nextRunFolder.path} exists already: files of two runs would mix`);
  return found;
}

function Problem({ check, hostDown }: { check: DataRouterWorkerStatus | undefined; hostDown: boolean }) {
  if (!check) return null;
  const others = problemsOf(check).map((text) => (
    <span key={text} className={styles.problem}>
      <TriangleAlert aria-hidden="true" size={16} />
      <span>{text}</span>
    </span>
  ));
  if (hostDown) return others.length > 0 ? <>{others}</> : null;
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
  return others.length > 0 ? <>{others}</> : null;
}

interface RowProps {
  router: DataRouter;
  source: string | undefined;
  check: DataRouterWorkerStatus | undefined;
  /** Its data flow in the current run; undefined when no run goes. */
  flow: DataRouterFlow | undefined;
  /** Leftovers may be moved aside (no run goes, the connection may change things). */
  mayMend: boolean;
  readOnly: boolean;
  /** Its computer cannot be reached (shown once, for the computer). */
  hostDown: boolean;
  onShowLog: (target: LogTarget) => void;
}

const DataRouterRow = memo(function DataRouterRow({ router, source, check, flow, mayMend, readOnly, hostDown, onShowLog }: RowProps) {
  const problem = (!hostDown && (check?.hostKey || check?.error || check?.stagingProblem)) || problemsOf(check).length > 0;
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
          <ProcessCheck check={check} program="dataRouter" hostDown={hostDown} />
        </td>
        <td>
          <Staging check={check} flow={flow} />
          {mayMend && check?.clean === false ? <MoveLeftovers router={router} check={check} readOnly={readOnly} /> : null}
        </td>
        <td>
          <DataFlow flow={flow} />
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
            <Problem check={check} hostDown={hostDown} />
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
  /** The current run's data flow per router, and its total (absent when no run goes). */
  flowById: ReadonlyMap<number, DataRouterFlow>;
  flowTotal: DataFlowTotal | null;
  /** The worker computers that cannot be reached, by address. */
  downHosts: ReadonlySet<string>;
  pendingJobs: number;
  /** A run goes: its files are in the staging directories, nothing is moved aside. */
  runGoing: boolean;
  readOnly: boolean;
  onShowLog: (target: LogTarget) => void;
}

export function DataRoutersTable({ routers, sourceByRouter, checkById, flowById, flowTotal, downHosts, pendingJobs, runGoing, readOnly, onShowLog }: DataRoutersTableProps) {
  return (
    <StatusTable
      className={styles.wide}
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
          flow={flowById.get(router.id)}
          // While after-stop jobs are pending, the files left are theirs to move.
          mayMend={!runGoing && pendingJobs === 0}
          readOnly={readOnly}
          hostDown={downHosts.has(router.address)}
          onShowLog={onShowLog}
        />
      ))}
      {flowTotal && flowTotal.routers > 0 ? <TotalRow total={flowTotal} /> : null}
    </StatusTable>
  );
}
