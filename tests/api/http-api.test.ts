// POST /api/<operation>: the contract's results as JSON, errors with their HTTP status.
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_DEPTH } from '../../src/main/api/input-depth';
import { request, startTestServer } from './support';

describe('POST /api/<operation>', () => {
  it('answers invalid input with 400 INVALID_INPUT naming the field', async () => {
    const { api } = await startTestServer();
    const answer = await api('experiments.create', { name: 'has spaces/and slashes' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'name' } });
  });

  it('answers an unknown operation with 404 UNKNOWN_OPERATION', async () => {
    const { api } = await startTestServer();
    const answer = await api('experiments.explode');
    expect(answer.status).toBe(404);
    expect(answer.json?.error?.code).toBe('UNKNOWN_OPERATION');
  });

  it('answers input nested deeper than 64 levels with 400 INVALID_INPUT, a few thousand levels too, and audits it briefly', async () => {
    const { url, token, api } = await startTestServer();
    // The input object is the first level: `name` holds the other 63 (or 64, or 5,000).
    const nested = (levels: number) => `{"name":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    const post = (body: string) =>
      request(`${url}/api/experiments.create`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body });
    const deepest = await post(nested(MAX_INPUT_DEPTH));
    expect(deepest.status).toBe(400);
    expect(deepest.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'name' } });
    for (const levels of [MAX_INPUT_DEPTH + 1, 5_000, 200_000]) {
      const answer = await post(nested(levels));
      expect(answer.status, `${levels} levels`).toBe(400);
      expect(answer.json).toEqual({
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The input is nested deeper than 64 levels (objects and arrays): no operation takes that' },
      });
    }
    const trail = await api('audit.list', { action: 'experiments.create' });
    expect((trail.json?.value as { items: unknown[] }).items[0]).toMatchObject({ target: '"(input nested too deeply)"', result: expect.stringMatching(/^INVALID_INPUT: The input is nested deeper/) });
  });

  it('answers malformed JSON with 400 INVALID_INPUT', async () => {
    const { url, token } = await startTestServer();
    const answer = await request(`${url}/api/experiments.create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{"name": "e1",',
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.error?.code).toBe('INVALID_INPUT');
    expect(answer.json?.error?.message).toMatch(/JSON/);
  });

  it('treats an empty body as empty input', async () => {
    const { url, token } = await startTestServer();
    const answer = await request(`${url}/api/experiments.list`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ok: true, value: [] });
  });

  it('answers other methods with 405 and says to use POST', async () => {
    const { url, token } = await startTestServer();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await request(`${url}/api/experiments.list`, { method, headers: { Authorization: `Bearer ${token}` } });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('POST');
    }
  });

  it('refuses a body over the limit with 413, whether announced or streamed', async () => {
    const { url, token } = await startTestServer({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ name: 'x'.repeat(2000) });
    const announced = await request(`${url}/api/experiments.create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Length': String(Buffer.byteLength(big)) },
      body: big,
    });
    expect(announced.status).toBe(413);
    const streamed = await request(`${url}/api/experiments.create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(streamed.status).toBe(413);
  });

  it('records who made a change: the OS user and "http" with the peer address', async () => {
    const { api } = await startTestServer();
    await api('experiments.create', { name: 'e1' });
    const audit = await api('audit.list', {});
    const entries = (audit.json?.value as { items: { action: string; origin: string; osUser: string }[] }).items;
    expect(entries[0]).toMatchObject({ action: 'experiments.create', origin: 'http 127.0.0.1', osUser: userInfo().username });
  });
});

describe('a read-only server', () => {
  it('refuses every change with 403 READ_ONLY and writes nothing, while queries work', async () => {
    const { api } = await startTestServer({ readOnly: true });
    const created = await api('experiments.create', { name: 'e1' });
    expect(created.status).toBe(403);
    expect(created.json?.error?.code).toBe('READ_ONLY');
    const listed = await api('experiments.list');
    expect(listed.status).toBe(200);
    expect(listed.json?.value).toEqual([]);
    const info = await api('app.info');
    expect(info.json?.value).toMatchObject({ readOnly: true });
  });

  it('is read-only also when the application was opened read-only', async () => {
    const { api } = await startTestServer({ appReadOnly: true });
    const created = await api('experiments.create', { name: 'e1' });
    expect(created.json?.error?.code).toBe('READ_ONLY');
    expect((await api('experiments.list')).json?.value).toEqual([]);
  });
});
