// IPC answers only the application's own page: the built file or the dev server's origin.
import { describe, expect, it } from 'vitest';
import { isAppPage } from '../../src/main/api/app-page';

describe('isAppPage', () => {
  const built = 'file:///opt/daq/resources/app.asar/out/renderer/index.html';

  it('accepts the built index.html, with any query or hash', () => {
    expect(isAppPage(built, built)).toBe(true);
    expect(isAppPage(`${built}#/runs`, built)).toBe(true);
    expect(isAppPage(`${built}?x=1`, built)).toBe(true);
  });

  it('refuses any other file, even next to it', () => {
    expect(isAppPage('file:///opt/daq/resources/app.asar/out/renderer/other.html', built)).toBe(false);
    expect(isAppPage('file:///tmp/index.html', built)).toBe(false);
    expect(isAppPage('https://example.org/', built)).toBe(false);
    expect(isAppPage('not a url', built)).toBe(false);
  });

  it('accepts pages of the dev server by origin and refuses other origins', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppPage('http://localhost:5173/src/index.html', dev)).toBe(true);
    expect(isAppPage('http://localhost:5174/', dev)).toBe(false);
    expect(isAppPage('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppPage('file:///index.html', dev)).toBe(false);
  });
});
