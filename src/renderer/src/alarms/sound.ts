// The alarm sound, made here with Web Audio (a two-tone pattern from an oscillator; no audio
// file): it plays while an alarm is active and not acknowledged. A browser lets audio start only
// after a user gesture, so the first click or key anywhere unlocks it (Electron needs none). Muted
// per workstation (localStorage). Its state is shown, and set on <html data-alarm-sound>, which
// is what a test can observe of a sound it cannot hear.
import { useSyncExternalStore } from 'react';

/** off: nothing to sound; playing; muted: would play, muted here; locked: would play, waiting for a first click. */
export type AlarmSoundState = 'off' | 'playing' | 'muted' | 'locked';

const MUTED_KEY = 'attpc-daq.alarmSoundMuted';
/** One pattern: high, low, high, then a pause; repeated. */
const PATTERN_MS = 1_600;
const TONES: readonly { hz: number; at: number; length: number }[] = [
  { hz: 880, at: 0, length: 0.18 },
  { hz: 660, at: 0.22, length: 0.18 },
  { hz: 880, at: 0.44, length: 0.18 },
];

function savedMuted(): boolean {
  try {
    return window.localStorage.getItem(MUTED_KEY) === '1';
  } catch {
    return false;
  }
}

type AudioContextClass = typeof AudioContext;

function audioContextClass(): AudioContextClass | undefined {
  if (typeof AudioContext !== 'undefined') return AudioContext;
  return (window as Window & { webkitAudioContext?: AudioContextClass }).webkitAudioContext;
}

export class AlarmSound {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private wanted = false;
  private muted = savedMuted();
  private current: AlarmSoundState = 'off';
  /** What the views show (the state and the mute), as one value for useSyncExternalStore. */
  private snapshotValue = '';
  private readonly listeners = new Set<() => void>();

  constructor() {
    // Capture: the first gesture anywhere counts, even one a control stops from bubbling.
    for (const event of ['pointerdown', 'keydown'] as const) window.addEventListener(event, this.unlock, { capture: true });
    this.update();
  }

  get state(): AlarmSoundState {
    return this.current;
  }

  get isMuted(): boolean {
    return this.muted;
  }

  readonly snapshot = (): string => this.snapshotValue;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Whether an alarm calls for the sound now. */
  setWanted(wanted: boolean): void {
    if (wanted === this.wanted) return;
    this.wanted = wanted;
    // Electron (and a browser already unlocked) starts at once; otherwise the first click does.
    if (wanted) this.ensureContext();
    this.update();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    try {
      window.localStorage.setItem(MUTED_KEY, muted ? '1' : '0');
    } catch {
      // Not remembered across reloads then; the mute still holds now.
    }
    this.update();
  }

  private readonly unlock = (): void => {
    this.ensureContext();
    void this.context?.resume().then(() => this.update());
  };

  private ensureContext(): void {
    if (this.context) {
      if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
      return;
    }
    const Context = audioContextClass();
    if (!Context) return;
    try {
      this.context = new Context();
    } catch {
      return;
    }
    this.context.onstatechange = () => this.update();
    // Refused without a gesture in a browser (it stays suspended until the first click).
    void this.context.resume().catch(() => undefined);
  }

  private update(): void {
    const running = this.context?.state === 'running';
    const next: AlarmSoundState = !this.wanted ? 'off' : this.muted ? 'muted' : running ? 'playing' : 'locked';
    if (next === 'playing' && this.timer === undefined) {
      this.pattern();
      this.timer = setInterval(() => this.pattern(), PATTERN_MS);
    } else if (next !== 'playing' && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const snapshot = `${next}/${this.muted ? 'muted' : 'on'}`;
    if (snapshot === this.snapshotValue) return;
    this.current = next;
    this.snapshotValue = snapshot;
    document.documentElement.dataset.alarmSound = next;
    document.documentElement.dataset.alarmSoundMuted = String(this.muted);
    for (const listener of this.listeners) listener();
  }

  /** One pattern of tones, scheduled on the audio clock (exact, whatever the main thread does). */
  private pattern(): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime + 0.02;
    for (const tone of TONES) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = tone.hz;
      // A short ramp in and out: no clicks.
      gain.gain.setValueAtTime(0, start + tone.at);
      gain.gain.linearRampToValueAtTime(0.15, start + tone.at + 0.01);
      gain.gain.setValueAtTime(0.15, start + tone.at + tone.length - 0.02);
      gain.gain.linearRampToValueAtTime(0, start + tone.at + tone.length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + tone.at);
      oscillator.stop(start + tone.at + tone.length);
    }
  }
}

let shared: AlarmSound | undefined;

/** The window's one alarm sound. */
export function alarmSound(): AlarmSound {
  shared ??= new AlarmSound();
  return shared;
}

/** The sound's state, re-rendered when it changes. */
export function useAlarmSound(): { state: AlarmSoundState; muted: boolean; sound: AlarmSound } {
  const sound = alarmSound();
  const [state, mute] = useSyncExternalStore(sound.subscribe, sound.snapshot).split('/') as [AlarmSoundState, string];
  return { state, muted: mute === 'muted', sound };
}
