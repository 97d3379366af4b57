// What every schedule here is made of: rounds of work that never stack (a round asked for while
// the previous one runs is skipped, or with `followUp` runs once more after it), and interval
// timers that never keep the process alive.

export interface RoundCounts {
  /** Rounds started, finished, and skipped because the previous one still ran. */
  started: number;
  finished: number;
  skipped: number;
}

export interface RoundOptions {
  /** A round asked for while one runs is not dropped but run once after it (e.g. jobs queued meanwhile). */
  followUp?: boolean;
  /** Whether a follow-up may still start (false once the schedule stopped). */
  mayFollowUp?: () => boolean;
}

export class Round {
  private current: Promise<void> | null = null;
  private again = false;
  private readonly counts: RoundCounts = { started: 0, finished: 0, skipped: 0 };
  private endedAt: number | null = null;

  /** `what` names the round in the error printed when its work throws (the schedule goes on). */
  constructor(
    private readonly what: string,
    private readonly work: () => Promise<unknown>,
    private readonly options: RoundOptions = {},
  ) {}

  get stats(): Readonly<RoundCounts> {
    return { ...this.counts };
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** When the last round ended (ms), or null before one did: a schedule whose rounds stopped ending shows here. */
  get lastEndedAt(): number | null {
    return this.endedAt;
  }

  /** Resolves when the round under way (and a follow-up it started) has ended; at once when none runs. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  /** Starts a round unless one runs; resolves when the round started here ends (at once when skipped). */
  run(): Promise<void> {
    if (this.current) {
      this.counts.skipped++;
      if (this.options.followUp) this.again = true;
      return Promise.resolve();
    }
    this.counts.started++;
    // The work starts on the next microtask, once this round is marked as running: work that
    // writes at once (a job marked running) may ask for a round itself, and that one must wait.
    const round = Promise.resolve()
      .then(() => this.work())
      .then(() => undefined)
      .catch((error: unknown) => console.error(`${this.what}:`, error))
      .finally(() => {
        this.counts.finished++;
        this.endedAt = Date.now();
        this.current = null;
        if (this.again) {
          this.again = false;
          if (this.options.mayFollowUp?.() ?? true) void this.run();
        }
      });
    this.current = round;
    return round;
  }
}

/** Interval timers cleared together. */
export class Timers {
  private timers: NodeJS.Timeout[] = [];
  private since: number | null = null;

  get active(): boolean {
    return this.timers.length > 0;
  }

  /** When the first timer of those active was set (ms); null while none is. */
  get startedAt(): number | null {
    return this.since;
  }

  every(ms: number, work: () => void): void {
    this.since ??= Date.now();
    const timer = setInterval(work, ms);
    // A schedule alone never keeps the process alive.
    timer.unref();
    this.timers.push(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.since = null;
  }
}
