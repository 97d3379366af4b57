// The board state machine as the application knows it (DOMAIN.md, ECC-PROTOCOL.md): which step
// leads where, what "Reset" means, and the MuTAnT/CoBo order of the steps on all servers. The
// main process checks a step against it before sending, since the real server ignores a step it
// cannot take without saying so; the interface enables only the steps it allows.
import type { EccState, EccStep } from './domain';

const ARCS: Record<EccStep, Partial<Record<EccState, EccState>>> = {
  Describe: { Idle: 'Described' },
  Prepare: { Described: 'Prepared' },
  Configure: { Prepared: 'Ready' },
  Start: { Ready: 'Running' },
  Stop: { Running: 'Ready', Paused: 'Ready' },
  Pause: { Running: 'Paused' },
  Resume: { Paused: 'Running' },
  Breakup: { Ready: 'Prepared', Running: 'Prepared', Paused: 'Prepared' },
  Undo: { Described: 'Idle', Prepared: 'Described' },
};

/** The state `step` leads to from `state`, or null when it is not possible there. */
export function stepTarget(step: EccStep, state: EccState): EccState | null {
  return ARCS[step][state] ?? null;
}

/** The states a step can be taken from, for "needs …" texts. */
export function stepSources(step: EccStep): EccState[] {
  return Object.keys(ARCS[step]) as EccState[];
}

/** Reset: one step back from `state`; null at Idle (nothing below) and in Off. */
export function resetStep(state: EccState): EccStep | null {
  switch (state) {
    case 'Described':
    case 'Prepared':
      return 'Undo';
    case 'Ready':
      return 'Breakup';
    case 'Running':
    case 'Paused':
      return 'Stop';
    default:
      return null;
  }
}

/** Steps that send the selected config set (a server without one cannot take them). */
export const NEEDS_CONFIG_SET: ReadonlySet<EccStep> = new Set<EccStep>(['Describe', 'Prepare', 'Configure']);

/** The forward steps that bring a server from Idle to Ready, in turn. */
export const TO_READY: readonly EccStep[] = ['Describe', 'Prepare', 'Configure'];

/**
 * How the MuTAnT's ECC server is stepped against the CoBos' (DOMAIN.md "Order matters").
 * `phases` are done in turn, each on every server of its group at once; a phase of an empty
 * group is skipped (an experiment without a MuTAnT, or without CoBo-only servers).
 */
export interface OrderPhase {
  group: 'all' | 'mutant' | 'cobos';
  step: EccStep;
}

export interface StepOrder {
  text: string;
  phases: OrderPhase[];
}

export function stepOrder(step: EccStep): StepOrder {
  switch (step) {
    case 'Prepare':
      return { text: 'the MuTAnT first, then the CoBos', phases: [{ group: 'mutant', step }, { group: 'cobos', step }] };
    case 'Configure':
      return { text: 'the CoBos first, then the MuTAnT', phases: [{ group: 'cobos', step }, { group: 'mutant', step }] };
    case 'Start':
      return {
        text: 're-configure the MuTAnT (Breakup, then Configure), start the CoBos, then the MuTAnT',
        phases: [
          { group: 'mutant', step: 'Breakup' },
          { group: 'mutant', step: 'Configure' },
          { group: 'cobos', step: 'Start' },
          { group: 'mutant', step: 'Start' },
        ],
      };
    case 'Stop':
      return { text: 'the MuTAnT first, then the CoBos', phases: [{ group: 'mutant', step }, { group: 'cobos', step }] };
    default:
      return { text: 'all together', phases: [{ group: 'all', step }] };
  }
}
