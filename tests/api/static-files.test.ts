// The built renderer as static files: index.html for /, the right content types, and nothing
// from outside the folder, however the path is spelled.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupStaticFile } from '../../src/main/api/static-files';
import { tempDir } from '../support/store';
import { request, startTestServer } from './support';

/** A renderer folder inside a parent that also holds a secret file next to it. */
function site(): { staticDir: string; secret: string } {
  const parent = tempDir('daq-site-');
  const staticDir = join(parent, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>DAQ</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'export const app = 1;');
  writeFileSync(join(staticDir, 'assets', 'app.css'), 'body { color: red }');
  writeFileSync(join(staticDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  const secret = join(parent, 'secret.txt');
  writeFileSync(secret, 'TOP-SECRET');
  symlinkSync(secret, join(staticDir, 'assets', 'link.txt'));
  return { staticDir, secret };
}

describe('static files', () => {
  it('serves index.html for / and each file with its content type', async () => {
    const { staticDir } = site();
    const { url, token } = await startTestServer({ staticDir });
    const auth = { Authorization: `Bearer ${token}` };
    const expected: [string, RegExp, string][] = [
      ['/', /^text\/html/, '<title>DAQ</title>'],
      ['/index.html', /^text\/html/, '<title>DAQ</title>'],
      ['/assets/app.js', /^text\/javascript/, 'export const app'],
      ['/assets/app.css', /^text\/css/, 'color: red'],
      ['/assets/logo.svg', /^image\/svg\+xml/, '<svg'],
    ];
    for (const [path, type, content] of expected) {
      const answer = await request(`${url}${path}`, { headers: auth });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toMatch(type);
      expect(answer.text, path).toContain(content);
    }
    expect((await request(`${url}/assets/missing.js`, { headers: auth })).status).toBe(404);
  });

  it('never serves a file from outside the folder, however the path is spelled', async () => {
    const { staticDir } = site();
    const { url, token } = await startTestServer({ staticDir });
    const paths = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/link.txt',
      '/%00',
      '/%E0%A4%A',
    ];
    for (const rawPath of paths) {
      const answer = await request(`${url}/`, { rawPath, headers: { Authorization: `Bearer ${token}` } });
      expect([400, 403, 404], rawPath).toContain(answer.status);
      expect(answer.text, rawPath).not.toContain('TOP-SECRET');
    }
  });

  it('maps a path that climbs out of the folder to a refusal, not to the file', async () => {
    const { staticDir } = site();
    expect(await lookupStaticFile(staticDir, '/..%2fsecret.txt')).toEqual({ status: 403 });
    expect(await lookupStaticFile(staticDir, '/assets/link.txt')).toEqual({ status: 403 });
    expect(await lookupStaticFile(staticDir, '/assets/app.js')).toMatchObject({ file: join(staticDir, 'assets', 'app.js') });
  });

  it('answers 404 for pages when there is no built interface, while the API works', async () => {
    const { url, token, api } = await startTestServer();
    expect((await request(`${url}/`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await api('experiments.list')).status).toBe(200);
  });
});
