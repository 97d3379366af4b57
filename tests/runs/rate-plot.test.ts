// The rate plot of a run: one point per round while it fits, then neighbouring points merged two
// by two, each merged point the exact mean rate (bytes over measured seconds) of what it covers.
import { describe, expect, it } from 'vitest';
import { RatePlot } from '../../src/main/runs/rate-plot';

describe('the rate plot', () => {
  it('has one point per round, a router with no reading in a round shown as a gap', () => {
    const plot = new RatePlot(7, 3, 10);
    plot.add(2, [{ id: 1, name: 'DataRouter0', bytes: 2_000_000, seconds: 2 }, { id: 2, name: 'DataRouter1', bytes: 0, seconds: 0 }]);
    plot.add(4, [{ id: 1, name: 'DataRouter0', bytes: 4_000_000, seconds: 2 }, { id: 2, name: 'DataRouter1', bytes: 1_000_000, seconds: 4 }]);
    expect(plot.toJSON()).toEqual({
      runId: 7,
      runNumber: 3,
      seconds: [2, 4],
      routers: [
        { id: 1, name: 'DataRouter0', rateMBps: [1, 2] },
        { id: 2, name: 'DataRouter1', rateMBps: [null, 0.25] },
      ],
      roundsPerPoint: 1,
    });
  });

  it('keeps the whole run in at most its points, merged as the mean of bytes over seconds', () => {
    const plot = new RatePlot(1, 0, 4);
    // Rounds of unequal measured length: a merged point is not the mean of the two rates.
    const rounds = [
      { bytes: 1_000_000, seconds: 1 },
      { bytes: 9_000_000, seconds: 3 },
      { bytes: 2_000_000, seconds: 2 },
      { bytes: 2_000_000, seconds: 2 },
      { bytes: 5_000_000, seconds: 1 },
    ];
    let at = 0;
    for (const round of rounds) {
      at += round.seconds;
      plot.add(at, [{ id: 1, name: 'DataRouter0', ...round }]);
    }
    const shown = plot.toJSON();
    expect(shown.roundsPerPoint).toBe(2);
    expect(shown.seconds).toEqual([4, 8, 9]);
    expect(shown.routers[0]?.rateMBps).toEqual([10 / 4, 4 / 4, 5]);

    for (let i = 0; i < 1000; i++) plot.add(++at, [{ id: 1, name: 'DataRouter0', bytes: 1_000_000, seconds: 1 }]);
    expect(plot.length).toBeLessThanOrEqual(4);
    const total = plot.toJSON();
    expect(total.seconds.at(-1)).toBe(at);
    expect(total.roundsPerPoint).toBeGreaterThanOrEqual(256);
  });

  it('refuses a size that cannot hold a plot', () => {
    expect(() => new RatePlot(null, null, 1)).toThrow(/maxPoints/);
  });
});
