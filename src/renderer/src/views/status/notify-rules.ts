// What deserves a notification, found by comparing two pushes of ecc.status: a step that failed
// (a server's step error appears, or an operation on all servers ends not ok) and a run that
// stops without Stop all (servers leave Running while a run is recorded as going). Pure: the
// Notifications component keeps the previous push and what it has already said.
import type { EccOperationStatus, EccServerStatus, EccStatus } from '../../../../shared/api/contract';
import { ACQUIRING } from './rules';

export interface Notice {
  key: string;
  tone: 'error' | 'warning';
  title: string;
  message: string;
}

export interface Detected {
  notices: Notice[];
  /** The step-failure messages said so far (newest last, bounded), so a report repeating them is not said twice. */
  said: string[];
}

const SAID_LIMIT = 100;

const isStopAll = (operation: EccOperationStatus | null) => operation?.name === 'Stop all';

export function detectNotices(
  previous: EccStatus | undefined,
  next: EccStatus,
  currentRun: { number: number } | null,
  said: readonly string[],
): Detected {
  // The first push, or another experiment: what is there already is shown by the status view, not announced.
  if (!previous || previous.experimentId !== next.experimentId) return { notices: [], said: [...said] };
  const before = new Map<number, EccServerStatus>(previous.servers.map((s) => [s.id, s]));
  const notices: Notice[] = [];
  const nowSaid = [...said];

  for (const server of next.servers) {
    const was = before.get(server.id);
    const error = server.lastError;
    if (error?.kind === 'step' && was?.lastError?.time !== error.time) {
      notices.push({ key: `step:${server.id}:${error.time}`, tone: 'error', title: `Step failed on ${server.name}`, message: error.message });
      nowSaid.push(error.message);
    }
    if (was?.reachable === true && server.reachable === false) {
      notices.push({
        key: `unreachable:${server.id}:${server.lastError?.time ?? ''}`,
        tone: 'warning',
        title: `${server.name} does not answer`,
        message: server.lastError?.message ?? `${server.name} stopped answering`,
      });
    }
  }

  const report = next.lastReport;
  if (report && !report.ok && report.finishedAt !== previous.lastReport?.finishedAt) {
    const unsaid = report.failures.length === 0 || report.failures.some((f) => !nowSaid.includes(f.message));
    if (unsaid) notices.push({ key: `report:${report.finishedAt}`, tone: 'error', title: `${report.name} failed`, message: report.message });
  }

  if (currentRun && !isStopAll(previous.operation) && !isStopAll(next.operation)) {
    const left = next.servers.filter((s) => {
      const was = before.get(s.id);
      return was !== undefined && ACQUIRING.has(was.state) && s.state !== null && !ACQUIRING.has(s.state);
    });
    if (left.length > 0) {
      const names = left.map((s) => `${s.name} (now ${s.state})`).join(', ');
      notices.push({
        key: `left:${currentRun.number}:${left.map((s) => `${s.id}=${s.state}`).join(',')}`,
        tone: 'error',
        title: `Run ${currentRun.number} stopped unexpectedly`,
        message: `${names} left Running without Stop all, so ${left.length === 1 ? 'its boards take' : 'their boards take'} no data. The run is still recorded as going: end it with Stop all.`,
      });
    }
  }

  return { notices, said: nowSaid.slice(-SAID_LIMIT) };
}
