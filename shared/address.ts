/**
 * Hosts and ports as written in URLs, authorities and messages. Inside NetLens a host is kept
 * bare (`::1`); an IPv6 literal takes brackets wherever a port or a scheme is written next to it
 * (RFC 3986 §3.2.2), and brackets that came in (`[::1]` from a URL or a HAR) are taken off.
 */

export interface HostPort {
  /** Without brackets, even for IPv6. */
  host: string;
  port: number;
}

/** The port a scheme implies when a URL names none (RFC 9110 §4.2.1-2, RFC 6455 §3). */
export function defaultPort(scheme: string): number | undefined {
  switch (scheme.toLowerCase().replace(/:$/, '')) {
    case 'http':
    case 'ws':
      return 80;
    case 'https':
    case 'wss':
      return 443;
    default:
      return undefined;
  }
}

/** `[::1]` → `::1`; other hosts unchanged. */
export function unbracketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `::1` → `[::1]`: names and IPv4 never contain a colon, IPv6 literals always do. */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `host:port`, `[v6]:port`. */
export function hostPort(host: string, port: number): string {
  return `${bracketHost(host)}:${port}`;
}

/** `scheme://host:port`, the port always written (a proxy's or a server's address). */
export function urlOf(scheme: string, host: string, port: number): string {
  return `${scheme}://${hostPort(host, port)}`;
}

/** `scheme://host[:port]`, the port left out when it is the scheme's default (RFC 6454 §6.2). */
export function originOf(scheme: string, host: string, port: number): string {
  const authority = port === defaultPort(scheme) ? bracketHost(host) : hostPort(host, port);
  return `${scheme}://${authority}`;
}

/**
 * How a host is shown and grouped: `host` when the port is the scheme's default, else
 * `host:port` (three servers on 127.0.0.1 are three hosts). IPv6 takes brackets with a port.
 */
export function hostLabel(scheme: string, host: string, port: number | undefined): string {
  if (port === undefined || port === 0 || port === defaultPort(scheme)) return host;
  return hostPort(host, port);
}

const AUTHORITY = /^(?:\[([^\]\s]+)\]|([^\s:/?#[\]@]+)):(\d{1,5})$/;

/** The longest authority: a 253-character name (or bracketed IPv6), `:` and 5 digits. */
const MAX_AUTHORITY_CHARS = 262;

/**
 * Reads `host:port` or `[v6]:port` (a CONNECT target, a HAR tunnel entry); undefined otherwise.
 * Longer text is no authority and meets no regex (a URL in an imported HAR may be megabytes).
 */
export function parseHostPort(text: string): HostPort | undefined {
  if (text.length > MAX_AUTHORITY_CHARS) return undefined;
  const match = AUTHORITY.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

/** Host (bare) and port of a URL, the scheme's default port when it names none (0 if unknown). */
export function urlHostPort(url: URL): HostPort {
  return {
    host: unbracketHost(url.hostname),
    port: url.port !== '' ? Number(url.port) : (defaultPort(url.protocol) ?? 0),
  };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether a listen or connect address reaches this machine only. `0.0.0.0`, `::` and every other
 * address reach beyond it (a LAN, a Docker bridge): a proxy listening there must not be open.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = unbracketHost(host).toLowerCase();
  if (bare === 'localhost') return true;
  if (IPV4.test(bare)) return bare.startsWith('127.');
  return bare === '::1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** `0.0.0.0`, `::` (every interface); an empty host is taken the same way. */
export function isWildcardHost(host: string): boolean {
  const bare = unbracketHost(host);
  return bare === '0.0.0.0' || bare === '::' || bare === '';
}
