// Where the application's files live: the project (or packaged app) root, the version, and the
// per-user data directory shared by the Electron window and the browser-interface server.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'attpc-daq-control';
/** The data directory's folder name under the platform's per-user data location. */
export const DATA_DIR_NAME = 'attpc-daq';
/** Overrides the default data directory (each end-to-end test gets its own). */
export const DATA_DIR_ENV = 'ATTPC_DAQ_DATA';

let cachedRoot: string | undefined;

/**
 * The folder holding this application's package.json: the checkout in development, the app
 * folder (or app.asar) when packaged. Found by walking up, because bundled code may sit in
 * `out/main` or in a chunk folder below it, and the sources one level deeper still.
 */
export function projectRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
        if (pkg.name === PACKAGE_NAME) return (cachedRoot = dir);
      } catch {
        // Not ours (or unreadable): keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Could not find the ${PACKAGE_NAME} package.json above ${start}`);
    dir = parent;
  }
}

/** The application's version, from its package.json. */
export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * The per-user data directory: `$ATTPC_DAQ_DATA` when set; else `$XDG_DATA_HOME/attpc-daq` or
 * `~/.local/share/attpc-daq` on Linux, `~/Library/Application Support/attpc-daq` on macOS and
 * `%APPDATA%\attpc-daq` on Windows.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env[DATA_DIR_ENV];
  if (override) return resolve(override);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', DATA_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), DATA_DIR_NAME);
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), DATA_DIR_NAME);
}
