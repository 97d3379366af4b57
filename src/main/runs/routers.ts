// Whether each data router's staging directory is clean (no .graw file left from an earlier
// run), kept in memory: the one record of it, which run control (runs.status, Start all) and
// the worker checks (workers.status) both show. Unknown until checked: the periodic SSH checks
// (worker-node/checks.ts) and the after-stop jobs (job-runner.ts) call `set`; Start all makes it
// unknown again. An unknown router does not block Start all; a router known NOT clean does.
// A later check that fails leaves the state as history (`current` false), never as the present.
import { nowIso } from '../time';

export interface CleanState {
  clean: boolean | null;
  /** .graw files found in the staging directory at that check. */
  grawFiles: number | null;
  checkedAt: string | null;
  /** True after a check or organize answered; false once a later check failed (the rest is history). */
  current: boolean;
}

export class DataRouterCleanliness {
  private readonly states = new Map<number, CleanState>();

  constructor(private readonly announce: () => void) {}

  get(dataRouterId: number): CleanState {
    return this.states.get(dataRouterId) ?? { clean: null, grawFiles: null, checkedAt: null, current: false };
  }

  /** Records a check of a router's staging directory. */
  set(dataRouterId: number, check: { clean: boolean; grawFiles: number }): void {
    this.states.set(dataRouterId, { clean: check.clean, grawFiles: check.grawFiles, checkedAt: nowIso(), current: true });
    this.announce();
  }

  /** A later check of the router failed: what was known stays, as of its time, but is no longer current. */
  markStale(dataRouterId: number): void {
    const state = this.states.get(dataRouterId);
    if (!state?.current) return;
    this.states.set(dataRouterId, { ...state, current: false });
    this.announce();
  }

  /** Back to unknown (e.g. files were written by a run since the last check). */
  forget(dataRouterId: number): void {
    if (this.states.delete(dataRouterId)) this.announce();
  }
}
