// Store.write: one transaction per outermost write, and one change event after it commits.
import { describe, expect, it } from 'vitest';
import type { Table } from '../../src/main/db/store';
import { tempStore } from '../support/store';

function watch(store: ReturnType<typeof tempStore>): Table[][] {
  const events: Table[][] = [];
  store.onChange((tables) => events.push([...tables].sort()));
  return events;
}

const insertExperiment = (store: ReturnType<typeof tempStore>, name: string) =>
  store.db.prepare("INSERT INTO experiment (name, created_at) VALUES (?, '2025-01-01T00:00:00.000Z')").run(name);
const experimentNames = (store: ReturnType<typeof tempStore>) =>
  store.db.prepare('SELECT name FROM experiment ORDER BY name').pluck().all();

describe('Store.write', () => {
  it('returns what the work returns and announces the tables it named once it has committed', () => {
    const store = tempStore();
    const events = watch(store);
    const result = store.write(['experiment'], () => {
      insertExperiment(store, 'e1');
      // Not yet announced while the transaction is open.
      expect(events).toEqual([]);
      return 42;
    });
    expect(result).toBe(42);
    expect(events).toEqual([['experiment']]);
  });

  it('joins nested writes into one transaction and fires one event with all their tables', () => {
    const store = tempStore();
    const events = watch(store);
    store.write(['experiment'], () => {
      insertExperiment(store, 'e1');
      store.write(['observable'], () => {
        expect(store.db.inTransaction).toBe(true);
        store.db
          .prepare("INSERT INTO observable (experiment_id, name, value_type, display_order) VALUES (1, 'Beam energy', 'float', 0)")
          .run();
      });
      store.write(['run', 'experiment'], () => insertExperiment(store, 'e2'));
      expect(events).toEqual([]);
    });
    expect(events).toEqual([['experiment', 'observable', 'run']]);
    expect(experimentNames(store)).toEqual(['e1', 'e2']);
  });

  it('leaves nothing written and fires no event when the work throws', () => {
    const store = tempStore();
    const events = watch(store);
    expect(() =>
      store.write(['experiment'], () => {
        insertExperiment(store, 'e1');
        store.write(['run'], () => insertExperiment(store, 'e2'));
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(experimentNames(store)).toEqual([]);
    expect(events).toEqual([]);
    expect(store.db.inTransaction).toBe(false);
  });

  it('undoes only an inner write that throws when the outer one catches it, and announces only what was kept', () => {
    const store = tempStore();
    const events = watch(store);
    store.write(['experiment'], () => {
      insertExperiment(store, 'kept');
      try {
        store.write(['run'], () => {
          insertExperiment(store, 'undone');
          throw new Error('inner failure');
        });
      } catch {
        // The outer write goes on without the inner one.
      }
    });
    expect(experimentNames(store)).toEqual(['kept']);
    expect(events).toEqual([['experiment']]);
  });

  it('stops announcing to a listener once it has unsubscribed', () => {
    const store = tempStore();
    const events: Table[][] = [];
    const stop = store.onChange((tables) => events.push(tables));
    store.write(['experiment'], () => insertExperiment(store, 'e1'));
    stop();
    store.write(['experiment'], () => insertExperiment(store, 'e2'));
    expect(events).toEqual([['experiment']]);
  });
});
