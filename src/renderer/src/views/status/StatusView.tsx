// The status view: what the shift crew watches. The overall state, the run, the controls for all
// ECC servers (each saying why when it cannot be used), every ECC server and data router live,
// host keys to check, worker computers that cannot be reached, the data flow of the run and its
// rate plot, the newest log entries, and the
// after-stop jobs not done yet. Everything comes from subscriptions, whose
// unchanged parts keep their objects (useSubscription): the memoized rows re-render only when
// what they show changed.
import { useCallback, useMemo, useState } from 'react';
import type { DataRouterFlow, DataRouterWorkerStatus, EccServerWorkerStatus } from '../../../../shared/api/contract';
import type { EccServer } from '../../../../shared/domain';
import { useSubscription } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { AfterStopJobs } from './AfterStopJobs';
import { DataFlowPlot } from './DataFlowPlot';
import { DataRoutersTable } from './DataRoutersTable';
import { EccServersTable } from './EccServersTable';
import { GlobalControls } from './GlobalControls';
import { HostKeys, presentedKeys } from './HostKeys';
import { Interrupted } from './Interrupted';
import { OverallState, RunInfo } from './Overview';
import { RecentLog } from './RecentLog';
import { RunPlanPanel } from './RunPlan';
import { RemoteLogDialog, type LogTarget } from './RemoteLogDialog';
import { StartChecklist } from './StartChecklist';
import { WorkerHosts, downHosts } from './WorkerHosts';
import type { ControlFacts } from './rules';
import styles from './status.module.css';

const NEWEST_LOG_ENTRIES = 12;

function byId<T extends { id: number }>(items: readonly T[] | undefined): ReadonlyMap<number, T> {
  return new Map((items ?? []).map((item) => [item.id, item]));
}

export function StatusView() {
  const readOnly = useReadOnly();
  const ecc = useSubscription('ecc.status', {}).data;
  const runs = useSubscription('runs.status', {}).data;
  const setup = useSubscription('setup.get', {}).data;
  const workers = useSubscription('workers.status', {}).data;
  const flow = useSubscription('dataFlow.status', {}).data;
  const sheet = useSubscription('runSheet.get', {}).data;
  const log = useSubscription('log.list', { limit: NEWEST_LOG_ENTRIES });
  const interrupted = useSubscription('runs.interrupted', {}).data;

  const [logTarget, setLogTarget] = useState<LogTarget | null>(null);
  const closeLog = useCallback(() => setLogTarget(null), []);

  const eccSetup = useMemo(() => byId<EccServer>(setup?.eccServers), [setup?.eccServers]);
  const hasConfigSet = useMemo(
    () => (setup ? new Map(setup.eccServers.map((s) => [s.id, s.configSets.some((set) => set.selected)])) : undefined),
    [setup],
  );
  const eccWorkers = useMemo(() => byId<EccServerWorkerStatus>(workers?.eccServers), [workers?.eccServers]);
  const routerChecks = useMemo(() => byId<DataRouterWorkerStatus>(workers?.dataRouters), [workers?.dataRouters]);
  const routerFlows = useMemo(() => byId<DataRouterFlow>(flow?.routers), [flow?.routers]);
  const sourceByRouter = useMemo(() => new Map((setup?.dataSources ?? []).map((s) => [s.dataRouterId, s.name])), [setup?.dataSources]);
  const hostKeys = useMemo(() => presentedKeys(workers), [workers]);
  const unreachable = useMemo(() => downHosts(workers), [workers]);
  const downAddresses = useMemo(() => new Set(unreachable.map((h) => h.address)), [unreachable]);

  const currentRun = runs?.currentRun ?? null;
  const run = currentRun ? sheet?.runs.find((r) => r.id === currentRun.id) : undefined;
  const lastRun = useMemo(() => {
    const stopped = sheet?.runs.filter((r) => r.stopTime !== null) ?? [];
    return stopped.reduce<(typeof stopped)[number] | undefined>((last, r) => (last === undefined || r.number > last.number ? r : last), undefined);
  }, [sheet]);
  const experimentName = setup?.experiment.name ?? sheet?.experiment.name;

  const facts: ControlFacts = { readOnly, ecc, runs, hasConfigSet };

  return (
    <section className={styles.view} aria-labelledby="status-heading">
      <h2 id="status-heading" className={styles.viewTitle}>
        Status
      </h2>
      <div className={styles.top}>
        <div className={styles.topLeft}>
          <OverallState ecc={ecc} experimentName={experimentName} />
          <RunInfo runs={runs} run={run} experimentName={experimentName} lastRun={lastRun} />
        </div>
        <GlobalControls facts={facts} />
      </div>
      <Interrupted operation={interrupted} readOnly={readOnly} />
      <RunPlanPanel facts={facts} />
      <StartChecklist items={runs?.checklist} readOnly={readOnly} runNumber={currentRun?.number ?? null} />
      <HostKeys keys={hostKeys} readOnly={readOnly} />
      <WorkerHosts hosts={unreachable} />
      <EccServersTable
        servers={ecc?.servers ?? []}
        setupById={eccSetup}
        workerById={eccWorkers}
        downHosts={downAddresses}
        readOnly={readOnly}
        operation={ecc?.operation?.name ?? null}
        runNumber={currentRun?.number ?? null}
        onShowLog={setLogTarget}
      />
      <div className={styles.bottom}>
        <DataRoutersTable
          routers={setup?.dataRouters ?? []}
          sourceByRouter={sourceByRouter}
          checkById={routerChecks}
          flowById={routerFlows}
          flowTotal={flow?.run ? flow.total : null}
          downHosts={downAddresses}
          pendingJobs={runs?.pendingJobs ?? 0}
          runGoing={currentRun !== null}
          readOnly={readOnly}
          onShowLog={setLogTarget}
        />
        <DataFlowPlot runGoing={currentRun !== null} />
        <RecentLog entries={log.data?.items} error={log.error} />
      </div>
      <AfterStopJobs readOnly={readOnly} />
      <RemoteLogDialog target={logTarget} onClose={closeLog} />
    </section>
  );
}
