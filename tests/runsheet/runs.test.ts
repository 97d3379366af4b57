// A run's entry in the run sheet: its title, class and measurements, typed in or copied from the
// previous run.
import { describe, expect, it } from 'vitest';
import { createRun } from '../../src/main/runsheet/queries';
import { lastAudit, rejection, sheetApi, storedTypes } from './fixtures';

async function sheetWithObservables() {
  const api = await sheetApi();
  const count = await api.observable({ name: 'Events', valueType: 'integer' });
  const energy = await api.observable({ name: 'Beam energy', valueType: 'float', units: 'MeV/u' });
  const target = await api.observable({ name: 'Target', valueType: 'string' });
  return { api, count, energy, target };
}

describe('runs.update', () => {
  it("sets a run's title, class and measurements, each converted to its observable's type", async () => {
    const { api, count, energy, target } = await sheetWithObservables();
    const run = api.run();
    const updated = await api.call('runs.update', {
      id: run.id,
      title: '  Beam on target ',
      runClass: 'Beam',
      measurements: { [count.id]: ' 1200 ', [energy.id]: '10.5', [target.id]: ' He-4 gas' },
    });
    expect(updated).toEqual({
      ...run,
      title: 'Beam on target',
      runClass: 'Beam',
      measurements: { [count.id]: 1200, [energy.id]: 10.5, [target.id]: ' He-4 gas' },
    });
    expect(storedTypes(api, count.id)).toEqual([{ number: 0, type: 'integer' }]);
    expect(storedTypes(api, energy.id)).toEqual([{ number: 0, type: 'real' }]);
    expect(storedTypes(api, target.id)).toEqual([{ number: 0, type: 'text' }]);
    expect((await api.call('runSheet.get', {}))?.runs).toEqual([updated]);
  });

  it('stores a whole number typed for a float observable as a float, and numbers typed for text as text', async () => {
    const { api, energy, target } = await sheetWithObservables();
    const run = api.run();
    const updated = await api.call('runs.update', { id: run.id, measurements: { [energy.id]: 10, [target.id]: 7 } });
    expect(updated.measurements).toEqual({ [energy.id]: 10, [target.id]: '7' });
    expect(storedTypes(api, energy.id)[0]?.type).toBe('real');
    expect(storedTypes(api, target.id)[0]?.type).toBe('text');
  });

  it('leaves the fields not given as they were', async () => {
    const { api, count, energy } = await sheetWithObservables();
    const run = api.run();
    await api.call('runs.update', { id: run.id, title: 'Pulser test', runClass: 'Pulser', measurements: { [count.id]: 5, [energy.id]: 1.5 } });
    const updated = await api.call('runs.update', { id: run.id, measurements: { [count.id]: 6 } });
    expect(updated).toMatchObject({ title: 'Pulser test', runClass: 'Pulser', measurements: { [count.id]: 6, [energy.id]: 1.5 } });
  });

  it('clears a value given as null or as empty text', async () => {
    const { api, count, energy, target } = await sheetWithObservables();
    const run = api.run();
    await api.call('runs.update', { id: run.id, measurements: { [count.id]: 5, [energy.id]: 1.5, [target.id]: 'He-4' } });
    const updated = await api.call('runs.update', { id: run.id, measurements: { [count.id]: null, [energy.id]: '  ', [target.id]: '' } });
    expect(updated.measurements).toEqual({});
    expect(api.store.db.prepare('SELECT count(*) FROM measurement').pluck().get()).toBe(0);
  });

  it('refuses a value that does not fit its observable, naming the field, and writes nothing of the update', async () => {
    const { api, count, energy } = await sheetWithObservables();
    const run = api.run();
    const error = await rejection(
      api.call('runs.update', { id: run.id, title: 'Changed', runClass: 'Junk', measurements: { [energy.id]: 3.5, [count.id]: '12.5' } }),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: `measurements.${count.id}`, message: 'Events: Must be a whole number' });
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.runs).toEqual([run]);
  });

  it('refuses text for a float observable', async () => {
    const { api, energy } = await sheetWithObservables();
    const error = await rejection(api.call('runs.update', { id: api.run().id, measurements: { [energy.id]: 'ten' } }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: `measurements.${energy.id}`, message: 'Beam energy: Must be a number' });
  });

  it('refuses a measurement of an observable of another experiment, or of none', async () => {
    const { api, count } = await sheetWithObservables();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    const foreign = await api.observable({ experimentId: other.id, name: 'Events', valueType: 'integer' });
    const run = api.run();
    for (const id of [foreign.id, 9999]) {
      const error = await rejection(api.call('runs.update', { id: run.id, measurements: { [count.id]: 1, [id]: 1 } }));
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: `measurements.${id}` });
    }
    expect(api.store.db.prepare('SELECT count(*) FROM measurement').pluck().get()).toBe(0);
  });

  it('updates the current run too', async () => {
    const { api, count } = await sheetWithObservables();
    const current = createRun(api.store, { experimentId: api.experiment.id, configName: 'cfg' });
    const updated = await api.call('runs.update', { id: current.id, title: 'Going', measurements: { [count.id]: 1 } });
    expect(updated).toMatchObject({ stopTime: null, title: 'Going', measurements: { [count.id]: 1 } });
  });

  it('is refused for a run that does not exist', async () => {
    const api = await sheetApi();
    expect(await rejection(api.call('runs.update', { id: 404, title: 'x' }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('is recorded in the audit trail as the run number of the experiment', async () => {
    const { api } = await sheetWithObservables();
    api.run();
    const run = api.run();
    await api.call('runs.update', { id: run.id, title: 'x' });
    expect(lastAudit(api)).toEqual({ action: 'runs.update', target: 'run 1 of "e20009"', result: 'ok' });
  });
});

describe('runs.sameAsPrevious', () => {
  it('copies the title, class and every measurement of the previous run', async () => {
    const { api, count, energy, target } = await sheetWithObservables();
    const first = api.run();
    await api.call('runs.update', {
      id: first.id,
      title: 'Production with beam',
      runClass: 'Production',
      measurements: { [count.id]: 100, [energy.id]: 10.5, [target.id]: 'He-4' },
    });
    const second = api.run();
    const copied = await api.call('runs.sameAsPrevious', { id: second.id });
    expect(copied).toEqual({
      ...second,
      title: 'Production with beam',
      runClass: 'Production',
      measurements: { [count.id]: 100, [energy.id]: 10.5, [target.id]: 'He-4' },
    });
    expect(storedTypes(api, count.id).map((row) => row.type)).toEqual(['integer', 'integer']);
    expect(lastAudit(api)).toEqual({ action: 'runs.sameAsPrevious', target: 'run 1 of "e20009" from run 0', result: 'ok' });
  });

  it("replaces the run's own measurements, clearing those the previous run has no value for", async () => {
    const { api, count, energy } = await sheetWithObservables();
    const first = api.run();
    await api.call('runs.update', { id: first.id, measurements: { [count.id]: 100 } });
    const second = api.run();
    await api.call('runs.update', { id: second.id, title: 'Own', runClass: 'Junk', measurements: { [count.id]: 5, [energy.id]: 2.5 } });
    const copied = await api.call('runs.sameAsPrevious', { id: second.id });
    expect(copied).toMatchObject({ title: '', runClass: 'Testing', measurements: { [count.id]: 100 } });
    expect(copied.measurements).not.toHaveProperty(String(energy.id));
  });

  it('takes the run with the highest number below, and leaves that run unchanged', async () => {
    const { api, count } = await sheetWithObservables();
    const runs = [api.run(), api.run(), api.run()];
    await api.call('runs.update', { id: runs[0]!.id, title: 'zero', measurements: { [count.id]: 0 } });
    await api.call('runs.update', { id: runs[1]!.id, title: 'one', measurements: { [count.id]: 1 } });
    const copied = await api.call('runs.sameAsPrevious', { id: runs[2]!.id });
    expect(copied).toMatchObject({ title: 'one', measurements: { [count.id]: 1 } });
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.runs[1]).toMatchObject({ title: 'one', measurements: { [count.id]: 1 } });
  });

  it('ignores the runs of other experiments', async () => {
    const api = await sheetApi();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    const otherRun = api.run(other.id);
    await api.call('runs.update', { id: otherRun.id, title: 'other experiment' });
    const own = api.run();
    const error = await rejection(api.call('runs.sameAsPrevious', { id: own.id }));
    expect(error.code).toBe('REFUSED');
    const second = api.run(other.id);
    expect((await api.call('runs.sameAsPrevious', { id: second.id })).title).toBe('other experiment');
  });

  it('is refused for run 0, which has no previous run', async () => {
    const api = await sheetApi();
    const run = api.run();
    const error = await rejection(api.call('runs.sameAsPrevious', { id: run.id }));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toMatch(/^Run 0 has no previous run/);
  });

  it('is refused for a run that does not exist', async () => {
    const api = await sheetApi();
    expect(await rejection(api.call('runs.sameAsPrevious', { id: 404 }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});
