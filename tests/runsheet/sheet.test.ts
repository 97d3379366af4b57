// The run sheet as views read it: observables in display order and runs by number, kept up to
// date for subscribers.
import { describe, expect, it } from 'vitest';
import type { ApiResult } from '../../src/shared/api/errors';
import type { RunSheet } from '../../src/shared/domain';
import { operator, testApi } from '../support/store';
import { rejection, sheetApi } from './fixtures';

/** Subscribes to the run sheet and resolves each wait with the next result pushed. */
function watchSheet(api: Awaited<ReturnType<typeof sheetApi>>) {
  const results: ApiResult<unknown>[] = [];
  let wake: (() => void) | undefined;
  const stop = api.service.subscribe('runSheet.get', {}, operator, (result) => {
    results.push(result);
    wake?.();
  });
  return {
    stop,
    async next(): Promise<RunSheet> {
      while (results.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const result = results.shift()!;
      if (!result.ok) throw new Error(result.error.message);
      return result.value as RunSheet;
    },
  };
}

describe('runSheet.get', () => {
  it('is null when there is no experiment yet', async () => {
    const api = testApi();
    expect(await api.call('runSheet.get', {})).toBeNull();
  });

  it('reads the active experiment, or the one named', async () => {
    const api = await sheetApi();
    await api.observable({ name: 'Beam energy', valueType: 'float' });
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    api.run(other.id);
    const active = await api.call('runSheet.get', {});
    expect(active).toMatchObject({ experiment: { name: 'e20009', active: true }, runs: [] });
    expect(active?.observables).toHaveLength(1);
    const named = await api.call('runSheet.get', { experimentId: other.id });
    expect(named).toMatchObject({ experiment: { name: 'e21001', active: false }, observables: [] });
    expect(named?.runs.map((run) => run.number)).toEqual([0]);
  });

  it('is refused for an experiment that does not exist', async () => {
    const api = await sheetApi();
    expect(await rejection(api.call('runSheet.get', { experimentId: 999 }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists the runs by number with their measurements', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    const runs = [api.run(), api.run(), api.run()];
    await api.call('runs.update', { id: runs[2]!.id, measurements: { [energy.id]: 3 } });
    await api.call('runs.update', { id: runs[0]!.id, measurements: { [energy.id]: 1 } });
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.runs.map((run) => [run.number, run.measurements])).toEqual([
      [0, { [energy.id]: 1 }],
      [1, {}],
      [2, { [energy.id]: 3 }],
    ]);
  });

  it('gives subscribers a new sheet after each change of a run, an observable or a measurement', async () => {
    const api = await sheetApi();
    const watcher = watchSheet(api);
    expect(await watcher.next()).toMatchObject({ observables: [], runs: [] });

    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    expect((await watcher.next()).observables.map((o) => o.name)).toEqual(['Beam energy']);

    const run = api.run();
    expect((await watcher.next()).runs.map((r) => r.number)).toEqual([0]);

    await api.call('runs.update', { id: run.id, measurements: { [energy.id]: 2.5 } });
    expect((await watcher.next()).runs[0]?.measurements).toEqual({ [energy.id]: 2.5 });

    await api.call('experiments.rename', { id: api.experiment.id, name: 'e20010' });
    expect((await watcher.next()).experiment.name).toBe('e20010');
    watcher.stop();
  });
});
