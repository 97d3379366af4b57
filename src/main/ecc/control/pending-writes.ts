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

  constructor(private readonly store: Store) {}

  state(eccServerId: number, state: EccState): void {
    this.states.set(eccServerId, state);
    this.schedule();
  }

  log(entry: NewLogEntry): void {
    this.entries.push({ ...entry, time: entry.time ?? nowIso() });
    this.schedule();
  }

  get size(): number {
    return this.states.size + this.entries.length;
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = null;
      this.flush();
    });
  }

  /** Writes what is pending now, states and log entries in one transaction. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.size === 0) return;
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
}
