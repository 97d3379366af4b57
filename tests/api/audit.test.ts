// How the service names the target of a mutation in the audit trail: what the handler named
// while running, else the handler's description of its input, else the input itself.
import { describe, expect, it } from 'vitest';
import { testApi, type TestApi } from '../support/store';
import { addCobo, eccServerInput, rejection } from '../setup/support';

function auditOf(api: TestApi, action: string): { target: string; result: string }[] {
  return api.store.db.prepare('SELECT target, result FROM audit_entry WHERE action = ? ORDER BY id').all(action) as {
    target: string;
    result: string;
  }[];
}

describe('audit targets', () => {
  it('names what a handler acted on, known only while it ran', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const server = await api.call('eccServers.add', eccServerInput('ECC0'));
    await api.call('eccServers.remove', { id: server.id });
    expect(auditOf(api, 'eccServers.add')).toEqual([{ target: `ECC server "ECC0" (#${server.id}) in experiment "e20009"`, result: 'ok' }]);
    // The input holds only the id; the name comes from the server the handler deleted.
    expect(auditOf(api, 'eccServers.remove')).toEqual([{ target: `ECC server "ECC0" (#${server.id})`, result: 'ok' }]);
  });

  it("falls back to the handler's description of the input when refused before naming it", async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    const { eccServerId } = await addCobo(api, 0);
    expect((await rejection(api.call('eccServers.remove', { id: eccServerId }))).code).toBe('REFUSED');
    const [entry] = auditOf(api, 'eccServers.remove');
    expect(entry?.target).toBe(`ECC server #${eccServerId}`);
    expect(entry?.result).toMatch(/^REFUSED: ECC server "ECC0" is used by data source CoBo\[0\]/);
  });

  it('records input that failed validation as it came', async () => {
    const api = testApi();
    await api.call('experiments.create', { name: 'e20009' });
    expect((await rejection(api.call('eccServers.remove', { id: -1 }))).code).toBe('INVALID_INPUT');
    expect(auditOf(api, 'eccServers.remove')[0]?.target).toBe('{"id":-1}');
  });

  it('keeps the targets of concurrent calls of one operation apart', async () => {
    const api = testApi();
    const first = await api.call('experiments.create', { name: 'e20009' });
    const second = await api.call('experiments.create', { name: 'e21001', activate: false });
    const renames = [
      api.call('experiments.rename', { id: first.id, name: 'e20009-b' }),
      api.call('experiments.rename', { id: second.id, name: 'e21001-b' }),
    ];
    await Promise.all(renames);
    expect(auditOf(api, 'experiments.rename').map((entry) => entry.target)).toEqual([
      `experiment "e20009" (#${first.id}) to "e20009-b"`,
      `experiment "e21001" (#${second.id}) to "e21001-b"`,
    ]);
  });
});
