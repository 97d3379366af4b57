// Run records as run control writes them: the next number, in the same transaction as the check
// that no run is current, and the stop.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api/errors';
import { Store } from '../../src/main/db/store';
import { createRun, findRun, stopRun } from '../../src/main/runsheet/queries';
import { tempDir, tempStore } from '../support/store';

function addExperiment(store: Store, name: string): number {
  return Number(
    store.db.prepare("INSERT INTO experiment (name, created_at) VALUES (?, '2025-01-01T00:00:00.000Z')").run(name).lastInsertRowid,
  );
}

function startAndStop(store: Store, experimentId: number): number {
  const run = createRun(store, { experimentId, configName: 'cfg' });
  stopRun(store, run.id);
  return run.number;
}

function refusal(work: () => unknown): ApiError {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('Expected a refusal');
}

describe('createRun', () => {
  it('numbers the runs of an experiment 0, 1, 2', () => {
    const store = tempStore();
    const experimentId = addExperiment(store, 'e20009');
    expect([startAndStop(store, experimentId), startAndStop(store, experimentId), startAndStop(store, experimentId)]).toEqual([0, 1, 2]);
  });

  it('records the start time, the config name and an empty description, and leaves the run current', () => {
    const store = tempStore();
    const experimentId = addExperiment(store, 'e20009');
    const run = createRun(store, { experimentId, configName: 'cobo,mutant', startTime: '2025-03-01T12:00:00.000Z' });
    expect(run).toEqual({
      id: run.id,
      experimentId,
      number: 0,
      startTime: '2025-03-01T12:00:00.000Z',
      stopTime: null,
      title: '',
      runClass: 'Testing',
      configName: 'cobo,mutant',
      measurements: {},
      startChecklist: [],
      stopUnconfirmed: [],
      // Recorded by Start all (run-control.ts), not by createRun alone.
      config: { hash: null, changed: null, warnings: [] },
      dataFlow: null,
    });
  });

  it('numbers each experiment on its own', () => {
    const store = tempStore();
    const first = addExperiment(store, 'first');
    const second = addExperiment(store, 'second');
    startAndStop(store, first);
    startAndStop(store, first);
    expect(startAndStop(store, second)).toBe(0);
    expect(startAndStop(store, first)).toBe(2);
  });

  it('continues the numbers after the database file is closed and opened again', () => {
    const file = join(tempDir(), 'daq.sqlite');
    let store = new Store(file);
    const experimentId = addExperiment(store, 'e20009');
    startAndStop(store, experimentId);
    startAndStop(store, experimentId);
    store.close();

    store = new Store(file);
    try {
      expect(startAndStop(store, experimentId)).toBe(2);
    } finally {
      store.close();
    }
  });

  it('is refused while a run of the experiment is current, and writes nothing', () => {
    const store = tempStore();
    const experimentId = addExperiment(store, 'e20009');
    createRun(store, { experimentId, configName: 'cfg' });
    const events: unknown[] = [];
    store.onChange((tables) => events.push(tables));

    const error = refusal(() => createRun(store, { experimentId, configName: 'cfg' }));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toBe('Run 0 of experiment "e20009" is still going: stop it before starting another');
    expect(store.db.prepare('SELECT count(*) FROM run').pluck().get()).toBe(1);
    expect(events).toEqual([]);
  });

  it('is allowed in one experiment while a run of another is current', () => {
    const store = tempStore();
    createRun(store, { experimentId: addExperiment(store, 'first'), configName: 'cfg' });
    expect(createRun(store, { experimentId: addExperiment(store, 'second'), configName: 'cfg' }).number).toBe(0);
  });

  it('is refused for an experiment that does not exist', () => {
    const store = tempStore();
    expect(refusal(() => createRun(store, { experimentId: 99, configName: 'cfg' })).code).toBe('NOT_FOUND');
  });

  it('announces the change of the run table', () => {
    const store = tempStore();
    const experimentId = addExperiment(store, 'e20009');
    const events: unknown[] = [];
    store.onChange((tables) => events.push(tables));
    createRun(store, { experimentId, configName: 'cfg' });
    expect(events).toEqual([['run']]);
  });
});

describe('stopRun', () => {
  it('records the stop time, after which the run is no longer current', () => {
    const store = tempStore();
    const experimentId = addExperiment(store, 'e20009');
    const run = createRun(store, { experimentId, configName: 'cfg' });
    const stopped = stopRun(store, run.id, '2025-03-01T13:00:00.000Z');
    expect(stopped.stopTime).toBe('2025-03-01T13:00:00.000Z');
    expect(findRun(store, run.id)?.stopTime).toBe('2025-03-01T13:00:00.000Z');
    expect(createRun(store, { experimentId, configName: 'cfg' }).number).toBe(1);
  });

  it('stamps the current time when none is given', () => {
    const store = tempStore();
    const run = createRun(store, { experimentId: addExperiment(store, 'e20009'), configName: 'cfg' });
    const before = new Date().toISOString();
    const stopped = stopRun(store, run.id);
    expect(stopped.stopTime! >= before).toBe(true);
  });

  it('is refused for a run that has already stopped, keeping its stop time', () => {
    const store = tempStore();
    const run = createRun(store, { experimentId: addExperiment(store, 'e20009'), configName: 'cfg' });
    stopRun(store, run.id, '2025-03-01T13:00:00.000Z');
    const error = refusal(() => stopRun(store, run.id, '2025-03-01T14:00:00.000Z'));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toContain('Run 0 has already stopped');
    expect(findRun(store, run.id)?.stopTime).toBe('2025-03-01T13:00:00.000Z');
  });

  it('is refused for a run that does not exist', () => {
    const store = tempStore();
    expect(refusal(() => stopRun(store, 1234)).code).toBe('NOT_FOUND');
  });
});
