// Who is calling, as each transport establishes it: never taken from the caller's own input.
import { userInfo } from 'node:os';
import type { Caller } from './handler';

let cachedUser: string | undefined;

/** The operating-system user running the application: actions are recorded under this name. */
export function osUser(): string {
  if (cachedUser !== undefined) return cachedUser;
  try {
    cachedUser = userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to the environment.
    cachedUser = process.env.USER || process.env.USERNAME || 'unknown';
  }
  return cachedUser;
}

/** An IPv4 peer seen through an IPv6 socket is shown as plain IPv4. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

export function httpCaller(remoteAddress: string | undefined, readOnly: boolean): Caller {
  return { origin: `http ${normalizeAddress(remoteAddress)}`, osUser: osUser(), readOnly };
}

export function ipcCaller(): Caller {
  return { origin: 'ipc', osUser: osUser(), readOnly: false };
}
