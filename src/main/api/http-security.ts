// The HTTP interface's defences: the token (header or cookie), the Host check against DNS
// rebinding, the Origin check against cross-site requests, and the headers every answer carries.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { tokenCookieName } from '../../shared/api/transport';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Compares in constant time: hashing first makes the lengths equal and hides the real one. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    // The first one wins, as browsers send the most specific cookie first.
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The token a request presents: `Authorization: Bearer <token>`, else the cookie of this port. */
export function presentedToken(req: IncomingMessage, port: number): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return parseCookies(req.headers.cookie).get(tokenCookieName(port));
}

export function isAuthorized(req: IncomingMessage, token: string, port: number): boolean {
  const given = presentedToken(req, port);
  return given !== undefined && tokensEqual(given, token);
}

export function tokenCookie(token: string, port: number): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** True for an address only this computer can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * For a server on loopback, a request must name the server as the browser knows it. A page on
 * evil.example whose name was rebound to 127.0.0.1 sends `Host: evil.example` and is refused.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number, boundHost?: string): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.toLowerCase();
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  // Bound to another loopback address (127.0.0.2...): that name is the server's too.
  if (boundHost && isIP(boundHost)) names.push(isIP(boundHost) === 6 ? `[${boundHost.toLowerCase()}]` : boundHost);
  return names.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
}

/**
 * A request carrying an Origin must come from the page the server itself served. Absent Origin
 * (curl, scripts, same-origin GETs) is fine: those are covered by the token.
 */
export function isAllowedOrigin(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (originHeader === undefined) return true;
  if (!hostHeader) return false;
  return originHeader.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}

/**
 * What is said when a listener is opened beyond this computer (serve mode's --host, a monitor's
 * address): who can then do what, and that nothing is encrypted.
 */
export function exposureWarning(host: string, what: 'control the DAQ' | 'watch the DAQ'): string[] {
  return [
    `WARNING: listening on ${host}, not on this computer only.`,
    `Anyone who can reach this address and learns the token can ${what}.`,
    'The connection is not encrypted (plain HTTP): use it only on a trusted network.',
  ];
}
