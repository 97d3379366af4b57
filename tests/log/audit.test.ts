// The audit trail as operators read it: what was done, by whom, from where, newest first.
import { describe, expect, it } from 'vitest';
import { insertAuditEntry } from '../../src/main/log/queries';
import { monitor, testApi } from '../support/store';

describe('audit.list', () => {
  it('lists the actions operators took, newest first, refusals included', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    await api.call('observables.add', { name: 'Beam energy', valueType: 'float' });
    await api.call('observables.add', { name: 'Beam energy', valueType: 'float' }).catch(() => undefined);
    const page = await api.call('audit.list', {});
    expect(page.nextBeforeId).toBeNull();
    expect(page.items.map((entry) => [entry.action, entry.result.split(':')[0]])).toEqual([
      ['observables.add', 'CONFLICT'],
      ['observables.add', 'ok'],
      ['experiments.create', 'ok'],
    ]);
    expect(page.items[1]).toMatchObject({ osUser: 'tester', origin: 'test', target: expect.stringContaining('"Beam energy"') as string });
    expect(page.items[1]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('does not record reads', async () => {
    const api = testApi();
    await api.call('runSheet.get', {});
    await api.call('log.list', {});
    await api.call('audit.list', {}, monitor);
    expect((await api.call('audit.list', {})).items).toEqual([]);
  });

  it('filters by action', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    await api.call('observables.add', { name: 'A', valueType: 'float' });
    await api.call('observables.add', { name: 'B', valueType: 'float' });
    const page = await api.call('audit.list', { action: 'observables.add' });
    expect(page.items.map((entry) => entry.target)).toEqual([
      expect.stringContaining('"B"') as string,
      expect.stringContaining('"A"') as string,
    ]);
    expect((await api.call('audit.list', { action: 'runs.update' })).items).toEqual([]);
  });

  it('reads a page at a time through beforeId', async () => {
    const api = testApi();
    const ids = Array.from({ length: 5 }, (_, i) =>
      insertAuditEntry(api.store, { osUser: 'op', origin: 'ipc', action: 'runs.update', target: `run ${i}`, result: 'ok' }),
    );
    const first = await api.call('audit.list', { limit: 2 });
    expect(first).toMatchObject({ items: [{ id: ids[4] }, { id: ids[3] }], nextBeforeId: ids[3] });
    const second = await api.call('audit.list', { limit: 2, beforeId: first.nextBeforeId! });
    expect(second).toMatchObject({ items: [{ id: ids[2] }, { id: ids[1] }], nextBeforeId: ids[1] });
    const last = await api.call('audit.list', { limit: 2, beforeId: second.nextBeforeId! });
    expect(last).toMatchObject({ items: [{ id: ids[0] }], nextBeforeId: null });
  });

  it('is open to read-only connections', async () => {
    const api = testApi();
    insertAuditEntry(api.store, { osUser: 'op', origin: 'ipc', action: 'log.clear', target: 'the whole log', result: 'ok' });
    expect((await api.call('audit.list', {}, monitor)).items).toHaveLength(1);
  });
});
