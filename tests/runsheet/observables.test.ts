// Observables: what an experiment measures for each run, their types and their display order.
import { describe, expect, it } from 'vitest';
import { lastAudit, rejection, sheetApi, storedTypes } from './fixtures';

describe('observables.add', () => {
  it('adds an observable at the end of the display order', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float', units: 'MeV/u', comment: 'From the cyclotron' });
    const target = await api.observable({ name: 'Target', valueType: 'string' });
    expect(energy).toEqual({
      id: energy.id,
      experimentId: api.experiment.id,
      name: 'Beam energy',
      valueType: 'float',
      units: 'MeV/u',
      comment: 'From the cyclotron',
      displayOrder: 0,
    });
    expect(target).toMatchObject({ name: 'Target', units: '', comment: '', displayOrder: 1 });
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.observables.map((o) => o.name)).toEqual(['Beam energy', 'Target']);
  });

  it('appends after the last observable even when earlier ones were removed or reordered', async () => {
    const api = await sheetApi();
    const a = await api.observable({ name: 'A', valueType: 'integer' });
    const b = await api.observable({ name: 'B', valueType: 'integer' });
    await api.call('observables.reorder', { order: [b.id, a.id] });
    await api.call('observables.remove', { id: b.id });
    await api.observable({ name: 'C', valueType: 'integer' });
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.observables.map((o) => o.name)).toEqual(['A', 'C']);
  });

  it('refuses a name the experiment already has, naming the field', async () => {
    const api = await sheetApi();
    await api.observable({ name: 'Beam energy', valueType: 'float' });
    const error = await rejection(api.observable({ name: '  Beam energy ', valueType: 'integer' }));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(error.message).toBe('Experiment "e20009" already has an observable named "Beam energy"');
    expect((await api.call('runSheet.get', {}))?.observables).toHaveLength(1);
  });

  it('allows the same name in another experiment', async () => {
    const api = await sheetApi();
    await api.observable({ name: 'Beam energy', valueType: 'float' });
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    const added = await api.observable({ experimentId: other.id, name: 'Beam energy', valueType: 'float' });
    expect(added).toMatchObject({ experimentId: other.id, displayOrder: 0 });
  });

  it('is refused for an experiment that does not exist', async () => {
    const api = await sheetApi();
    const error = await rejection(api.observable({ experimentId: 999, name: 'X', valueType: 'float' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'experimentId' });
  });

  it('is recorded in the audit trail by name and id', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    expect(lastAudit(api)).toEqual({
      action: 'observables.add',
      target: `observable "Beam energy" (#${energy.id}) of "e20009"`,
      result: 'ok',
    });
  });
});

describe('observables.update', () => {
  it('changes only the fields given', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float', units: 'MeV', comment: 'old' });
    const updated = await api.call('observables.update', { id: energy.id, units: 'MeV/u' });
    expect(updated).toEqual({ ...energy, units: 'MeV/u' });
    expect(await api.call('observables.update', { id: energy.id, name: 'Energy', comment: '' })).toEqual({
      ...energy,
      name: 'Energy',
      units: 'MeV/u',
      comment: '',
    });
  });

  it('refuses a new name another observable of the experiment has, but accepts the same name again', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    await api.observable({ name: 'Target', valueType: 'string' });
    const error = await rejection(api.call('observables.update', { id: energy.id, name: 'Target' }));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await api.call('observables.update', { id: energy.id, name: 'Beam energy' })).toEqual(energy);
  });

  it('is refused for an observable that does not exist', async () => {
    const api = await sheetApi();
    expect(await rejection(api.call('observables.update', { id: 404, name: 'X' }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('records the audit target by the name the observable had', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    await api.call('observables.update', { id: energy.id, name: 'Energy' });
    expect(lastAudit(api).target).toBe(`observable "Beam energy" (#${energy.id})`);
  });

  describe('changing the value type', () => {
    /** An observable of this type with one run per value; `values()` reads them back by run. */
    async function withValues(valueType: 'integer' | 'float' | 'string', recorded: (number | string)[]) {
      const api = await sheetApi();
      const observable = await api.observable({ name: 'Value', valueType });
      for (const value of recorded) {
        await api.call('runs.update', { id: api.run().id, measurements: { [observable.id]: value } });
      }
      const values = async () => (await api.call('runSheet.get', {}))!.runs.map((run) => run.measurements[observable.id]);
      return { api, observable, values };
    }

    it('turns whole numbers into floats', async () => {
      const { api, observable, values } = await withValues('integer', [3, -7]);
      expect(storedTypes(api, observable.id).map((row) => row.type)).toEqual(['integer', 'integer']);
      await api.call('observables.update', { id: observable.id, valueType: 'float' });
      expect(await values()).toEqual([3, -7]);
      expect(storedTypes(api, observable.id).map((row) => row.type)).toEqual(['real', 'real']);
    });

    it('turns floats into whole numbers when every value is whole', async () => {
      const { api, observable, values } = await withValues('float', [3, 12.0, -1]);
      expect(storedTypes(api, observable.id).map((row) => row.type)).toEqual(['real', 'real', 'real']);
      const updated = await api.call('observables.update', { id: observable.id, valueType: 'integer' });
      expect(updated.valueType).toBe('integer');
      expect(await values()).toEqual([3, 12, -1]);
      expect(storedTypes(api, observable.id).map((row) => row.type)).toEqual(['integer', 'integer', 'integer']);
    });

    it('refuses to turn floats into whole numbers when one is not whole, and changes nothing', async () => {
      const { api, observable, values } = await withValues('float', [3, 2.5]);
      const error = await rejection(
        api.call('observables.update', { id: observable.id, valueType: 'integer', name: 'Renamed' }),
      );
      expect(error).toMatchObject({ code: 'REFUSED', field: 'valueType' });
      expect(error.message).toContain('run 1 holds "2.5"');
      const sheet = await api.call('runSheet.get', {});
      expect(sheet?.observables[0]).toEqual(observable);
      expect(await values()).toEqual([3, 2.5]);
      expect(storedTypes(api, observable.id).map((row) => row.type)).toEqual(['real', 'real']);
    });

    it('turns any value into text', async () => {
      const fromInteger = await withValues('integer', [42]);
      await fromInteger.api.call('observables.update', { id: fromInteger.observable.id, valueType: 'string' });
      expect(await fromInteger.values()).toEqual(['42']);

      const fromFloat = await withValues('float', [1.5, 2]);
      await fromFloat.api.call('observables.update', { id: fromFloat.observable.id, valueType: 'string' });
      expect(await fromFloat.values()).toEqual(['1.5', '2']);
      expect(storedTypes(fromFloat.api, fromFloat.observable.id).map((row) => row.type)).toEqual(['text', 'text']);
    });

    it('turns text into numbers when every value reads as one', async () => {
      const toFloat = await withValues('string', [' 1.5 ', '2e3', '7']);
      await toFloat.api.call('observables.update', { id: toFloat.observable.id, valueType: 'float' });
      expect(await toFloat.values()).toEqual([1.5, 2000, 7]);
      expect(storedTypes(toFloat.api, toFloat.observable.id).map((row) => row.type)).toEqual(['real', 'real', 'real']);

      const toInteger = await withValues('string', ['12', '-3']);
      await toInteger.api.call('observables.update', { id: toInteger.observable.id, valueType: 'integer' });
      expect(await toInteger.values()).toEqual([12, -3]);
      expect(storedTypes(toInteger.api, toInteger.observable.id).map((row) => row.type)).toEqual(['integer', 'integer']);
    });

    it('refuses to turn text into numbers when one value does not read as one', async () => {
      const { api, observable, values } = await withValues('string', ['12', 'twelve']);
      const error = await rejection(api.call('observables.update', { id: observable.id, valueType: 'float' }));
      expect(error).toMatchObject({ code: 'REFUSED', field: 'valueType' });
      expect(error.message).toContain('run 1 holds "twelve"');
      expect(await values()).toEqual(['12', 'twelve']);

      const decimal = await withValues('string', ['1.5']);
      expect(await rejection(decimal.api.call('observables.update', { id: decimal.observable.id, valueType: 'integer' }))).toMatchObject({
        code: 'REFUSED',
        field: 'valueType',
      });
    });
  });
});

describe('observables.remove', () => {
  it('removes an observable that holds no values', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    api.run();
    expect(await api.call('observables.remove', { id: energy.id })).toEqual({ id: energy.id });
    expect((await api.call('runSheet.get', {}))?.observables).toEqual([]);
    expect(lastAudit(api)).toMatchObject({ action: 'observables.remove', target: `observable "Beam energy" (#${energy.id})` });
  });

  it('is refused while runs hold values for it, and keeps them', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    const run = api.run();
    api.run();
    await api.call('runs.update', { id: run.id, measurements: { [energy.id]: 12.5 } });
    const error = await rejection(api.call('observables.remove', { id: energy.id }));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toContain('"Beam energy" holds values in 1 run');
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.observables).toEqual([energy]);
    expect(sheet?.runs[0]?.measurements).toEqual({ [energy.id]: 12.5 });
  });

  it('removes the observable with its values when asked to delete them', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float' });
    const target = await api.observable({ name: 'Target', valueType: 'string' });
    const run = api.run();
    await api.call('runs.update', { id: run.id, measurements: { [energy.id]: 12.5, [target.id]: 'He-4' } });
    await api.call('observables.remove', { id: energy.id, deleteValues: true });
    const sheet = await api.call('runSheet.get', {});
    expect(sheet?.observables.map((o) => o.name)).toEqual(['Target']);
    expect(sheet?.runs[0]?.measurements).toEqual({ [target.id]: 'He-4' });
    expect(storedTypes(api, energy.id)).toEqual([]);
  });

  it('is refused for an observable that does not exist', async () => {
    const api = await sheetApi();
    expect(await rejection(api.call('observables.remove', { id: 404 }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('observables.reorder', () => {
  async function threeObservables() {
    const api = await sheetApi();
    const a = await api.observable({ name: 'A', valueType: 'float' });
    const b = await api.observable({ name: 'B', valueType: 'float' });
    const c = await api.observable({ name: 'C', valueType: 'float' });
    return { api, ids: [a.id, b.id, c.id] as [number, number, number] };
  }
  const names = async (api: Awaited<ReturnType<typeof sheetApi>>) =>
    (await api.call('runSheet.get', {}))?.observables.map((o) => o.name);

  it('sets the display order to the order given and returns the observables in it', async () => {
    const { api, ids } = await threeObservables();
    const [a, b, c] = ids;
    const result = await api.call('observables.reorder', { order: [c, a, b] });
    expect(result.map((o) => [o.name, o.displayOrder])).toEqual([
      ['C', 0],
      ['A', 1],
      ['B', 2],
    ]);
    expect(await names(api)).toEqual(['C', 'A', 'B']);
    expect(lastAudit(api)).toMatchObject({ action: 'observables.reorder', target: 'observables of "e20009"' });
  });

  it('is refused when an observable is missing from the order', async () => {
    const { api, ids } = await threeObservables();
    const error = await rejection(api.call('observables.reorder', { order: [ids[2], ids[0]] }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'order' });
    expect(await names(api)).toEqual(['A', 'B', 'C']);
  });

  it('is refused when an observable appears twice', async () => {
    const { api, ids } = await threeObservables();
    const error = await rejection(api.call('observables.reorder', { order: [ids[2], ids[0], ids[1], ids[0]] }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'order' });
    expect(await names(api)).toEqual(['A', 'B', 'C']);
  });

  it('is refused when the order names an observable of another experiment or none at all', async () => {
    const { api, ids } = await threeObservables();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    const foreign = await api.observable({ experimentId: other.id, name: 'A', valueType: 'float' });
    for (const order of [[ids[0], ids[1], foreign.id], [ids[0], ids[1], 9999]]) {
      expect(await rejection(api.call('observables.reorder', { order }))).toMatchObject({ code: 'INVALID_INPUT', field: 'order' });
    }
    expect(await names(api)).toEqual(['A', 'B', 'C']);
  });
});
