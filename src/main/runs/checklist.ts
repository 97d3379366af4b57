// Start all's checklist (issue "the screen tells the truth"): every condition a start needs, each
// passed, failed or NOT KNOWN, with the reason. Shown at all times in the Status view, checked by
// Start all and kept with the run it starts. An unknown item is not a passed one: Start all is
// refused unless an operator overrides that item, with a reason, for the next start.
import type { WorkersStatus } from '../../shared/api/contract';
import type { ChecklistItem, ChecklistStatus, DataRouter, Experiment } from '../../shared/domain';
import type { EccStatusBoard } from '../ecc/control/status';
import type { ServerTarget } from '../ecc/control/queries';
import type { DataRouterCleanliness } from './routers';

export interface Override {
  reason: string;
  by: string;
  at: string;
}

export interface ChecklistFacts {
  experiment: Experiment;
  targets: readonly ServerTarget[];
  board: EccStatusBoard;
  dataRouters: readonly DataRouter[];
  cleanliness: DataRouterCleanliness;
  /** The last SSH checks; null where this process runs none. */
  workers: WorkersStatus | null;
  /** The run before the next one, and how many of its after-stop jobs are not done. */
  previousRun: { number: number; pending: number; failed: number } | null;
  overrides: ReadonlyMap<string, Override>;
  /** `<experiment>/run_NNNN` of the next run. */
  nextRunFolder: string;
  /** The setting: the least free space on every staging file system. */
  minFreeDiskGb: number;
  /** The items of the ECC servers' config files, as their last reading says (config-files.ts). */
  configFiles: readonly Omit<ChecklistItem, 'override'>[];
}

type Draft = Omit<ChecklistItem, 'override'>;

const item = (key: string, label: string, status: ChecklistStatus, reason: string, overridable: boolean): Draft => ({
  key,
  label,
  status,
  reason,
  overridable,
});

/** An ECC server must answer and be Ready with a set: a start cannot succeed otherwise, so no override. */
function eccItem(target: ServerTarget, board: EccStatusBoard): Draft {
  const key = `ecc:${target.id}`;
  const label = `${target.name} answering, Ready, with a selected config set`;
  const state = board.state(target.id);
  if (state === null) return item(key, label, 'unknown', `The state of ${target.name} has not been read yet`, false);
  if (!board.answering(target.id)) return item(key, label, 'unknown', `${target.name} does not answer (${board.describeStale(target.id)})`, false);
  if (target.configSet === null) return item(key, label, 'fail', `${target.name} has no selected config set`, false);
  if (state !== 'Ready') return item(key, label, 'fail', `${target.name} is ${state}, not Ready`, false);
  return item(key, label, 'pass', `${target.name} is Ready`, false);
}

function checkFailure(check: { error: { message: string } | null; checkedAt: string | null }): string | null {
  if (check.checkedAt === null) return 'not checked yet';
  return check.error ? `the last check failed (${check.error.message})` : null;
}

type RouterCheck = WorkersStatus['dataRouters'][number];

function processItem(router: DataRouter, check: RouterCheck | undefined): Draft {
  const key = `process:${router.id}`;
  const label = `${router.name}: its dataRouter runs, listening on port ${router.port}`;
  if (!check) return item(key, label, 'unknown', `${router.name}'s process: not checked (this application runs no SSH checks)`, true);
  const failure = checkFailure(check);
  if (failure) return item(key, label, 'unknown', `${router.name}'s process: ${failure}`, true);
  const process = check.process;
  if (process?.kind === 'running') return item(key, label, 'pass', `${router.name} runs on ${router.address} (pid ${process.pid})`, true);
  if (process?.kind === 'other-program') {
    return item(key, label, 'fail', `Not ${router.name}'s dataRouter but ${process.program} (pid ${process.pid}) listens on ${router.address}:${router.port}`, false);
  }
  if (process?.kind === 'not-running' || check.processRunning === false) {
    return item(key, label, 'fail', `No dataRouter of ${router.name} listens on ${router.address}:${router.port}`, false);
  }
  return item(key, label, 'unknown', `${router.name}'s process: not known yet`, true);
}

function cleanItem(router: DataRouter, cleanliness: DataRouterCleanliness): Draft {
  const key = `clean:${router.id}`;
  const label = `${router.name}: staging folder found and clean`;
  const known = cleanliness.get(router.id);
  if (known.clean === false) {
    const files = known.grawFiles === null ? '' : ` (${known.grawFiles} .graw file${known.grawFiles === 1 ? '' : 's'})`;
    return item(key, label, 'fail', `The staging folder of ${router.name} is not clean${files}: files of an earlier run are still there`, false);
  }
  if (known.clean === true && known.current) return item(key, label, 'pass', `${router.name}: no .graw file at ${known.checkedAt ?? 'the last check'}`, true);
  if (known.clean === true) {
    return item(key, label, 'unknown', `Whether the staging folder of ${router.name} is clean: clean at ${known.checkedAt ?? '?'}, but the checks since fail`, true);
  }
  return item(key, label, 'unknown', `Whether the staging folder of ${router.name} is clean: not checked since the last run, or the check fails`, true);
}

/** The next run's folder must exist on no router: files of two runs would mix (the successor GUI refuses too). */
function runFolderItem(router: DataRouter, check: RouterCheck | undefined, folder: string): Draft {
  const key = `run-folder:${router.id}`;
  const label = `${router.name}: no folder ${folder} yet`;
  if (!check) return item(key, label, 'unknown', `${router.name}'s run folder: not checked (this application runs no SSH checks)`, true);
  const failure = checkFailure(check);
  if (failure) return item(key, label, 'unknown', `${router.name}'s run folder: ${failure}`, true);
  const found = check.nextRunFolder;
  // A check made for another run number (before the last start or stop) says nothing about this one.
  if (!found || !found.path.endsWith(`/${folder}`)) {
    return item(key, label, 'unknown', `${router.name}'s run folder: ${check.nextRunFolderProblem ?? `${folder} not checked yet`}`, true);
  }
  if (found.exists) return item(key, label, 'fail', `${found.path} exists already on ${router.address}: files of two runs would mix (move it away first)`, false);
  return item(key, label, 'pass', `${found.path} does not exist`, true);
}

const KB_PER_GB = 1e9 / 1024;

function diskItem(router: DataRouter, check: RouterCheck | undefined, minFreeGb: number): Draft {
  const key = `disk:${router.id}`;
  const label = `${router.name}: at least ${minFreeGb} GB free on its staging disk`;
  if (!check) return item(key, label, 'unknown', `${router.name}'s free disk: not checked (this application runs no SSH checks)`, true);
  const failure = checkFailure(check);
  if (failure) return item(key, label, 'unknown', `${router.name}'s free disk: ${failure}`, true);
  if (!check.disk) return item(key, label, 'unknown', `${router.name}'s free disk: ${check.diskProblem ?? 'not known yet'}`, true);
  const freeGb = check.disk.availableKb / KB_PER_GB;
  const text = `${freeGb.toFixed(1)} GB free on ${check.disk.mountPoint} (${check.disk.usedPercent}% used)`;
  if (freeGb < minFreeGb) return item(key, label, 'fail', `Only ${text} for ${router.name}, below ${minFreeGb} GB`, true);
  return item(key, label, 'pass', `${router.name}: ${text}`, true);
}

function jobsItem(previous: ChecklistFacts['previousRun']): Draft {
  const label = "The previous run's files organized and configs backed up";
  if (!previous) return item('jobs', label, 'pass', 'No earlier run', true);
  if (previous.failed > 0) {
    return item('jobs', label, 'fail', `${previous.failed} after-stop job${previous.failed === 1 ? '' : 's'} of run ${previous.number} failed: retry or mend them`, true);
  }
  if (previous.pending > 0) {
    return item('jobs', label, 'fail', `${previous.pending} after-stop job${previous.pending === 1 ? '' : 's'} of run ${previous.number} still pending`, true);
  }
  return item('jobs', label, 'pass', `Every after-stop job of run ${previous.number} is done`, true);
}

/** The checklist as it stands now, with the overrides that apply to it. */
export function startChecklist(facts: ChecklistFacts): ChecklistItem[] {
  const drafts: Draft[] = [
    ...facts.targets.map((t) => eccItem(t, facts.board)),
    ...facts.configFiles,
    ...facts.dataRouters.flatMap((r) => {
      const check = facts.workers?.dataRouters.find((c) => c.id === r.id);
      return [processItem(r, check), cleanItem(r, facts.cleanliness), runFolderItem(r, check, facts.nextRunFolder), diskItem(r, check, facts.minFreeDiskGb)];
    }),
    jobsItem(facts.previousRun),
  ];
  return drafts.map((d) => ({ ...d, override: d.overridable ? (facts.overrides.get(d.key) ?? null) : null }));
}

/** The items that keep Start all from going: not passed and not overridden. */
export function blockingItems(items: readonly ChecklistItem[]): ChecklistItem[] {
  return items.filter((i) => i.status !== 'pass' && i.override === null);
}

/** `ECC0 is Idle, not Ready; not known: DataRouter1's process: not checked yet` (failures first). */
export function describeBlocking(items: readonly ChecklistItem[]): string {
  const failed = items.filter((i) => i.status === 'fail').map((i) => i.reason);
  const unknown = items.filter((i) => i.status === 'unknown').map((i) => i.reason);
  return [...failed, ...(unknown.length > 0 ? [`not known (override with a reason, or check again): ${unknown.join('; ')}`] : [])].join('; ');
}
