// The ECC servers, one row each: state (and a step under way), whether it answers, its process as
// the SSH check saw it, the selected config set with a chooser that reads the list from the
// server again, the per-server steps (enabled only where valid) and its remote log; the last
// error under the row. Rows are memoized: a push re-renders only the rows it changed.
import { memo, useId } from 'react';
import { Select } from 'radix-ui';
import { Check, ChevronDown, Cpu, RefreshCw, ScrollText, TriangleAlert, Wifi, WifiOff, Hourglass } from 'lucide-react';
import type { EccServerStatus, EccServerWorkerStatus, ProcessOnPort } from '../../../../shared/api/contract';
import { configSetLabel, type EccServer, type EccStep } from '../../../../shared/domain';
import { useMutation } from '../../api/hooks';
import { ConfirmButton, type Confirmation } from './ConfirmButton';
import { ACQUIRING, configSetChoiceValidity, serverResetValidity, serverStepValidity, type ServerFacts } from './rules';
import { StateBadge } from '../../components/StateBadge';
import { formatDuration, formatTime, useNow } from '../../components/time';
import type { LogTarget } from './RemoteLogDialog';
import { StatusTable } from './StatusTable';
import styles from './status.module.css';

const STEPS: readonly EccStep[] = ['Describe', 'Prepare', 'Configure', 'Start', 'Stop'];
const COLUMNS = ['Server', 'State', 'Answers', 'Process', 'Config set', 'Steps', 'Log'] as const;

/**
 * The state, or, while the server does not answer, its last state marked as history with its age:
 * never shown as the present.
 */
function ServerState({ server, busy }: { server: EccServerStatus; busy: string | null }) {
  const now = useNow(1000);
  if (server.stateCurrent || server.state === null || server.stateReadAt === null) return <StateBadge state={server.state} transition={busy} />;
  const age = Math.max(0, Math.round((now - Date.parse(server.stateReadAt)) / 1000));
  return (
    <span className="state-history" title={`Last read at ${formatTime(server.stateReadAt)}; the server does not answer since`}>
      <StateBadge state={server.state} transition={null} />
      <span className={styles.sub}>
        {' '}
        {age < 120 ? `${age} s` : age < 7200 ? `${Math.round(age / 60)} min` : formatDuration(age * 1000)} ago, not answering
      </span>
    </span>
  );
}

export function Reachability({ reachable, lastContact }: { reachable: boolean | null; lastContact: string | null }) {
  if (reachable === null) {
    return (
      <span className={`state ${styles.toneMuted}`}>
        <Hourglass aria-hidden="true" size={16} />
        Not contacted yet
      </span>
    );
  }
  return reachable ? (
    <span className={`state ${styles.toneOk}`} title={`Last answer ${formatTime(lastContact)}`}>
      <Wifi aria-hidden="true" size={16} />
      Answers
    </span>
  ) : (
    <span className={`state ${styles.toneError}`} title={`Last answer ${formatTime(lastContact)}`}>
      <WifiOff aria-hidden="true" size={16} />
      No answer
    </span>
  );
}

/** What listens on the port, in words: the program's own pid, nobody, or another program named. */
export function processText(process: ProcessOnPort): string {
  switch (process.kind) {
    case 'running':
      return `Running (pid ${process.pid})`;
    case 'not-running':
      return `Not running on port ${process.port}`;
    case 'other-program':
      return `port ${process.port}: ${process.program} listens (pid ${process.pid})`;
  }
}

/**
 * A program's process as the last SSH check saw it: the program listening on its port. A check
 * that fails shows what was last known with its time, never as the present; on a computer that
 * cannot be reached the computer's own block says why.
 */
export function ProcessCheck({
  check,
  program,
  hostDown = false,
}: {
  check: Pick<EccServerWorkerStatus, 'checkedAt' | 'answeredAt' | 'process' | 'error'> | undefined;
  program: string;
  hostDown?: boolean;
}) {
  if (!check || check.checkedAt === null) {
    return (
      <span className={`state ${styles.toneMuted}`}>
        <Hourglass aria-hidden="true" size={16} />
        Not checked yet
      </span>
    );
  }
  if (check.error) {
    const failing = hostDown ? 'computer not answering' : `check failing (${check.error.kind})`;
    return (
      <span className={`state ${styles.toneWarn}`} title={check.error.message}>
        <TriangleAlert aria-hidden="true" size={16} />
        {check.process ? `${processText(check.process)} as of ${formatTime(check.answeredAt)}, ${failing}` : `Not known, ${failing}`}
      </span>
    );
  }
  const running = check.process?.kind === 'running';
  return (
    <span className={`state ${running ? styles.toneOk : styles.toneError}`} title={`${program} on its port, checked ${formatTime(check.checkedAt)}`}>
      <Cpu aria-hidden="true" size={16} />
      {check.process ? processText(check.process) : 'Not known'}
    </span>
  );
}

function ConfigSetChooser({ server, setup, facts }: { server: EccServerStatus; setup: EccServer | undefined; facts: ServerFacts }) {
  const select = useMutation('configSets.select');
  const refresh = useMutation('configSets.refresh');
  const choice = configSetChoiceValidity(server, setup?.state ?? null, facts);
  const sets = setup?.configSets ?? [];
  const selected = sets.find((s) => s.selected);
  const readList = () => {
    if (!facts.readOnly) void refresh.run({ eccServerId: server.id });
  };
  const error = select.error ?? refresh.error;
  return (
    <div>
      <div className={styles.chooser}>
        <Select.Root
          value={selected ? String(selected.id) : ''}
          disabled={!choice.enabled || select.pending}
          onValueChange={(value) => void select.run({ id: Number(value) })}
          // Opening the chooser reads the server's list again; the new sets appear as they arrive.
          onOpenChange={(open) => {
            if (open) readList();
          }}
        >
          <Select.Trigger className={styles.selectTrigger} aria-label={`Config set of ${server.name}`} title={choice.reason ?? undefined}>
            <Select.Value placeholder={sets.length === 0 ? 'None known: read the list' : 'None selected'} />
            <Select.Icon>
              <ChevronDown aria-hidden="true" size={14} />
            </Select.Icon>
          </Select.Trigger>
          <Select.Portal>
            <Select.Content className={styles.selectContent} position="popper" sideOffset={4}>
              <Select.Viewport>
                {sets.length === 0 ? <div className={styles.selectEmpty}>Reading the list…</div> : null}
                {sets.map((set) => (
                  <Select.Item key={set.id} value={String(set.id)} className={styles.selectItem}>
                    <Select.ItemIndicator className={styles.selectIndicator}>
                      <Check aria-hidden="true" size={14} />
                    </Select.ItemIndicator>
                    <Select.ItemText>{configSetLabel(set)}</Select.ItemText>
                  </Select.Item>
                ))}
              </Select.Viewport>
            </Select.Content>
          </Select.Portal>
        </Select.Root>
        <button
          type="button"
          className={styles.iconButton}
          aria-label={`Read the config sets of ${server.name}`}
          title={facts.readOnly ? choice.reason ?? undefined : `Read the list of config sets from ${server.name} again`}
          disabled={facts.readOnly || refresh.pending}
          onClick={readList}
        >
          <RefreshCw aria-hidden="true" size={14} />
        </button>
      </div>
      {error ? (
        <p className={styles.refusal} role="alert">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}

export interface EccServerRowProps {
  server: EccServerStatus;
  setup: EccServer | undefined;
  worker: EccServerWorkerStatus | undefined;
  /** Its computer cannot be reached (shown once, for the computer). */
  hostDown: boolean;
  readOnly: boolean;
  operation: string | null;
  runNumber: number | null;
  onShowLog: (target: LogTarget) => void;
}

export const EccServerRow = memo(function EccServerRow({ server, setup, worker, hostDown, readOnly, operation, runNumber, onShowLog }: EccServerRowProps) {
  const id = useId();
  const step = useMutation('ecc.step');
  const reset = useMutation('ecc.reset');
  const refresh = useMutation('ecc.refresh');
  const selected = setup?.configSets.find((s) => s.selected);
  const facts: ServerFacts = { readOnly, operation, hasConfigSet: selected !== undefined };
  const back = serverResetValidity(server, facts);
  const busy = server.activity ?? server.transition;
  // Taking one server of a going run out of Running leaves the run recorded without its data: ask.
  const confirmFor = (what: EccStep | null): Confirmation | null =>
    runNumber !== null && ACQUIRING.has(server.state) && (what === 'Stop' || what === 'Breakup')
      ? {
          title: `${what} ${server.name} during run ${runNumber}?`,
          description: (
            <p>
              Run {runNumber} is going. {what} on {server.name} alone takes its boards out of the run while the run stays
              recorded as going. To end the run, use Stop all.
            </p>
          ),
          action: `${what} ${server.name}`,
        }
      : null;
  const mutationError = step.error ?? reset.error ?? refresh.error;
  const errorId = `${id}-error`;
  return (
    <>
      <tr className={server.lastError || mutationError ? styles.rowWithError : undefined} aria-describedby={server.lastError ? errorId : undefined}>
        <th scope="row">
          <span className={styles.name}>{server.name}</span>
          {server.drivesMutant ? <span className={styles.tag}>MuTAnT</span> : null}
          <div className={`mono ${styles.sub}`}>
            {server.address}:{server.port}
          </div>
        </th>
        <td>
          <ServerState server={server} busy={busy} />
        </td>
        <td>
          <Reachability reachable={server.reachable} lastContact={server.lastContact} />
        </td>
        <td>
          <ProcessCheck check={worker} program="getEccSoapServer" hostDown={hostDown} />
        </td>
        <td>
          <ConfigSetChooser server={server} setup={setup} facts={facts} />
        </td>
        <td>
          <div className={styles.steps} role="group" aria-label={`Steps of ${server.name}`}>
            {STEPS.map((name) => {
              const validity = serverStepValidity(server, name, facts);
              return (
                <ConfirmButton
                  key={name}
                  className={styles.stepButton}
                  aria-label={`${name} ${server.name}`}
                  title={validity.reason ?? `${name} on ${server.name}`}
                  disabled={!validity.enabled || step.pending}
                  confirm={confirmFor(name)}
                  onRun={() => void step.run({ eccServerId: server.id, step: name })}
                >
                  {name}
                </ConfirmButton>
              );
            })}
            <ConfirmButton
              className={styles.stepButton}
              aria-label={`Step back ${server.name}`}
              title={back.reason ?? `Reset: one step back on ${server.name} (${back.step ?? ''})`}
              disabled={!back.enabled || reset.pending}
              confirm={confirmFor(back.step)}
              onRun={() => void reset.run({ eccServerId: server.id })}
            >
              Back{back.step ? `: ${back.step}` : ''}
            </ConfirmButton>
            <button
              type="button"
              className={styles.iconButton}
              aria-label={`Refresh the state of ${server.name}`}
              title={readOnly ? 'Read-only connection' : `Read the state of ${server.name} now`}
              disabled={readOnly || refresh.pending}
              onClick={() => void refresh.run({ eccServerId: server.id })}
            >
              <RefreshCw aria-hidden="true" size={14} />
            </button>
          </div>
        </td>
        <td>
          <button
            type="button"
            className={styles.iconButton}
            aria-label={`Remote log of ${server.name}`}
            title={setup ? `${setup.logPath} on ${server.address}` : undefined}
            onClick={() => onShowLog({ component: 'eccServer', id: server.id, name: server.name })}
          >
            <ScrollText aria-hidden="true" size={16} />
          </button>
        </td>
      </tr>
      {server.lastError || mutationError ? (
        <tr className={styles.errorRow}>
          <td colSpan={COLUMNS.length} id={errorId}>
            {server.lastError ? (
              <p className={styles.errorLine}>
                <TriangleAlert aria-hidden="true" size={16} />
                <span>
                  <strong>
                    Last error of {server.name} ({errorKind(server.lastError.kind)}, {formatTime(server.lastError.time)}):
                  </strong>{' '}
                  {server.lastError.message}
                </span>
              </p>
            ) : null}
            {mutationError ? (
              <p className={styles.errorLine} role="alert">
                <TriangleAlert aria-hidden="true" size={16} />
                <span>
                  <strong>Refused:</strong> {mutationError.message}
                </span>
              </p>
            ) : null}
          </td>
        </tr>
      ) : null}
    </>
  );
});

function errorKind(kind: NonNullable<EccServerStatus['lastError']>['kind']): string {
  return kind === 'step' ? 'step' : kind === 'refresh' ? 'reading its state' : 'reading its config sets';
}

export interface EccServersTableProps {
  servers: EccServerStatus[];
  setupById: ReadonlyMap<number, EccServer>;
  workerById: ReadonlyMap<number, EccServerWorkerStatus>;
  /** The worker computers that cannot be reached, by address. */
  downHosts: ReadonlySet<string>;
  readOnly: boolean;
  operation: string | null;
  runNumber: number | null;
  onShowLog: (target: LogTarget) => void;
}

export function EccServersTable({ servers, setupById, workerById, downHosts, readOnly, operation, runNumber, onShowLog }: EccServersTableProps) {
  return (
    <StatusTable
      headingId="status-ecc-heading"
      title="ECC servers"
      count={servers.length}
      columns={COLUMNS}
      empty="No ECC servers in this experiment: add them in Setup."
      className={styles.wide}
    >
      {servers.map((server) => (
        <EccServerRow
          key={server.id}
          server={server}
          setup={setupById.get(server.id)}
          worker={workerById.get(server.id)}
          hostDown={downHosts.has(server.address)}
          readOnly={readOnly}
          operation={operation}
          runNumber={runNumber}
          onShowLog={onShowLog}
        />
      ))}
    </StatusTable>
  );
}
