// When a control of the status view is valid, and why not when it is not: the same facts, in the
// same order, as the server checks (src/main/ecc/control/control.ts, src/main/runs/run-control.ts),
// so that a disabled button says what the server would answer. The server still decides: its
// refusal is shown too.
import type { EccServerStatus, EccStatus, RunControlStatus } from '../../../../shared/api/contract';
import type { EccState, EccStep } from '../../../../shared/domain';
import { NEEDS_CONFIG_SET, TO_READY, resetStep, stepOrder, stepSources, stepTarget } from '../../../../shared/ecc-state-machine';

export const ACQUIRING: ReadonlySet<EccState | null> = new Set<EccState | null>(['Running', 'Paused']);

// --- Facts ------------------------------------------------------------------------------------

export interface ControlFacts {
  readOnly: boolean;
  ecc: EccStatus | undefined;
  runs: RunControlStatus | undefined;
  /** Whether each ECC server (by id) has a selected config set; undefined while the setup loads. */
  hasConfigSet: ReadonlyMap<number, boolean> | undefined;
}

export interface Validity {
  enabled: boolean;
  /** Why not, when disabled. */
  reason: string | null;
}

const ok: Validity = { enabled: true, reason: null };
const no = (reason: string): Validity => ({ enabled: false, reason });

export const READ_ONLY_REASON = 'Read-only connection: nothing can be changed from here';

const list = (servers: readonly { name: string }[]) => servers.map((s) => s.name).join(', ');
const stateText = (state: EccState | null) => state ?? 'not known';
/** `ECC0, ECC1 are Ready; ECC2 is Prepared`: grouped by state, so that a long list stays readable. */
function statesOf(servers: readonly EccServerStatus[]): string {
  const groups = new Map<string, string[]>();
  for (const s of servers) groups.set(stateText(s.state), [...(groups.get(stateText(s.state)) ?? []), s.name]);
  return [...groups].map(([state, names]) => `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} ${state}`).join('; ');
}

function needsSet(servers: readonly EccServerStatus[], has: ReadonlyMap<number, boolean>, what: string): Validity | null {
  const missing = servers.filter((s) => has.get(s.id) !== true);
  if (missing.length === 0) return null;
  return no(`${what} needs a selected config set; ${list(missing)} ha${missing.length === 1 ? 's' : 've'} none (choose one below)`);
}

/** What every operation on all servers needs: loaded, writable, servers, none under way. */
function common(facts: ControlFacts, what: string): { ecc: EccStatus; runs: RunControlStatus; has: ReadonlyMap<number, boolean> } | Validity {
  if (facts.readOnly) return no(READ_ONLY_REASON);
  const { ecc, runs, hasConfigSet } = facts;
  if (!ecc || !runs || !hasConfigSet) return no('Waiting for the status…');
  if (ecc.servers.length === 0) return no(`${what} needs ECC servers: the experiment has none (add them in Setup)`);
  if (ecc.operation) return no(`${ecc.operation.name} is under way: wait until it ends`);
  return { ecc, runs, has: hasConfigSet };
}

/** Servers busy with a step (the application's or one they report): an operation on all would be refused or fail. */
function busy(servers: readonly EccServerStatus[], what: string): Validity | null {
  const found = servers.filter((s) => s.activity !== null || s.transition !== null);
  if (found.length === 0) return null;
  const doing = found.map((s) => `${s.name} (${s.activity ?? s.transition})`).join(', ');
  return no(`${what} waits until no ECC server is busy; busy: ${doing}`);
}

function noRun(runs: RunControlStatus, what: string): Validity | null {
  return runs.currentRun ? no(`${what} is refused while run ${runs.currentRun.number} is going: stop it with Stop all first`) : null;
}

function known(servers: readonly EccServerStatus[], what: string): Validity | null {
  const unknown = servers.filter((s) => s.state === null);
  if (unknown.length > 0) return no(`${what} needs the state of every ECC server; not known yet: ${list(unknown)}`);
  // A server that does not answer shows its last state as history: never counted as the present.
  const silent = servers.filter((s) => s.reachable === false);
  return silent.length > 0 ? no(`${what} needs every ECC server answering; not answering: ${list(silent)}`) : null;
}

/** The one state all servers are in, or why there is none. */
function commonState(servers: readonly EccServerStatus[], what: string): EccState | Validity {
  const unknown = known(servers, what);
  if (unknown) return unknown;
  const states = new Set(servers.map((s) => s.state));
  if (states.size > 1) return no(`${what} needs every ECC server in one state: ${statesOf(servers)} (use the per-server steps)`);
  return servers[0]?.state as EccState;
}

export type AllStep = 'Describe' | 'Prepare' | 'Configure';

/** Describe all, Prepare all, Configure all (ecc.stepAll). */
export function stepAllValidity(facts: ControlFacts, step: AllStep): Validity {
  const what = `${step} all`;
  const c = common(facts, what);
  if ('enabled' in c) return c;
  const state = commonState(c.ecc.servers, what);
  const refused = noRun(c.runs, what) ?? (typeof state === 'string' ? null : state);
  if (refused) return refused;
  if (stepTarget(step, state as EccState) === null) {
    return no(`${what} needs every ECC server ${stepSources(step).join(' or ')}; they are ${state as EccState}`);
  }
  return needsSet(c.ecc.servers, c.has, what) ?? busy(c.ecc.servers, what) ?? ok;
}

/** Bring all to Ready (ecc.bringAllToReady). */
export function bringAllToReadyValidity(facts: ControlFacts): Validity {
  const what = 'Bring all to Ready';
  const c = common(facts, what);
  if ('enabled' in c) return c;
  const servers = c.ecc.servers;
  const refused = noRun(c.runs, what) ?? known(servers, what);
  if (refused) return refused;
  const along: readonly (EccState | null)[] = ['Idle', 'Described', 'Prepared', 'Ready'];
  const beyond = servers.filter((s) => !along.includes(s.state));
  if (beyond.length > 0) return no(`${what} works between Idle and Ready only: ${statesOf(beyond)}`);
  const notReady = servers.filter((s) => s.state !== 'Ready');
  if (notReady.length === 0) return no('Every ECC server is Ready already');
  return needsSet(notReady, c.has, what) ?? busy(servers, what) ?? ok;
}

/** Start all (runs.startAll). */
export function startAllValidity(facts: ControlFacts): Validity {
  const what = 'Start all';
  const c = common(facts, what);
  if ('enabled' in c) return c;
  if (c.runs.currentRun) return no(`Run ${c.runs.currentRun.number} is going: stop it with Stop all first`);
  const silent = known(c.ecc.servers, what);
  if (silent) return silent;
  const notReady = c.ecc.servers.filter((s) => s.state !== 'Ready');
  if (notReady.length > 0) return no(`${what} needs every ECC server Ready; ${statesOf(notReady)}`);
  const refused = needsSet(c.ecc.servers, c.has, what) ?? busy(c.ecc.servers, what);
  if (refused) return refused;
  // The checklist decides the rest, as the server does: not passed and not overridden blocks.
  const blocking = c.runs.checklist.filter((i) => i.status !== 'pass' && i.override === null);
  if (blocking.length > 0) {
    const failed = blocking.filter((i) => i.status === 'fail').length;
    const unknown = blocking.length - failed;
    const counts = [failed > 0 ? `${failed} failed` : '', unknown > 0 ? `${unknown} not known` : ''].filter(Boolean).join(', ');
    return no(`${what} waits for its checklist (${counts}): ${blocking[0]?.reason ?? ''}${blocking.length > 1 ? '; …' : ''}`);
  }
  return ok;
}

/** Stop all (runs.stopAll). */
export function stopAllValidity(facts: ControlFacts): Validity {
  const what = 'Stop all';
  const c = common(facts, what);
  if ('enabled' in c) return c;
  if (!c.runs.currentRun) {
    const acquiring = c.ecc.servers.filter((s) => ACQUIRING.has(s.state));
    return no(
      acquiring.length > 0
        ? `No run is going (${list(acquiring)} run${acquiring.length === 1 ? 's' : ''} without one: Reset all stops them)`
        : 'No run is going',
    );
  }
  // Never blocked by a server that does not answer: it is named on the run instead.
  return busy(c.ecc.servers.filter((s) => s.reachable !== false), what) ?? ok;
}

/** Reset all (ecc.resetAll): one step back on every server. */
export function resetAllValidity(facts: ControlFacts): Validity & { step: EccStep | null } {
  const what = 'Reset all';
  const c = common(facts, what);
  if ('enabled' in c) return { ...c, step: null };
  const state = commonState(c.ecc.servers, what);
  if (typeof state !== 'string') return { ...state, step: null };
  const step = resetStep(state);
  if (step === null) return { ...no(`The ECC servers are ${state}: there is no step back`), step };
  const refused = noRun(c.runs, what) ?? busy(c.ecc.servers, what);
  return { ...(refused ?? ok), step };
}

// --- One server -------------------------------------------------------------------------------

export interface ServerFacts {
  readOnly: boolean;
  /** The operation on all servers under way, by name. */
  operation: string | null;
  hasConfigSet: boolean;
}

/** Whether one step can be sent to one server (ecc.step), and why not. */
export function serverStepValidity(server: EccServerStatus, step: EccStep, facts: ServerFacts): Validity {
  if (facts.readOnly) return no(READ_ONLY_REASON);
  if (facts.operation) return no(`${facts.operation} is under way`);
  if (server.activity !== null) return no(`${server.name} is busy (${server.activity}): one step at a time`);
  if (server.transition !== null) return no(`${server.name} reports ${server.transition} under way`);
  if (server.state === null) return no(`The state of ${server.name} is not known: refresh it`);
  if (server.reachable === false) return no(`${server.name} does not answer: its last state (${server.state}) is not the present`);
  if (stepTarget(step, server.state) === null) return no(`${step} is not possible from ${server.state} (needs ${stepSources(step).join(' or ')})`);
  if (NEEDS_CONFIG_SET.has(step) && !facts.hasConfigSet) return no(`${server.name} has no selected config set: choose one first`);
  return ok;
}

/** One step back on one server (ecc.reset): which step, and whether it can be sent. */
export function serverResetValidity(server: EccServerStatus, facts: ServerFacts): Validity & { step: EccStep | null } {
  if (facts.readOnly) return { ...no(READ_ONLY_REASON), step: null };
  if (server.state === null) return { ...no(`The state of ${server.name} is not known: refresh it`), step: null };
  const step = resetStep(server.state);
  if (step === null) return { ...no(`${server.name} is ${server.state}: there is no step back`), step };
  return { ...serverStepValidity(server, step, facts), step };
}

/** Choosing a server's config set (configSets.select): only while it is Idle and not busy. */
export function configSetChoiceValidity(server: EccServerStatus, storedState: EccState | null, facts: ServerFacts): Validity {
  if (facts.readOnly) return no(READ_ONLY_REASON);
  if (server.activity !== null) return no(`${server.name} is busy (${server.activity})`);
  const state = server.state ?? storedState;
  if (state !== null && state !== 'Idle') return no(`The config set can change only while ${server.name} is Idle; it is ${state}`);
  return ok;
}

// --- Texts ------------------------------------------------------------------------------------

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * The order `step` goes through the servers in (the state machine's stepOrder, the one the main
 * process follows); without a MuTAnT, every ordered step goes to all servers together.
 */
export function orderText(step: EccStep, hasMutant: boolean): string {
  const order = stepOrder(step);
  return hasMutant || order.phases.length === 1 ? order.text : 'all together (no MuTAnT in this experiment)';
}

/** What an operation on all servers will do, in the MuTAnT/CoBo order (shown next to an enabled control). */
export function orderHint(control: 'Describe' | 'Prepare' | 'Configure' | 'BringAllToReady' | 'Start' | 'Stop' | 'Reset', hasMutant: boolean, resetWith?: EccStep | null): string {
  switch (control) {
    case 'Describe':
      return `Every ECC server, ${orderText('Describe', hasMutant)}`;
    case 'Prepare':
    case 'Configure':
      return capitalized(orderText(control, hasMutant));
    case 'BringAllToReady':
      return `${TO_READY.join(', ')} in turn, each in the MuTAnT/CoBo order`;
    case 'Start':
      return hasMutant ? `${capitalized(orderText('Start', hasMutant))}; records the run` : 'Start every ECC server, all together; records the run';
    case 'Stop':
      return hasMutant ? `Stop ${orderText('Stop', hasMutant)}; then the files are organized` : 'Stop every ECC server; then the files are organized';
    case 'Reset':
      if (!resetWith) return 'One step back on every ECC server';
      return stepOrder(resetWith).phases.length > 1
        ? `One step back (${resetWith}): ${orderText(resetWith, hasMutant)}`
        : `One step back on every ECC server (${resetWith}), ${orderText(resetWith, hasMutant)}`;
  }
}
