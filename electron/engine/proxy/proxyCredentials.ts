import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isSourceLabel } from '../../../shared/source.js';

/**
 * Proxy credentials (RFC 9110 §11.7.2 Proxy-Authorization, RFC 7617 Basic). NetLens reads two
 * things from them: the user name, when it is a source label, names where the traffic comes
 * from (`http://terminal%233@127.0.0.1:8899` — command-line clients send the user info of a proxy
 * URL preemptively); the password must equal the proxy's secret when authentication is on (the
 * proxy listens beyond loopback, so that it never becomes an open proxy on a LAN).
 */
export interface ProxyCredentials {
  /** The user name, when it is a valid source label. */
  source?: string;
  password?: string;
}

/** Reads a Basic Proxy-Authorization value; anything else (another scheme, bad base64) is no credentials. */
export function parseProxyAuthorization(value: string | undefined): ProxyCredentials | undefined {
  if (value === undefined || value.length > 1024) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/=._-]+)\s*$/i.exec(value);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decodeURIComponentSafe(colon === -1 ? decoded : decoded.slice(0, colon));
  const password = colon === -1 ? undefined : decoded.slice(colon + 1);
  const credentials: ProxyCredentials = {};
  if (isSourceLabel(user)) credentials.source = user;
  if (password !== undefined && password !== '') credentials.password = password;
  return credentials;
}

/** Some clients send the user name of a proxy URL still percent-encoded (`terminal%233`). */
function decodeURIComponentSafe(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Constant-time comparison: the secret must not leak through response times. */
export function passwordMatches(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the proxy answers a request without the right credentials (RFC 9110 §15.5.8). */
export function proxyAuthRequiredHead(httpVersion: string, body: string): string {
  return (
    `HTTP/${httpVersion === '1.0' ? '1.0' : '1.1'} 407 Proxy Authentication Required\r\n` +
    `Proxy-Authenticate: Basic realm="NetLens", charset="UTF-8"\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

export const PROXY_AUTH_REQUIRED_MESSAGE =
  'NetLens proxy authentication required: this proxy listens beyond loopback, so it needs its ' +
  'secret as the proxy password (any user name; a source label such as docker#1 names the client). ' +
  'Run `netlens env` on the NetLens machine for a ready proxy URL.\n';

/** The Proxy-Authorization value of a request, if any. */
export function proxyAuthorizationOf(req: http.IncomingMessage): string | undefined {
  const value = req.headers['proxy-authorization'];
  return typeof value === 'string' ? value : undefined;
}
