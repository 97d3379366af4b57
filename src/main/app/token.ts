// The API token: the one secret a browser or script needs to use the HTTP interface. Kept in
// the data directory, readable only by its owner, and reused so bookmarks keep working.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'api-token';
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

/** Reads the data directory's API token, creating it (32 random bytes, hex, mode 0600) the first time. */
export function readOrCreateToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  const existing = readToken(file);
  if (existing !== undefined) {
    // Someone may have copied the folder with looser permissions: the token must stay private.
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('hex');
  // An unreadable or damaged file is replaced: the old token did not work anyway.
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}
