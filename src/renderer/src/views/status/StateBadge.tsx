// A state as words with an icon; the colour only repeats what the words say.
import {
  CircleCheck,
  CircleDashed,
  CircleDot,
  CircleHelp,
  CirclePause,
  CirclePlay,
  Circle,
  Diamond,
  LoaderCircle,
  PowerOff,
  Shuffle,
  type LucideIcon,
} from 'lucide-react';
import type { EccStatus } from '../../../../shared/api/contract';
import type { EccState, EccStep } from '../../../../shared/domain';
import styles from './status.module.css';

export type ShownState = EccState | 'Mixed' | 'Unknown';

const ICONS: Record<ShownState, LucideIcon> = {
  Off: PowerOff,
  Idle: Circle,
  Described: CircleDot,
  Prepared: Diamond,
  Ready: CircleCheck,
  Running: CirclePlay,
  Paused: CirclePause,
  Mixed: Shuffle,
  Unknown: CircleHelp,
};

const TONES: Record<ShownState, string> = {
  Off: 'toneMuted',
  Idle: 'toneNeutral',
  Described: 'toneWarn',
  Prepared: 'toneWarn',
  Ready: 'toneOk',
  Running: 'toneOk',
  Paused: 'toneWarn',
  Mixed: 'toneWarn',
  Unknown: 'toneMuted',
};

export function toneClass(state: ShownState): string {
  return styles[TONES[state]] ?? '';
}

/** An ECC server's state; a step under way shows as a turning icon and its name. */
export function StateBadge({ state, transition, large = false }: { state: ShownState | null; transition?: EccStep | string | null; large?: boolean }) {
  const shown: ShownState = state ?? 'Unknown';
  const Icon = transition ? LoaderCircle : state === null ? CircleDashed : ICONS[shown];
  const size = large ? 40 : 16;
  return (
    <span className={`${styles.state} ${large ? styles.stateLarge : ''} ${toneClass(shown)}`}>
      <Icon aria-hidden="true" size={size} className={transition ? styles.spin : undefined} />
      <span>{state === null ? 'Not known' : shown}</span>
      {transition ? <span className={styles.transition}>{` — ${transition} under way`}</span> : null}
    </span>
  );
}

/** The overall state as ecc.status gives it (null: the experiment has no ECC server). */
export function overallText(overall: EccStatus['overall']): string {
  if (overall === null) return 'No ECC servers';
  if (overall === 'Unknown') return 'Not known yet';
  return overall;
}
