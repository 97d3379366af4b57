// The API tokens: the one secret a browser or script needs to use the HTTP interface, and the
// monitors' own (read-only) one. Kept in the data directory, readable only by their owner, and
// reused so bookmarks keep working.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'api-token';
/** The read-only monitors' token, beside the control token and as private. */
export const MONITOR_TOKEN_FILE = 'monitor-token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

function readToken(file: string): string | undefined {
  try {
    const token = readFileSync(file, 'utf8').trim();
    return TOKEN_PATTERN.test(token) ? token : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a new token (32 random bytes, hex, mode 0600) in place of the file's. */
export function writeNewToken(dataDir: string, name: string = TOKEN_FILE): string {
  const file = join(dataDir, name);
  const token = randomBytes(32).toString('hex');
  // Written aside, private from its first byte, then renamed over the old one: the new token is
  // never readable by others, and the file never holds half of one.
  const aside = `${file}.new`;
  rmSync(aside, { force: true });
  writeFileSync(aside, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(aside, 0o600);
  renameSync(aside, file);
  return token;
}

/** Reads a token of the data directory (the API token by default), creating it the first time. */
export function readOrCreateToken(dataDir: string, name: string = TOKEN_FILE): string {
  const file = join(dataDir, name);
  const existing = readToken(file);
  if (existing !== undefined) {
    // Someone may have copied the folder with looser permissions: the token must stay private.
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing;
  }
  // An unreadable or damaged file is replaced: the old token did not work anyway.
  return writeNewToken(dataDir, name);
}
