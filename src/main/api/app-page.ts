// Whether a page is the application's own: IPC answers only its own renderer, never a page
// that got into a window some other way.

/**
 * True when `pageUrl` is the application page `appUrl`: the same origin for the dev server
 * (http://localhost:5173/...), the same file for the built renderer (file:///.../index.html).
 */
export function isAppPage(pageUrl: string, appUrl: string): boolean {
  let page: URL;
  let app: URL;
  try {
    page = new URL(pageUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return page.protocol === 'file:' && page.host === app.host && page.pathname === app.pathname;
  if (app.protocol === 'http:' || app.protocol === 'https:') return page.origin === app.origin;
  return false;
}
