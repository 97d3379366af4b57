// Read-only monitors beside control: one application serves its control API and, on a second
// listener with its own token, a read-only copy of it. Real HTTP and WebSocket servers, real
// data directories.
import { readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApplication } from '../../src/main/app/application';
import { MONITOR_TOKEN_FILE } from '../../src/main/app/token';
import { OPERATION_NAMES, isQuery } from '../../src/shared/api/contract';
import type { ServerMessage } from '../../src/shared/api/transport';
import { MONITOR_TOKEN_REPLACED_CODE, type MonitorStatus } from '../../src/shared/monitor';
import { TestSocket, cookieFrom, onCleanup, request, startTestServer, type Answer, type TestServer } from './support';
import { ApiService } from '../../src/main/api/service';
import { handlers } from '../../src/main/api/handlers';
import type { Handlers, QueryHandler } from '../../src/main/api/handler';
import { monitor as monitorCaller, operator, tempDir, tempStore } from '../support/store';

type Data = Extract<ServerMessage, { type: 'data' }>;
type Result = Extract<ServerMessage, { type: 'result' }>;

const MUTATIONS = OPERATION_NAMES.filter((name) => !isQuery(name));
const QUERIES = OPERATION_NAMES.filter((name) => isQuery(name));

/** POST /api/<name> to `url` with `token` as the bearer. */
function call(url: string, token: string, name: string, input: unknown = {}): Promise<Answer> {
  return request(`${url}/api/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

async function status(control: TestServer): Promise<MonitorStatus> {
  const answer = await control.api('monitor.status');
  expect(answer.status, answer.text).toBe(200);
  return answer.json?.value as MonitorStatus;
}

async function configure(control: TestServer, input: unknown): Promise<MonitorStatus> {
  const answer = await control.api('monitor.configure', input);
  expect(answer.status, answer.text).toBe(200);
  return answer.json?.value as MonitorStatus;
}

/** A control server with its monitor open on a free loopback port. */
async function controlWithMonitor(): Promise<{ control: TestServer; monitor: MonitorStatus & { url: string } }> {
  const control = await startTestServer();
  const monitor = await configure(control, { enabled: true, host: '127.0.0.1', port: 0 });
  expect(monitor.listening).toBe(true);
  return { control, monitor: monitor as MonitorStatus & { url: string } };
}

/** A port nothing listens on now (the kernel's choice, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves with the close code and reason once the server closes the socket. */
function closedWith(socket: TestSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('a monitor beside control', () => {
  it('serves the same application read-only on its own port, with its own token, while control changes it', async () => {
    const { control, monitor } = await controlWithMonitor();
    expect(monitor.url).not.toBe(control.url);
    expect(monitor.token).toMatch(/^[0-9a-f]{64}$/);
    expect(monitor.token).not.toBe(control.token);
    expect(monitor.link).toBe(`${monitor.url}/?token=${monitor.token}`);
    expect(monitor.warning).toBeNull();
    // Kept beside the control token, as private.
    expect(readFileSync(join(control.dataDir, MONITOR_TOKEN_FILE), 'utf8').trim()).toBe(monitor.token);
    expect(statSync(join(control.dataDir, MONITOR_TOKEN_FILE)).mode & 0o777).toBe(0o600);

    const info = await call(monitor.url, monitor.token, 'app.info');
    expect(info.json).toMatchObject({ ok: true, value: { readOnly: true } });
    expect((await control.api('app.info')).json).toMatchObject({ ok: true, value: { readOnly: false } });

    // A monitor follows what the control side does.
    const watcher = await TestSocket.connect(monitor.url, { Authorization: `Bearer ${monitor.token}` });
    watcher.send({ type: 'subscribe', id: 'experiments', op: 'experiments.list', input: {} });
    expect(await watcher.next()).toEqual({ type: 'data', id: 'experiments', result: { ok: true, value: [] } });
    expect((await control.api('experiments.create', { name: 'e20009' })).status).toBe(200);
    const pushed = (await watcher.next()) as Data;
    expect(pushed.result).toMatchObject({ ok: true, value: [{ name: 'e20009', active: true }] });

    // The control side sees the monitor connected.
    await expect.poll(async () => (await status(control)).connections).toBe(1);
    await watcher.close();
    await expect.poll(async () => (await status(control)).connections).toBe(0);
  });

  it('logs a browser in with the monitor link, and that browser is read-only', async () => {
    const { monitor } = await controlWithMonitor();
    const login = await request(monitor.link as string);
    expect(login.status).toBe(303);
    const cookie = cookieFrom(login);
    const info = await request(`${monitor.url}/api/app.info`, { method: 'POST', headers: { Cookie: cookie } });
    expect(info.json).toMatchObject({ ok: true, value: { readOnly: true } });
    const socket = await TestSocket.connect(monitor.url, { Cookie: cookie, Origin: monitor.url });
    socket.send({ type: 'call', id: 'c', op: 'experiments.create', input: { name: 'e1' } });
    expect(await socket.next()).toMatchObject({ type: 'result', id: 'c', result: { ok: false, error: { code: 'READ_ONLY' } } });
  });

  it('refuses every mutation with 403 over HTTP and over the WebSocket, and changes nothing', async () => {
    const { control, monitor } = await controlWithMonitor();
    expect((await control.api('experiments.create', { name: 'e-kept' })).status).toBe(200);
    const exported = async () => {
      const { exportedAt: _when, ...document } = (await control.api('setup.export', {})).json?.value as Record<string, unknown>;
      return document;
    };
    const before = await exported();

    for (const name of MUTATIONS) {
      const answer = await call(monitor.url, monitor.token, name, name === 'experiments.create' ? { name: 'e-sneaky' } : {});
      expect(answer.status, name).toBe(403);
      expect(answer.json?.error?.code, name).toBe('READ_ONLY');
    }
    const socket = await TestSocket.connect(monitor.url, { Authorization: `Bearer ${monitor.token}` });
    for (const name of MUTATIONS) {
      socket.send({ type: 'call', id: name, op: name, input: {} });
      const answer = (await socket.nextMatching((m) => m.type === 'result' && m.id === name)) as Result;
      expect(answer.result, name).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
      // Nor can a mutation be subscribed to.
      socket.send({ type: 'subscribe', id: `s-${name}`, op: name, input: {} });
      const refused = (await socket.nextMatching((m) => m.type === 'data' && m.id === `s-${name}`)) as Data;
      expect(refused.result.ok, name).toBe(false);
    }

    // Nothing changed: the same experiments and setup, the monitor where it was, the same token.
    expect((await control.api('experiments.list')).json?.value).toMatchObject([{ name: 'e-kept' }]);
    expect(await exported()).toEqual(before);
    const after = await status(control);
    expect(after).toMatchObject({ listening: true, url: monitor.url, token: monitor.token });
    // The refusals are in the audit trail, under the monitor's origin.
    const audit = (await control.api('audit.list', { action: 'monitor.newToken' })).json?.value as { items: { result: string }[] };
    expect(audit.items.map((item) => item.result)).toEqual([expect.stringMatching(/^READ_ONLY/), expect.stringMatching(/^READ_ONLY/)]);
  });

  it('answers every query and subscription there, and never with the control token', async () => {
    const { control, monitor } = await controlWithMonitor();
    expect((await control.api('experiments.create', { name: 'e-watch' })).status).toBe(200);
    const texts: string[] = [];
    for (const name of QUERIES) {
      const answer = await call(monitor.url, monitor.token, name);
      // A query either answers or says what its input lacks; it is never refused as a change.
      expect(answer.json?.error?.code, name).not.toBe('READ_ONLY');
      texts.push(answer.text);
    }
    expect((await call(monitor.url, monitor.token, 'monitor.status')).json).toMatchObject({ ok: true, value: { token: monitor.token } });
    const socket = await TestSocket.connect(monitor.url, { Authorization: `Bearer ${monitor.token}` });
    for (const name of QUERIES) {
      socket.send({ type: 'subscribe', id: name, op: name, input: {} });
      const data = (await socket.nextMatching((m) => m.type === 'data' && m.id === name)) as Data;
      texts.push(JSON.stringify(data));
    }
    // The answers an unauthorized visitor gets there, the sign-in page included.
    texts.push((await request(`${monitor.url}/`, { headers: { Accept: 'text/html' } })).text);
    texts.push((await request(`${monitor.url}/api/app.info`, { method: 'POST' })).text);
    expect(texts.length).toBe(2 * QUERIES.length + 2);
    for (const text of texts) expect(text).not.toContain(control.token);
  });

  it('refuses the control token on the monitor port, and the monitor token on the control port', async () => {
    const { control, monitor } = await controlWithMonitor();
    const refused = await call(monitor.url, control.token, 'experiments.list');
    expect(refused.status).toBe(401);
    expect(refused.json?.error?.code).toBe('UNAUTHORIZED');
    await expect(TestSocket.connect(monitor.url, { Authorization: `Bearer ${control.token}` })).rejects.toThrow('Refused 401');
    expect((await request(`${monitor.url}/?token=${control.token}`)).status).toBe(401);
    const port = new URL(monitor.url).port;
    expect((await request(`${monitor.url}/api/app.info`, { method: 'POST', headers: { Cookie: `daq_token_${port}=${control.token}` } })).status).toBe(401);

    expect((await call(control.url, monitor.token, 'experiments.list')).status).toBe(401);
    await expect(TestSocket.connect(control.url, { Authorization: `Bearer ${monitor.token}` })).rejects.toThrow('Refused 401');
  });

  it('disconnects the old monitors at once when a new monitor token is made, and refuses the old token', async () => {
    const { control, monitor } = await controlWithMonitor();
    const cookie = cookieFrom(await request(monitor.link as string));
    const old = await TestSocket.connect(monitor.url, { Authorization: `Bearer ${monitor.token}` });
    const browser = await TestSocket.connect(monitor.url, { Cookie: cookie, Origin: monitor.url });
    const oldClosed = closedWith(old);
    const browserClosed = closedWith(browser);

    const renewed = (await control.api('monitor.newToken')).json?.value as MonitorStatus;
    expect(renewed.token).toMatch(/^[0-9a-f]{64}$/);
    expect(renewed.token).not.toBe(monitor.token);
    expect(renewed.link).toBe(`${monitor.url}/?token=${renewed.token}`);
    for (const closed of [await oldClosed, await browserClosed]) {
      expect(closed.code).toBe(MONITOR_TOKEN_REPLACED_CODE);
      expect(closed.reason).toMatch(/monitor token was replaced/);
    }
    expect(readFileSync(join(control.dataDir, MONITOR_TOKEN_FILE), 'utf8').trim()).toBe(renewed.token);
    expect(statSync(join(control.dataDir, MONITOR_TOKEN_FILE)).mode & 0o777).toBe(0o600);

    expect((await call(monitor.url, monitor.token, 'experiments.list')).status).toBe(401);
    expect((await request(`${monitor.url}/api/app.info`, { method: 'POST', headers: { Cookie: cookie } })).status).toBe(401);
    await expect(TestSocket.connect(monitor.url, { Authorization: `Bearer ${monitor.token}` })).rejects.toThrow('Refused 401');
    expect((await call(monitor.url, renewed.token, 'experiments.list')).status).toBe(200);
    // The control side is untouched.
    expect((await control.api('experiments.list')).status).toBe(200);
    // The token is never written to the audit trail.
    const audit = (await control.api('audit.list', { action: 'monitor.newToken' })).json?.value as { items: { target: string }[] };
    expect(audit.items).toEqual([expect.objectContaining({ target: 'monitor token' })]);
    expect(JSON.stringify(audit)).not.toContain(renewed.token);
  });
});

describe('the monitor setting', () => {
  it('refuses a bad host or port with the field named, and leaves the monitor as it was', async () => {
    const { control, monitor } = await controlWithMonitor();
    const cases: [unknown, string, number, RegExp][] = [
      [{ port: 70000 }, 'port', 400, /65535/],
      [{ port: -1 }, 'port', 400, /0 to 65535/],
      [{ port: 80.5 }, 'port', 400, /whole number/],
      [{ port: '8766' }, 'port', 400, /whole number/],
      [{ host: '' }, 'host', 400, /address or host name/],
      [{ host: 'a b' }, 'host', 400, /address or host name/],
      [{ host: 'evil.example/x' }, 'host', 400, /address or host name/],
      [{ enabled: 'yes' }, 'enabled', 400, /true or false/],
      // Valid to the schema, but not where this computer can listen.
      [{ host: '192.0.2.1' }, 'host', 400, /not an address of this computer/],
      [{ port: control.server.port }, 'port', 409, /already in use/],
    ];
    for (const [input, field, httpStatus, message] of cases) {
      const answer = await control.api('monitor.configure', input);
      expect(answer.status, JSON.stringify(input)).toBe(httpStatus);
      expect(answer.json?.error, JSON.stringify(input)).toMatchObject({ field, message: expect.stringMatching(message) });
    }
    await expect(control.api('monitor.configure', { colour: 'red' })).resolves.toMatchObject({ status: 400 });
    // Still listening where it was, and still answering.
    expect(await status(control)).toMatchObject({ listening: true, url: monitor.url, settings: { host: '127.0.0.1', port: 0 }, error: null });
    expect((await call(monitor.url, monitor.token, 'app.info')).status).toBe(200);
  });

  it('opens, moves and closes the listener as the setting changes, without a restart, and keeps it for the next start', async () => {
    const dataDir = tempDir('daq-monitor-');
    const control = await startTestServer({ dataDir });
    expect(await status(control)).toMatchObject({ listening: false, url: null, link: null, source: 'setting', settings: { enabled: false } });

    const first = await freePort();
    const opened = await configure(control, { enabled: true, port: first });
    expect(opened).toMatchObject({ listening: true, url: `http://127.0.0.1:${first}`, settings: { enabled: true, host: '127.0.0.1', port: first } });
    const watcher = await TestSocket.connect(opened.url as string, { Authorization: `Bearer ${opened.token}` });
    const watcherClosed = closedWith(watcher);

    const second = await freePort();
    const moved = await configure(control, { port: second });
    expect(moved.url).toBe(`http://127.0.0.1:${second}`);
    expect(await watcherClosed).toMatchObject({ code: 1001, reason: expect.stringMatching(/moved/) });
    await expect(call(`http://127.0.0.1:${first}`, opened.token, 'app.info')).rejects.toThrow(/ECONNREFUSED/);
    expect((await call(moved.url as string, opened.token, 'app.info')).json).toMatchObject({ ok: true, value: { readOnly: true } });

    // Another loopback address of this computer: the link follows.
    const elsewhere = await configure(control, { host: '127.0.0.2' });
    expect(elsewhere).toMatchObject({ url: `http://127.0.0.2:${second}`, warning: null });
    expect((await call(elsewhere.url as string, opened.token, 'app.info')).status).toBe(200);

    const closed = await configure(control, { enabled: false });
    expect(closed).toMatchObject({ listening: false, url: null, link: null });
    await expect(call(elsewhere.url as string, opened.token, 'app.info')).rejects.toThrow(/ECONNREFUSED/);

    // Stored: the next start opens it where it was last chosen.
    await configure(control, { enabled: true });
    await control.application.close();
    const again = openApplication({ dataDir });
    onCleanup(() => again.close());
    await again.monitor.opened;
    expect(again.monitor.status()).toMatchObject({ listening: true, source: 'setting', url: `http://127.0.0.2:${second}`, token: opened.token });
  });

  it('says on its status why the stored monitor could not open, and the application runs on', async () => {
    const dataDir = tempDir('daq-monitor-');
    const control = await startTestServer({ dataDir });
    const port = await freePort();
    await configure(control, { enabled: true, port });
    await control.application.close();
    // Something else took the port meanwhile.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const again = openApplication({ dataDir });
    onCleanup(() => again.close());
    await again.monitor.opened;
    expect(again.monitor.status()).toMatchObject({ listening: false, error: expect.stringMatching(/already in use/) });
    expect(again.service).toBeDefined();
  });

  it('opens where the command line says for that process, over the stored setting', async () => {
    const dataDir = tempDir('daq-monitor-');
    const application = openApplication({ dataDir, monitor: { commandLine: { port: 0 } } });
    onCleanup(() => application.close());
    await application.monitor.opened;
    expect(application.monitor.status()).toMatchObject({ listening: true, source: 'command line', settings: { enabled: true, host: '127.0.0.1', port: 0 } });
  });
});

describe('many monitors on one change', () => {
  it('run each query once per change for all the subscribers with the same input, and push the result to every one', async () => {
    const store = tempStore();
    let runs = 0;
    const settingsGet = handlers['settings.get'] as QueryHandler<'settings.get'>;
    const counted: Handlers = {
      ...handlers,
      'settings.get': { reads: settingsGet.reads, run: (input, ctx) => (runs++, settingsGet.run(input, ctx)) },
    };
    const service = new ApiService({ store, handlers: counted, app: { version: 'test', dataDir: '/tmp/test' } });
    onCleanup(() => service.close());
    const latest = new Map<number, number>();
    const callers = [operator, ...Array.from({ length: 20 }, () => monitorCaller)];
    callers.forEach((caller, i) =>
      service.subscribe('settings.get', {}, caller, (result) => {
        if (result.ok) latest.set(i, (result.value as { settleSeconds: number }).settleSeconds);
      }),
    );
    await expect.poll(() => latest.size).toBe(callers.length);
    const before = runs;

    expect((await service.call('settings.update', { settleSeconds: 42 }, operator)).ok).toBe(true);
    await expect.poll(() => [...latest.values()].every((value) => value === 42)).toBe(true);
    // One run for the operator's window, one for all the (read-only) monitors.
    expect(runs - before).toBe(2);
  });
});
