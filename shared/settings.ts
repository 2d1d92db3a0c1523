import { unbracketHost } from './address.js';
/**
 * Engine settings, persisted in the data directory (settings.json). Each one's default, range,
 * unit, flag and help are in the schema (settingsSchema.ts).
 */
export interface Settings {
  /** TCP connect timeout towards the upstream server. */
  connectTimeoutMs: number;
  /** From request sent to response headers received. */
  responseTimeoutMs: number;
  /** Longest silence allowed in the middle of a body (either direction). */
  bodyIdleTimeoutMs: number;
  /** Longest silence from a client while NetLens reads its request headers. */
  clientHeadersTimeoutMs: number;
  /** Longest silence both ways in a CONNECT tunnel NetLens does not intercept; then it is closed. */
  tunnelIdleTimeoutMs: number;
  /** Largest request head (line + headers) accepted from a client; larger is 431. */
  maxHeaderBytes: number;
  /** Bodies up to this size are kept in memory; larger ones spill to disk. */
  bodyMemoryLimitBytes: number;
  /** Hard cap on a captured body; beyond it the capture is cut and marked truncated. */
  bodyCaptureCapBytes: number;
  /** Most bytes of bodies in the spill folder at once; beyond, captures are cut (`spill_budget`). */
  spillBudgetBytes: number;
  /** Most bytes one session keeps on disk (its oldest segments dropped beyond); 0: no limit. */
  sessionMaxBytes: number;
  /** Most bytes of all saved sessions (the oldest removed beyond); 0: no limit. */
  sessionsMaxTotalBytes: number;
  /** Most saved sessions (the oldest removed beyond). */
  sessionsMaxCount: number;
  /** Hosts (exact or `*.suffix`) tunnelled without TLS interception. */
  passThroughHosts: string[];
  /** Hosts whose upstream certificate is not verified (per-host opt-out). */
  insecureHosts: string[];
}

/** The longest host pattern: a DNS name is at most 253 characters, and `*.` makes 255. */
export const MAX_HOST_PATTERN_LENGTH = 255;

/**
 * What is wrong with a host pattern (`api.example.com`, `*.example.com`, `10.0.0.1`, `::1`), or
 * undefined. A port, a path, a URL or a `*` elsewhere than in front could never match a host.
 */
export function hostPatternProblem(pattern: string): string | undefined {
  const p = normaliseHostPattern(pattern);
  if (p === '') return 'a host name must not be empty';
  if (p.length > MAX_HOST_PATTERN_LENGTH)
    return `"${p.slice(0, 40)}…" is longer than ${MAX_HOST_PATTERN_LENGTH} characters`;
  if (/[\s/\\@?#]/.test(p) || p.slice(p.startsWith('*.') ? 2 : 0).includes('*') || p === '*.') {
    return `"${p}" is not a host name (write api.example.com, or *.example.com for it and its sub-domains)`;
  }
  if (/^[^:]+:\d+$/.test(p)) return `"${p}" has a port: host patterns match the host name only`;
  return undefined;
}

/** Trimmed, IPv6 brackets taken off (hosts are matched without them). */
export function normaliseHostPattern(pattern: string): string {
  return unbracketHost(pattern.trim());
}

/** `*.example.com` matches sub-domains; other patterns match the host exactly (case-insensitive). */
export function hostMatches(patterns: readonly string[], host: string): boolean {
  // Asked for every proxied request: the usual empty list costs nothing.
  if (patterns.length === 0) return false;
  const h = host.toLowerCase();
  return patterns.some((raw) => {
    const p = raw.trim().toLowerCase();
    if (p === '') return false;
    if (p.startsWith('*.')) return h.endsWith(p.slice(1)) || h === p.slice(2);
    return h === p;
  });
}
