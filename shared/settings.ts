/** Engine settings, persisted in the data directory (settings.json). */
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
  /** Hosts (exact or `*.suffix`) tunnelled without TLS interception. */
  passThroughHosts: string[];
  /** Hosts whose upstream certificate is not verified (per-host opt-out). */
  insecureHosts: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 60_000,
  bodyIdleTimeoutMs: 30_000,
  clientHeadersTimeoutMs: 30_000,
  tunnelIdleTimeoutMs: 300_000,
  maxHeaderBytes: 64 * 1024,
  bodyMemoryLimitBytes: 1024 * 1024,
  bodyCaptureCapBytes: 64 * 1024 * 1024,
  passThroughHosts: [],
  insecureHosts: [],
};

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
