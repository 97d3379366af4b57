// What ECC control records as answers come in (the last known states and its log entries),
// gathered and written together: many answers arrive within one turn of the event loop (a
// refresh round, steps ending together), and each transaction costs an fsync on the main
// thread. Written at the end of the turn (setImmediate) or sooner by flush(); each entry keeps
// the time it was made.
import type { EccState } from '../../../shared/domain';
import type { Store } from '../../db/store';
import { insertLogEntries, type NewLogEntry } from '../../log/queries';
import { nowIso } from '../../time';
import { saveEccServerStates } from './queries';

export class PendingWrites {
  private states = new Map<number, EccState>();
  private entries: NewLogEntry[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(private readonly store: Store) {}

  state(eccServerId: number, state: EccState): void {
    if (this.closed) return;
    this.states.set(eccServerId, state);
    this.schedule();
  }

  log(entry: NewLogEntry): void {
    if (this.closed) return;
    this.entries.push({ ...entry, time: entry.time ?? nowIso() });
    this.schedule();
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = null;
      this.flush();
    });
  }

  /** Writes what is pending now, states and log entries in one transaction (nothing once closed). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.closed || (this.states.size === 0 && this.entries.length === 0)) return;
    const states = this.states;
    const entries = this.entries;
    this.states = new Map();
    this.entries = [];
    try {
      this.store.write([], () => {
        saveEccServerStates(this.store, states);
        insertLogEntries(this.store, entries);
      });
    } catch (error) {
      // A log entry that cannot be written is still seen by whoever reads the console.
      console.error('Could not write the ECC states and log entries:', error);
      for (const entry of entries) console.error(`[${entry.level}] ${entry.subject ?? ''} ${entry.message}`);
    }
  }

  /** Writes what is pending, then takes nothing more (the database is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
