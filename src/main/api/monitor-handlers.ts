// The operations about the read-only monitors: where they are served, with which token, and
// changing either. The listener itself is the application's (src/main/app/monitor.ts).
import { ApiError } from '../../shared/api/errors';
import type { MonitorSettings, MonitorStatus } from '../../shared/monitor';
import { defineHandlers } from './handler';

/** What the operations act through. */
export interface MonitorControl {
  status(): MonitorStatus;
  /** Opens, moves or closes the listener, then stores the setting; refused with the field to blame. */
  configure(changes: Partial<MonitorSettings>): Promise<MonitorStatus>;
  /** Replaces the monitor token; the monitors connected with the old one are disconnected. */
  newToken(): MonitorStatus;
}

export function monitorHandlers(monitor: MonitorControl | null) {
  const need = (): MonitorControl => {
    if (!monitor) throw new ApiError('REFUSED', 'This application serves no monitors');
    return monitor;
  };
  return defineHandlers({
    'monitor.status': {
      reads: ['monitor_status'],
      run: () => need().status(),
    },
    'monitor.configure': {
      run: (input, { auditTarget }) => {
        auditTarget(Object.entries(input).map(([key, value]) => `${key} = ${String(value)}`).join(', '));
        return need().configure(input);
      },
    },
    'monitor.newToken': {
      // The token itself is never written to the audit trail.
      describeTarget: () => 'monitor token',
      run: () => need().newToken(),
    },
  });
}
