// The header's alarm-sound control: mutes the sound on this workstation (remembered here only),
// and shows whether it is muted, playing, or waiting for a first click.
import { Bell, BellOff } from 'lucide-react';
import { useAlarmSound, type AlarmSoundState } from '../../alarms/sound';

const STATE_TEXT: Record<AlarmSoundState, string> = {
  off: 'Alarm sound on',
  playing: 'Alarm sounding',
  muted: 'Alarm sound muted here',
  locked: 'Alarm sound waits for a click',
};

export function AlarmSoundControl() {
  const { state, muted, sound } = useAlarmSound();
  const text = muted ? STATE_TEXT.muted : STATE_TEXT[state];
  return (
    <div className="alarm-sound">
      <p className={`alarm-sound-state alarm-sound-${state}`} role="status" aria-label="Alarm sound">
        {muted ? <BellOff aria-hidden="true" size={16} /> : <Bell aria-hidden="true" size={16} />} {text}
      </p>
      <button type="button" className="button-quiet" aria-pressed={muted} onClick={() => sound.setMuted(!muted)}>
        Mute alarm sound
      </button>
    </div>
  );
}
