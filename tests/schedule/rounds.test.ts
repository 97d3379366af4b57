// Rounds that never stack: one at a time, a round asked for meanwhile skipped (or run once after,
// with followUp), also when the round's own work asks for a round before its first await (the
// after-stop jobs do: marking a job running is a write, and a write asks for a job round).
import { describe, expect, it } from 'vitest';
import { Round } from '../../src/main/schedule/rounds';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('a round', () => {
  it('runs one at a time and skips a round asked for while one runs', async () => {
    const g = gate();
    let runs = 0;
    const round = new Round('test', async () => {
      runs++;
      await g.opened;
    });
    const first = round.run();
    await round.run();
    await round.run();
    g.open();
    await first;
    expect(runs).toBe(1);
    expect(round.stats).toEqual({ started: 1, finished: 1, skipped: 2 });
  });

  it('with followUp, runs once more after the running one, however often it was asked', async () => {
    const gates = [gate(), gate()];
    let runs = 0;
    const round = new Round('test', async () => {
      await gates[runs++]!.opened;
    }, { followUp: true });
    const first = round.run();
    void round.run();
    void round.run();
    gates[0]!.open();
    await first;
    await expect.poll(() => runs).toBe(2);
    gates[1]!.open();
    await expect.poll(() => round.stats.finished).toBe(2);
    expect(runs).toBe(2);
  });

  it('does not start a second round when its own work asks for one before its first await', async () => {
    let runs = 0;
    const round: Round = new Round('test', async () => {
      runs++;
      // Synchronously, as a store write's change event would.
      if (runs < 10) void round.run();
      await Promise.resolve();
    });
    await round.run();
    expect(runs).toBe(1);
    expect(round.stats.skipped).toBe(1);
  });

  it('keeps going after work that throws, and says so', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      let runs = 0;
      const round = new Round('failing round', async () => {
        runs++;
        throw new Error('boom');
      });
      await round.run();
      await round.run();
      expect(runs).toBe(2);
      expect(errors).toHaveLength(2);
    } finally {
      console.error = original;
    }
  });
});
