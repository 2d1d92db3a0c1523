/**
 * DNS step: every A/AAAA address with the time it took, from the system resolver
 * (getaddrinfo via dns.lookup, which honours /etc/hosts and the OS's configuration, as every
 * application does) or from a DNS server the user names (dns.Resolver), in which case the CNAME
 * chain is reported as well. Bounded by the phase timeout even when getaddrinfo is not.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { DnsStep, ResolvedAddress } from '../../../shared/probe.js';
import { addressFlags } from './addressFlags.js';
import { probeErrorFrom, probeFailure } from './probeFailure.js';
import { monotonicMs, roundMs } from './probeClock.js';

export interface DnsProbeOptions {
  host: string;
  /** Used only to word failures (`Failed to resolve host:port`). */
  port: number;
  timeoutMs: number;
  /** IP (optionally with :port, or [v6]:port) of a DNS server; the system resolver otherwise. */
  resolver?: string;
}

const MAX_CNAME_DEPTH = 8;

export async function dnsProbe(options: DnsProbeOptions): Promise<DnsStep> {
  const host = stripBrackets(options.host);
  const resolverName = options.resolver ?? 'system';
  const base = { kind: 'dns' as const, host, resolver: resolverName, cnameChain: [] as string[] };
  const literal = isIP(host);
  if (literal !== 0) {
    return {
      ...base,
      ok: true,
      literal: true,
      durationMs: 0,
      addresses: [{ address: host, family: literal as 4 | 6, flags: addressFlags(host) }],
    };
  }
  const started = monotonicMs();
  const ctx = (extra: { detail?: string } = {}) => ({
    host,
    port: options.port,
    phase: 'dns' as const,
    elapsedMs: roundMs(monotonicMs() - started),
    timeoutMs: options.timeoutMs,
    ...extra,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolverToCancel: dns.promises.Resolver | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  try {
    const work = options.resolver
      ? (() => {
          const resolver = new dns.promises.Resolver({ timeout: options.timeoutMs, tries: 1 });
          resolver.setServers([options.resolver]);
          resolverToCancel = resolver;
          return resolveWithServer(resolver, host);
        })()
      : lookupSystem(host);
    const outcome = await Promise.race([work, timeout]);
    if (outcome === 'timeout') {
      resolverToCancel?.cancel();
      work.catch(() => undefined); // the abandoned lookup must not raise an unhandled rejection
      return {
        ...base,
        ok: false,
        literal: false,
        durationMs: roundMs(monotonicMs() - started),
        addresses: [],
        error: probeFailure('dns_timeout', ctx()),
      };
    }
    const durationMs = roundMs(monotonicMs() - started);
    if (outcome.addresses.length === 0) {
      return {
        ...base,
        cnameChain: outcome.cnameChain,
        ok: false,
        literal: false,
        durationMs,
        addresses: [],
        error: probeFailure('dns_not_found', ctx({ detail: 'no A or AAAA records' })),
      };
    }
    return {
      ...base,
      cnameChain: outcome.cnameChain,
      ok: true,
      literal: false,
      durationMs,
      addresses: outcome.addresses,
    };
  } catch (error) {
    return {
      ...base,
      ok: false,
      literal: false,
      durationMs: roundMs(monotonicMs() - started),
      addresses: [],
      error: probeErrorFrom(error, ctx()),
    };
  } finally {
    clearTimeout(timer);
  }
}

interface Resolution {
  addresses: ResolvedAddress[];
  cnameChain: string[];
}

async function lookupSystem(host: string): Promise<Resolution> {
  // order 'verbatim': keep getaddrinfo's RFC 6724 order, which happy eyeballs builds on.
  const results = await dns.promises.lookup(host, { all: true, order: 'verbatim' });
  const seen = new Set<string>();
  const addresses: ResolvedAddress[] = [];
  for (const r of results) {
    if (seen.has(r.address)) continue;
    seen.add(r.address);
    addresses.push({ address: r.address, family: r.family === 6 ? 6 : 4, flags: addressFlags(r.address) });
  }
  return { addresses, cnameChain: [] };
}

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

async function resolveWithServer(resolver: dns.promises.Resolver, host: string): Promise<Resolution> {
  const [v6, v4] = await Promise.allSettled([resolver.resolve6(host), resolver.resolve4(host)]);
  const failures = [v6, v4].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  // One family missing is normal; report an error only when neither answered, preferring the
  // more telling one (a timeout or refusal over "no data").
  if (failures.length === 2) {
    const telling =
      failures.find((f) => !NO_DATA.has((f.reason as NodeJS.ErrnoException)?.code ?? '')) ?? failures[0]!;
    throw telling.reason;
  }
  const addresses: ResolvedAddress[] = [];
  if (v6.status === 'fulfilled')
    for (const a of v6.value) addresses.push({ address: a, family: 6, flags: addressFlags(a) });
  if (v4.status === 'fulfilled')
    for (const a of v4.value) addresses.push({ address: a, family: 4, flags: addressFlags(a) });
  return { addresses, cnameChain: await cnameChain(resolver, host) };
}

/** host → alias → alias..., following CNAME records; empty when the name has none. */
async function cnameChain(resolver: dns.promises.Resolver, host: string): Promise<string[]> {
  const chain: string[] = [];
  let name = host;
  for (let depth = 0; depth < MAX_CNAME_DEPTH; depth += 1) {
    let next: string[];
    try {
      next = await resolver.resolveCname(name);
    } catch {
      break;
    }
    const target = next[0];
    if (!target || chain.includes(target)) break;
    if (chain.length === 0) chain.push(host);
    chain.push(target);
    name = target;
  }
  return chain;
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A resolver as dns.Resolver.setServers takes it: `IP`, `IPv4:port` or `[IPv6]:port`. */
export function isResolverAddress(text: string): boolean {
  if (isIP(text) !== 0) return true;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(text);
  if (v4) return isIP(v4[1]!) === 4 && Number(v4[2]) >= 1 && Number(v4[2]) <= 65535;
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  if (v6) return isIP(v6[1]!) === 6 && Number(v6[2]) >= 1 && Number(v6[2]) <= 65535;
  return false;
}
