// Browser attacks on a server bound to loopback: DNS rebinding (a foreign Host) and cross-site
// requests (a foreign Origin) are refused even when the token would be right.
import { describe, expect, it } from 'vitest';
import { TestSocket, request, startTestServer } from './support';

describe('the Host check', () => {
  it('refuses a request whose Host is not the server itself, even with the token', async () => {
    const { url, token, server } = await startTestServer();
    for (const host of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      const answer = await request(`${url}/api/experiments.list`, {
        method: 'POST',
        headers: { Host: host, Authorization: `Bearer ${token}` },
        body: '{}',
      });
      expect(answer.status, host).toBe(403);
      expect(answer.json?.ok).toBe(false);
    }
  });

  it('accepts the names of loopback with the right port', async () => {
    const { url, token, server } = await startTestServer();
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`]) {
      const answer = await request(`${url}/api/experiments.list`, {
        method: 'POST',
        headers: { Host: host, Authorization: `Bearer ${token}` },
        body: '{}',
      });
      expect(answer.status, host).toBe(200);
    }
  });

  it('refuses a WebSocket whose Host is foreign', async () => {
    const { url, token, server } = await startTestServer();
    await expect(TestSocket.connect(url, { Host: `evil.example:${server.port}`, Authorization: `Bearer ${token}` })).rejects.toThrow(
      'Refused 403',
    );
  });
});

describe('the Origin check', () => {
  it('refuses a POST from another origin, even with the token', async () => {
    const { url, token, api } = await startTestServer();
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:1`, 'https://127.0.0.1']) {
      const answer = await request(`${url}/api/experiments.create`, {
        method: 'POST',
        headers: { Origin: origin, Authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: 'e1' }),
      });
      expect(answer.status, origin).toBe(403);
    }
    expect((await api('experiments.list')).json?.value).toEqual([]);
  });

  it("accepts a POST from the server's own origin", async () => {
    const { url, host, api } = await startTestServer();
    const answer = await api('experiments.create', { name: 'e1' }, { Origin: `http://${host}` });
    expect(answer.status).toBe(200);
    expect(url).toBe(`http://${host}`);
  });

  it('refuses a WebSocket from another origin, even with the token', async () => {
    const { url, token } = await startTestServer();
    await expect(TestSocket.connect(url, { Origin: 'http://evil.example', Authorization: `Bearer ${token}` })).rejects.toThrow(
      'Refused 403',
    );
  });
});
