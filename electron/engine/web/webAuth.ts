/**
 * Who may use web mode. The UI server listens on loopback, but any web page the user visits can
 * make requests to loopback ports, so every request must prove it comes from the person who ran
 * `netlens web`: it carries the random token (`?token=` or the cookie set on the first
 * authorised page load). The WebSocket upgrade must also come from the UI's own origin (a page
 * on another origin cannot read the token, but Origin is checked anyway: defence in depth,
 * and it stops cross-site WebSocket hijacking through the cookie). The Host header must name
 * loopback, which defeats DNS rebinding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Cookies are shared across ports of a host (RFC 6265 §8.5), so the name carries the port. */
export function cookieName(port: number): string {
  return `netlens_token_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokensEqual(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined || candidate === '') return false;
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The origins the UI is served from: the loopback names a user can type. */
export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export type AuthDecision =
  { ok: true; via: 'query' | 'cookie' } | { ok: false; status: 401 | 403; reason: string };

interface RequestLike {
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

function tokenFrom(request: RequestLike, port: number): { query?: string; cookie?: string } {
  let query: string | undefined;
  try {
    query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? undefined;
  } catch {
    query = undefined;
  }
  const cookie = parseCookies(request.headers.cookie).get(cookieName(port));
  return { query, cookie };
}

function checkHostAndToken(request: RequestLike, token: string, port: number): AuthDecision {
  const host = (request.headers.host ?? '').toLowerCase();
  if (!allowedHosts(port).includes(host)) {
    return { ok: false, status: 403, reason: 'Host must be 127.0.0.1 or localhost.' };
  }
  const found = tokenFrom(request, port);
  if (tokensEqual(found.query, token)) return { ok: true, via: 'query' };
  if (tokensEqual(found.cookie, token)) return { ok: true, via: 'cookie' };
  return {
    ok: false,
    status: 401,
    reason: 'Missing or wrong token: open the URL printed by `netlens web` (it ends in ?token=...).',
  };
}

export function authorizeHttp(request: RequestLike, token: string, port: number): AuthDecision {
  return checkHostAndToken(request, token, port);
}

export function authorizeUpgrade(request: RequestLike, token: string, port: number): AuthDecision {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || !allowedOrigins(port).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: 'WebSocket Origin is not the NetLens UI.' };
  }
  return checkHostAndToken(request, token, port);
}
