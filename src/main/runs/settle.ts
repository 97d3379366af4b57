// Whether a staging folder's `.graw` files have stopped changing (DOMAIN.md "After Stop"): a data
// router goes on writing its buffers after Stop, so files are moved only once every listing over
// a settle time showed the same names, sizes and times.
import type { GrawFileStat } from '../worker-node/files';

export interface SettleVerdict {
  /** The listing has been the same for at least the settle time. */
  settled: boolean;
  /** What differs from the listing before (new, grown, touched or gone), by name; empty when nothing did. */
  changing: string[];
  /** Since when (ms) the listing has been as it is now. */
  stillSince: number;
}

function differences(before: readonly GrawFileStat[], now: readonly GrawFileStat[]): string[] {
  const old = new Map(before.map((f) => [f.name, f]));
  const names = new Set<string>();
  for (const file of now) {
    const was = old.get(file.name);
    if (!was || was.size !== file.size || was.mtime !== file.mtime) names.add(file.name);
    old.delete(file.name);
  }
  for (const gone of old.keys()) names.add(gone);
  return [...names].sort();
}

/** Listings of one folder, fed in the order they were taken. */
export class SettleWatch {
  private last: readonly GrawFileStat[] | null = null;
  private stillSince = 0;
  private lastChanging: string[] = [];

  constructor(private readonly settleMs: number) {}

  /** Records a listing taken at `now` (ms) and says whether the files have settled. */
  observe(files: readonly GrawFileStat[], now: number): SettleVerdict {
    if (this.last === null) {
      // The first look: nothing is known about before, so the settle time starts now.
      this.stillSince = now;
      this.lastChanging = files.map((f) => f.name).sort();
    } else {
      const changing = differences(this.last, files);
      if (changing.length > 0) {
        this.stillSince = now;
        this.lastChanging = changing;
      }
    }
    this.last = files;
    return { settled: now - this.stillSince >= this.settleMs, changing: this.lastChanging, stillSince: this.stillSince };
  }
}
