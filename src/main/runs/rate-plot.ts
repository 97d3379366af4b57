// The rate plot of a run, kept for the whole run in bounded memory: one point per round of
// readings, each holding per data router the bytes written and the seconds they were measured
// over. Past `maxPoints`, neighbouring points are merged two by two and each point then covers
// twice as many rounds, so a 12-hour run read every 2 s (21 600 rounds) is held, and pushed to
// the interface, as at most `maxPoints` points whose rates are exact means (bytes over seconds).
import type { DataFlowPlot } from '../../shared/api/contract';
import { DATA_FLOW_PLOT_POINTS } from '../../shared/api/contract';

/** What one router wrote over one point: bytes and the measured seconds of the readings behind them. */
interface Share {
  bytes: number;
  seconds: number;
}

interface Point {
  /** Seconds since the run's start at the end of the point's last round. */
  at: number;
  /** By router id; a router without a reading in the point is absent. */
  shares: Map<number, Share>;
  rounds: number;
}

export class RatePlot {
  private points: Point[] = [];
  private roundsPerPoint = 1;
  private readonly names = new Map<number, string>();

  constructor(
    readonly runId: number | null = null,
    readonly runNumber: number | null = null,
    private readonly maxPoints = DATA_FLOW_PLOT_POINTS,
  ) {
    if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new Error(`maxPoints must be an integer of at least 2, not ${maxPoints}`);
  }

  /** One round of readings: what each router wrote since its previous reading, over the measured seconds. */
  add(at: number, routers: readonly { id: number; name: string; bytes: number; seconds: number }[]): void {
    let point = this.points.at(-1);
    if (!point || point.rounds >= this.roundsPerPoint) {
      if (this.points.length >= this.maxPoints) this.halve();
      point = { at, shares: new Map(), rounds: 0 };
      this.points.push(point);
    }
    point.at = at;
    point.rounds++;
    for (const router of routers) {
      this.names.set(router.id, router.name);
      if (router.seconds <= 0) continue;
      merge(point.shares, router.id, router);
    }
  }

  /** Neighbouring points merged two by two: each covers twice as many rounds from now on. */
  private halve(): void {
    const merged: Point[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const first = this.points[i] as Point;
      const second = this.points[i + 1];
      if (!second) {
        merged.push(first);
        continue;
      }
      const shares = new Map(first.shares);
      for (const [id, share] of second.shares) merge(shares, id, share);
      merged.push({ at: second.at, shares, rounds: first.rounds + second.rounds });
    }
    this.points = merged;
    this.roundsPerPoint *= 2;
  }

  get length(): number {
    return this.points.length;
  }

  toJSON(): DataFlowPlot {
    return {
      runId: this.runId,
      runNumber: this.runNumber,
      seconds: this.points.map((p) => p.at),
      routers: [...this.names].map(([id, name]) => ({
        id,
        name,
        rateMBps: this.points.map((p) => {
          const share = p.shares.get(id);
          return share ? share.bytes / share.seconds / 1e6 : null;
        }),
      })),
      roundsPerPoint: this.roundsPerPoint,
    };
  }
}

function merge(shares: Map<number, Share>, id: number, add: Share): void {
  const found = shares.get(id);
  shares.set(id, found ? { bytes: found.bytes + add.bytes, seconds: found.seconds + add.seconds } : { bytes: add.bytes, seconds: add.seconds });
}
