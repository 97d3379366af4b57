// The top bar: application name, the active experiment and its switcher, the alarm sound and its
// mute, the connection state, the theme toggle, the About dialog and the Note button (a shift
// note from any view).
import type { Experiment } from '../../../shared/domain';
import { CONNECTION_LABELS, type ConnectionState } from '../api/connection';
import { useMutation } from '../api/hooks';
import { useAppStore, useReadOnly } from '../state/app-store';
import { AboutButton } from './About';
import { NoteButton } from './notes/NoteButton';
import { AlarmSoundControl } from './alarms/AlarmSoundControl';

const CONNECTION_ICONS: Record<ConnectionState, string> = {
  connecting: '◌',
  connected: '●',
  reconnecting: '◌',
  unauthorized: '✕',
};

export function ConnectionStatus() {
  const connection = useAppStore((state) => state.connection);
  return (
    <p className={`connection connection-${connection}`} role="status" aria-label="Connection">
      <span aria-hidden="true">{CONNECTION_ICONS[connection]} </span>
      {CONNECTION_LABELS[connection]}
    </p>
  );
}

function ExperimentSwitcher({ experiments }: { experiments: Experiment[] }) {
  const readOnly = useReadOnly();
  const activate = useMutation('experiments.activate');
  const active = experiments.find((experiment) => experiment.active);
  const formError = activate.error?.message;

  if (experiments.length === 0) return <p className="experiment-none">No experiment yet</p>;
  return (
    <div className="experiment-switcher">
      <label htmlFor="active-experiment">Active experiment</label>
      <select
        id="active-experiment"
        value={active?.id ?? ''}
        disabled={readOnly || activate.pending}
        aria-describedby={formError ? 'active-experiment-error' : undefined}
        onChange={(event) => void activate.run({ id: Number(event.target.value) })}
      >
        {active ? null : <option value="">(none)</option>}
        {experiments.map((experiment) => (
          <option key={experiment.id} value={experiment.id}>
            {experiment.name}
          </option>
        ))}
      </select>
      {formError ? (
        <p id="active-experiment-error" className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {formError}
        </p>
      ) : null}
    </div>
  );
}

export function Header({ experiments }: { experiments: Experiment[] | undefined }) {
  const theme = useAppStore((state) => state.theme);
  const toggleTheme = useAppStore((state) => state.toggleTheme);
  return (
    <header className="app-header">
      <h1>AT-TPC DAQ Control</h1>
      {experiments ? <ExperimentSwitcher experiments={experiments} /> : <p className="experiment-none">Loading…</p>}
      <div className="header-end">
        <AlarmSoundControl />
        <ConnectionStatus />
        <button type="button" className="button-quiet" aria-pressed={theme === 'light'} onClick={toggleTheme}>
          Light theme
        </button>
        <AboutButton />
        {/* Last, so that the keyboard meets the header's controls in the order they had before it. */}
        <NoteButton experimentName={experiments?.find((experiment) => experiment.active)?.name} />
      </div>
    </header>
  );
}
