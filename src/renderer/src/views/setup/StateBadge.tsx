// An ECC server's last known board state, as text with a symbol; colour only repeats the words.
import type { EccState } from '../../../../shared/domain';

const STATE_ICONS: Record<EccState, string> = {
  Off: '○',
  Idle: '◇',
  Described: '◈',
  Prepared: '◆',
  Ready: '▶',
  Running: '●',
  Paused: '❚❚',
};

export function EccStateBadge({ state }: { state: EccState | null }) {
  if (state === null) {
    return (
      <span className="state state-unknown">
        <span aria-hidden="true">? </span>Not reached
      </span>
    );
  }
  return (
    <span className={`state state-${state.toLowerCase()}`}>
      <span aria-hidden="true">{STATE_ICONS[state]} </span>
      {state}
    </span>
  );
}
