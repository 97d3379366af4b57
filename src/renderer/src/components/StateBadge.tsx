// An ECC server's board state (or the experiment's overall one) as words with an icon; the colour
// only repeats what the words say. A step under way shows as a turning icon and its name.
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
  Unplug,
  type LucideIcon,
} from 'lucide-react';
import type { EccState, EccStep } from '../../../shared/domain';

export type ShownState = EccState | 'Mixed' | 'Unknown' | 'Not answering';

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
  'Not answering': Unplug,
};

interface StateBadgeProps {
  /** null: no state known for it. */
  state: ShownState | null;
  /** What a null state is called where the badge stands, e.g. "Not reached". */
  unknownText?: string;
  transition?: EccStep | string | null;
  large?: boolean;
}

export function StateBadge({ state, unknownText = 'Not known', transition, large = false }: StateBadgeProps) {
  const shown: ShownState = state ?? 'Unknown';
  const Icon = transition ? LoaderCircle : state === null ? CircleDashed : ICONS[shown];
  return (
    <span className={`state state-${shown.toLowerCase().replace(' ', '-')}${large ? ' state-large' : ''}`}>
      <Icon aria-hidden="true" size={large ? 40 : 16} className={transition ? 'spin' : undefined} />
      <span>{state === null ? unknownText : shown}</span>
      {transition ? <span className="state-transition">{` — ${transition} under way`}</span> : null}
    </span>
  );
}
