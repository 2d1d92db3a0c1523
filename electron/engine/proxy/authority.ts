import net from 'node:net';

/**
 * host:port as written in URLs and messages (RFC 3986 §3.2.2: an IPv6 literal in brackets). The
 * one place in proxy/ that builds it.
 */
export function formatAuthority(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** scheme://host[:port], the port left out when it is the scheme's default. */
export function formatOrigin(scheme: string, host: string, port: number): string {
  const defaultPort = scheme === 'https' || scheme === 'wss' ? 443 : 80;
  const bracketed = net.isIPv6(host) ? `[${host}]` : host;
  return `${scheme}://${port === defaultPort ? bracketed : `${bracketed}:${port}`}`;
}
