import { originOf, urlHostPort } from '../../../shared/address.js';
import type { ClientContext } from './clientContext.js';

/** Target of a request, in the forms the proxy meets (RFC 9112 §3.2). */
export interface UpstreamTarget {
  /** The full URL, as recorded. */
  href: string;
  /** Path and query, as sent upstream. */
  path: string;
  /** host[:port] as written in the URL, for the Host field. */
  authority: string;
  tls: boolean;
  /** Host without IPv6 brackets, for connecting. */
  host: string;
  port: number;
}

/** The target of an absolute-form request (or one inside a tunnel that names its URL). */
export function upstreamTarget(url: URL): UpstreamTarget {
  const tls = url.protocol === 'https:' || url.protocol === 'wss:';
  return {
    href: url.href,
    path: `${url.pathname}${url.search}`,
    authority: url.host,
    tls,
    ...urlHostPort(url),
  };
}

/**
 * The target of an origin-form request inside a tunnel (RFC 9112 §3.2.1): the tunnel names the
 * origin, and the path goes upstream exactly as the client wrote it (no URL parsing per request).
 */
export function tunnelTarget(tunnel: NonNullable<ClientContext['tunnel']>, path: string): UpstreamTarget {
  // Built once per tunnel: every request on it shares it.
  const origin = (tunnel.origin ??= originOf(tunnel.scheme, tunnel.host, tunnel.port));
  return {
    href: `${origin}${path}`,
    path,
    authority: (tunnel.authority ??= origin.slice(tunnel.scheme.length + 3)),
    tls: tunnel.scheme === 'https',
    host: tunnel.host,
    port: tunnel.port,
  };
}
