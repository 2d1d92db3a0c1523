import net from 'node:net';

/**
 * Whether a listen address accepts connections from this machine only. `0.0.0.0`, `::` and
 * every other address reach beyond it (a LAN, a Docker bridge), so the proxy must not be open
 * there (DESIGN.md, Interception: proxy authentication beyond loopback).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}
