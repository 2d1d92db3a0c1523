import { hostMatches } from '../../../shared/settings.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { poolKey } from './poolKey.js';
import type { UpstreamTarget } from './upstreamTarget.js';

/** The pool key of an origin's HTTP/2 sessions (the HTTP/1.1 pool's key, `|h2c` for cleartext). */
export function http2OriginKey(target: UpstreamTarget, deps: ForwarderDeps): string {
  if (!target.tls) return `${poolKey({ protocol: 'http:', host: target.host, port: target.port })}|h2c`;
  const insecure = hostMatches(deps.settings().insecureHosts, target.host);
  return poolKey({
    protocol: 'https:',
    host: target.host,
    port: target.port,
    servername: deps.ipLiterals.has(target.host) ? null : target.host,
    rejectUnauthorized: !insecure,
  });
}
