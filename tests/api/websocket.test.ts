// The WebSocket at /api/ws: subscriptions kept up to date, calls, and the same token rules.
import { describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../src/shared/api/transport';
import { TestSocket, cookieFrom, request, startTestServer } from './support';

type Data = Extract<ServerMessage, { type: 'data' }>;
type Result = Extract<ServerMessage, { type: 'result' }>;
const names = (message: ServerMessage) => ((message as Data).result as { value: { name: string }[] }).value.map((e) => e.name);

describe('the WebSocket', () => {
  it('is refused without a token, or with a wrong one', async () => {
    const { url, token, server } = await startTestServer();
    await expect(TestSocket.connect(url)).rejects.toThrow('Refused 401');
    await expect(TestSocket.connect(url, { Authorization: `Bearer ${token.slice(1)}x` })).rejects.toThrow('Refused 401');
    await expect(TestSocket.connect(url, { Cookie: `daq_token_${server.port}=wrong` })).rejects.toThrow('Refused 401');
  });

  it('is authorized by the cookie a browser gets from /?token=', async () => {
    const { url, token } = await startTestServer();
    const cookie = cookieFrom(await request(`${url}/?token=${token}`));
    const socket = await TestSocket.connect(url, { Cookie: cookie, Origin: url });
    socket.send({ type: 'call', id: 'c1', op: 'experiments.list', input: {} });
    expect(await socket.next()).toEqual({ type: 'result', id: 'c1', result: { ok: true, value: [] } });
  });

  it("pushes a change made by one client over HTTP to another client's subscription", async () => {
    const server = await startTestServer();
    const watcher = await TestSocket.connect(server.url, { Authorization: `Bearer ${server.token}` });
    watcher.send({ type: 'subscribe', id: 'experiments', op: 'experiments.list', input: {} });
    const first = await watcher.next();
    expect(first).toEqual({ type: 'data', id: 'experiments', result: { ok: true, value: [] } });

    const started = performance.now();
    const created = await server.api('experiments.create', { name: 'e20009' });
    expect(created.status).toBe(200);
    const pushed = await watcher.next();
    const delay = performance.now() - started;
    console.log(`change pushed to the WebSocket subscriber ${delay.toFixed(1)} ms after the HTTP call started`);
    expect(pushed.type).toBe('data');
    expect((pushed as Data).id).toBe('experiments');
    expect(names(pushed)).toEqual(['e20009']);
  });

  it('answers calls over the socket, including refusals', async () => {
    const { url, token } = await startTestServer();
    const socket = await TestSocket.connect(url, { Authorization: `Bearer ${token}` });
    socket.send({ type: 'call', id: 'a', op: 'experiments.create', input: { name: 'e1' } });
    const created = (await socket.next()) as Result;
    expect(created).toMatchObject({ type: 'result', id: 'a', result: { ok: true, value: { name: 'e1' } } });
    socket.send({ type: 'call', id: 'b', op: 'experiments.create', input: { name: '' } });
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'b', result: { ok: false, error: { code: 'INVALID_INPUT', field: 'name' } } });
    socket.send({ type: 'call', id: 'c', op: 'no.such', input: {} });
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'c', result: { ok: false, error: { code: 'UNKNOWN_OPERATION' } } });
  });

  it('answers calls and subscriptions whose input is nested a few thousand levels deep with INVALID_INPUT, and stays open', async () => {
    const { url, token } = await startTestServer();
    const socket = await TestSocket.connect(url, { Authorization: `Bearer ${token}` });
    const input = `{"name":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const tooDeep = { ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('nested deeper than 64 levels') } };
    socket.send(`{"type":"call","id":"deep","op":"experiments.create","input":${input}}`);
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'deep', result: tooDeep });
    socket.send(`{"type":"subscribe","id":"deep-sub","op":"log.list","input":${input}}`);
    expect(await socket.next()).toMatchObject({ type: 'data', id: 'deep-sub', result: tooDeep });
    socket.send({ type: 'call', id: 'still-open', op: 'experiments.list' });
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'still-open', result: { ok: true } });
  });

  it('answers messages it cannot act on with an error message and stays open', async () => {
    const { url, token } = await startTestServer();
    const socket = await TestSocket.connect(url, { Authorization: `Bearer ${token}` });
    const bad: unknown[] = [
      'not json',
      '[]',
      { type: 'dance', id: 'x' },
      { type: 'subscribe', op: 'experiments.list' },
      { type: 'call', id: 7, op: 'experiments.list' },
      { type: 'unsubscribe' },
    ];
    for (const message of bad) {
      socket.send(message);
      const answer = await socket.next();
      expect(answer.type, JSON.stringify(message)).toBe('error');
      expect((answer as { message: string }).message.length).toBeGreaterThan(0);
    }
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await socket.next()).type).toBe('error');
    socket.send({ type: 'call', id: 'still-open', op: 'experiments.list' });
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'still-open' });
  });

  it('refuses to subscribe to a mutation', async () => {
    const { url, token, api } = await startTestServer();
    const socket = await TestSocket.connect(url, { Authorization: `Bearer ${token}` });
    socket.send({ type: 'subscribe', id: 's', op: 'experiments.create', input: { name: 'e1' } });
    expect(await socket.next()).toMatchObject({ type: 'data', id: 's', result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    expect((await api('experiments.list')).json?.value).toEqual([]);
  });

  it('stops pushing after unsubscribe, and ends every subscription of a socket when it closes', async () => {
    const server = await startTestServer();
    const { service } = server.application;
    const socket = await TestSocket.connect(server.url, { Authorization: `Bearer ${server.token}` });
    socket.send({ type: 'subscribe', id: 'one', op: 'experiments.list' });
    socket.send({ type: 'subscribe', id: 'two', op: 'experiments.list' });
    await socket.next();
    await socket.next();
    expect(service.subscriptionCount).toBe(2);

    socket.send({ type: 'unsubscribe', id: 'one' });
    // The call answer comes after the unsubscribe is done: messages are handled in order.
    socket.send({ type: 'call', id: 'sync', op: 'app.info' });
    await socket.nextMatching((m) => m.type === 'result');
    expect(service.subscriptionCount).toBe(1);

    await server.api('experiments.create', { name: 'e1' });
    const pushed = (await socket.next()) as Data;
    expect(pushed.id).toBe('two');

    await socket.close();
    await vi.waitFor(() => expect(service.subscriptionCount).toBe(0));
  });

  it('gives a read-only server\'s sockets read-only calls', async () => {
    const { url, token } = await startTestServer({ readOnly: true });
    const socket = await TestSocket.connect(url, { Authorization: `Bearer ${token}` });
    socket.send({ type: 'call', id: 'w', op: 'experiments.create', input: { name: 'e1' } });
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'w', result: { ok: false, error: { code: 'READ_ONLY' } } });
    socket.send({ type: 'subscribe', id: 'r', op: 'experiments.list' });
    expect(await socket.next()).toEqual({ type: 'data', id: 'r', result: { ok: true, value: [] } });
  });

  it('drops a socket whose peer stops answering pings', async () => {
    const server = await startTestServer({ heartbeatMs: 100 });
    // Like a peer that has vanished, this client answers no ping.
    const socket = await TestSocket.connect(server.url, { Authorization: `Bearer ${server.token}` }, { autoPong: false });
    const closed = new Promise<void>((resolve) => socket.ws.once('close', () => resolve()));
    socket.send({ type: 'subscribe', id: 's', op: 'experiments.list' });
    await socket.next();
    await closed;
    await vi.waitFor(() => expect(server.application.service.subscriptionCount).toBe(0));
  });

  it('closes its sockets when the server closes', async () => {
    const server = await startTestServer();
    const socket = await TestSocket.connect(server.url, { Authorization: `Bearer ${server.token}` });
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    await server.server.close();
    expect(await closed).toBe(1001);
  });
});
