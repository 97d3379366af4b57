// The benchmark only ever talks to this computer: the application's schedules contact every
// configured server in the background, so a non-loopback address must never be configured.
import { isLoopback } from '../../src/main/api/http-security';

export function assertLoopback(address: string): void {
  if (!isLoopback(address)) throw new Error(`The benchmark refuses the address ${address}: loopback (127.x, ::1) only`);
}
