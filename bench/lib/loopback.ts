// The benchmark only ever talks to this computer: the application's schedules contact every
// configured server in the background, so a non-loopback address must never be configured.
import { isIP } from 'node:net';

export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

export function assertLoopback(address: string): void {
  if (!isLoopbackAddress(address)) throw new Error(`The benchmark refuses the address ${address}: loopback (127.x, ::1) only`);
}
