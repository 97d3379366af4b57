// What the preload exposes as `window.daq` in Electron (declared in src/preload/index.d.ts).
export type DaqBridge = NonNullable<Window['daq']>;

/** The preload's bridge when running inside Electron; undefined in a browser. */
export function findBridge(): DaqBridge | undefined {
  const bridge = window.daq;
  // Checked rather than trusted: a stray global named `daq` must not pass for the bridge.
  return bridge && typeof bridge.call === 'function' && typeof bridge.subscribe === 'function' ? bridge : undefined;
}
