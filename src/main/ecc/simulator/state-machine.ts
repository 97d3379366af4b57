// The ECC server's board state machine (DOMAIN.md "The board state machine", ECC-PROTOCOL.md):
// which step moves which state, and the numeric codes used on the wire. The table is the
// server's, written from the protocol, not imported from the application's own
// (src/shared/ecc-state-machine.ts): a mistake there would otherwise be mirrored here, and no
// test of the application against the simulator could see it. tests/ecc/simulator.test.ts
// checks that the two agree.
import { ECC_STATES, ECC_STEPS, type EccState, type EccStep } from '../../../shared/domain';

/** The arcs of every step: from-state → to-state. A step from any other state is ignored. */
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

/** The state a step leads to from `state`, or null when the server ignores it there. */
export function stepTarget(step: EccStep, state: EccState): EccState | null {
  return ARCS[step][state] ?? null;
}

/** State on the wire: Off 0, Idle 1 … Paused 6. */
export function stateCode(state: EccState): number {
  return ECC_STATES.indexOf(state);
}

/** Transition on the wire: Describe 1 … Undo 9 (0 when no step runs). */
export function stepCode(step: EccStep): number {
  return ECC_STEPS.indexOf(step) + 1;
}

export function isEccStep(name: string): name is EccStep {
  return (ECC_STEPS as readonly string[]).includes(name);
}
