// The API token guards every HTTP request: API calls, pages and files alike.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/api/http-security';
import { tempDir } from '../support/store';
import { cookieFrom, request, startTestServer } from './support';

function staticFolder(): string {
  const dir = tempDir('daq-static-');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>DAQ</title><script src="/assets/app.js"></script>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app");');
  return dir;
}

describe('the API token', () => {
  it('refuses an API call without a token with 401 UNAUTHORIZED', async () => {
    const { url } = await startTestServer();
    const answer = await request(`${url}/api/experiments.list`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(answer.json?.error?.message).toMatch(/token/);
  });

  it('refuses an API call with a wrong token with 401', async () => {
    const { url, token } = await startTestServer();
    const wrong = token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const authorization of [`Bearer ${wrong}`, `Bearer ${token.slice(0, 10)}`, `Basic ${token}`, token]) {
      const answer = await request(`${url}/api/experiments.list`, { method: 'POST', body: '{}', headers: { Authorization: authorization } });
      expect(answer.status, authorization).toBe(401);
      expect(answer.json?.error?.code).toBe('UNAUTHORIZED');
    }
  });

  it('answers an API call with the Bearer token with 200 and the value', async () => {
    const server = await startTestServer();
    const created = await server.api('experiments.create', { name: 'e20009' });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ ok: true, value: { name: 'e20009', active: true } });
    const listed = await server.api('experiments.list');
    expect(listed.status).toBe(200);
    expect(listed.json?.value).toEqual([expect.objectContaining({ name: 'e20009' })]);
  });

  it('guards static files too, and shows a browser a page saying which address to open', async () => {
    const { url } = await startTestServer({ staticDir: staticFolder() });
    const page = await request(`${url}/`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/address printed by the server/);
    expect(page.text).not.toContain('<script src="/assets/app.js">');
    const script = await request(`${url}/assets/app.js`);
    expect(script.status).toBe(401);
    expect(script.text).not.toContain('console.log');
  });

  it('trades /?token= for an HttpOnly SameSite=Strict cookie and redirects to / so the token leaves the address bar', async () => {
    const { url, token, server } = await startTestServer({ staticDir: staticFolder() });
    const login = await request(`${url}/?token=${token}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const setCookie = login.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toBe(`daq_token_${server.port}=${token}; HttpOnly; SameSite=Strict; Path=/`);

    const cookie = cookieFrom(login);
    const page = await request(`${url}/`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>DAQ</title>');
    const call = await request(`${url}/api/experiments.list`, { method: 'POST', body: '{}', headers: { Cookie: `other=1; ${cookie}` } });
    expect(call.status).toBe(200);
    expect(call.json).toEqual({ ok: true, value: [] });
  });

  it("names its cookie after its port, so two servers on one computer keep their own sessions", async () => {
    const first = await startTestServer();
    const second = await startTestServer();
    const firstCookie = cookieFrom(await request(`${first.url}/?token=${first.token}`));
    const secondCookie = cookieFrom(await request(`${second.url}/?token=${second.token}`));
    expect(firstCookie).toBe(`daq_token_${first.server.port}=${first.token}`);
    // A browser sends both cookies to both servers: each finds its own.
    const both = `${firstCookie}; ${secondCookie}`;
    for (const server of [first, second]) {
      const call = await request(`${server.url}/api/experiments.list`, { method: 'POST', body: '{}', headers: { Cookie: both } });
      expect(call.status).toBe(200);
    }
    const foreign = await request(`${second.url}/api/experiments.list`, { method: 'POST', body: '{}', headers: { Cookie: firstCookie } });
    expect(foreign.status).toBe(401);
  });

  it('sets no cookie for a wrong /?token= and answers 401', async () => {
    const { url } = await startTestServer({ staticDir: staticFolder() });
    const login = await request(`${url}/?token=nope`, { headers: { Accept: 'text/html' } });
    expect(login.status).toBe(401);
    expect(login.headers['set-cookie']).toBeUndefined();
  });

  it('puts the security headers on every answer, and no-store on the API', async () => {
    const { url, api } = await startTestServer({ staticDir: staticFolder() });
    const refused = await request(`${url}/api/experiments.list`, { method: 'POST' });
    const served = await api('experiments.list');
    for (const answer of [refused, served]) {
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-store');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });
});
