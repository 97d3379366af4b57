// Read-only monitors: the controlling application serves a read-only copy of its interface and
// API on a second listener, with its own token. Its setting (open or not, address, port), its
// limits and what monitor.status answers; the API's schema and the Setup form share these.
import { z } from 'zod';

export interface MonitorSettings {
  /** Whether the monitor listener is open. */
  enabled: boolean;
  /** The address it listens on: this computer only unless a person chooses otherwise. */
  host: string;
  /** Its TCP port; 0 picks any free port (each time it opens). */
  port: number;
}

export const DEFAULT_MONITOR_PORT = 8766;
export const DEFAULT_MONITOR_SETTINGS: Readonly<MonitorSettings> = { enabled: false, host: '127.0.0.1', port: DEFAULT_MONITOR_PORT };

export const monitorFields = {
  enabled: z.boolean({ error: 'Must be true or false' }),
  // The same rule as serve mode's --host: an address or a host name, nothing that could be a path.
  host: z
    .string({ error: 'Must be an address or host name' })
    .trim()
    .min(1, 'Must be an address or host name')
    .max(253, 'At most 253 characters')
    .regex(/^[^\s/]+$/, 'Must be an address or host name (no spaces, no "/")')
    .transform((host) => host.replace(/^\[(.*)\]$/, '$1')),
  port: z
    .number({ error: 'Must be a whole number from 0 to 65535' })
    .int('Must be a whole number from 0 to 65535')
    .min(0, 'Must be a whole number from 0 to 65535')
    .max(65535, 'Must be a whole number from 0 to 65535'),
};

export interface MonitorStatus {
  /** The setting in force for this process (the command line's, until a person changes it). */
  settings: MonitorSettings;
  /** Where the setting came from: the stored one, or serve mode's --monitor-port/--monitor-host. */
  source: 'setting' | 'command line';
  /** Whether the listener is open now. */
  listening: boolean;
  /** Its base address while listening, e.g. `http://127.0.0.1:8766`. */
  url: string | null;
  /** The address to hand out: the base address with the monitor token. */
  link: string | null;
  /** The monitor token (never the control token). */
  token: string;
  /** Monitors connected over WebSocket now. */
  connections: number;
  /** Why the listener is not open although the setting says it should be. */
  error: string | null;
  /** The warning that goes with an address beyond this computer (null on loopback). */
  warning: string | null;
}

/** Close code of a monitor's WebSocket when its token is replaced (4000–4999: the application's own). */
export const MONITOR_TOKEN_REPLACED_CODE = 4001;
export const MONITOR_TOKEN_REPLACED_REASON = 'The monitor token was replaced: ask the control room for the new monitor address';
