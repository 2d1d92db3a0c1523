import dns from 'node:dns';
import type { LookupFunction } from 'node:net';

/**
 * A DNS lookup that answers `delayMs` late: a rule's slow DNS. Given to the upstream request as
 * its `lookup`, it runs only when a new connection resolves a host name (a pooled connection has
 * no lookup, an IP literal none either), and the time lands in the record's dns phase — and
 * counts against the connect timeout, as a slow resolver would.
 */
export function delayedLookup(delayMs: number): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    const timer = setTimeout(() => dns.lookup(hostname, options, callback as never), delayMs);
    timer.unref();
  }) as LookupFunction;
}
