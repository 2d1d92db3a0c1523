/**
 * Probe contract. A probe runs DNS → TCP → TLS → HTTP in order, times each layer and stops at
 * the first failure (curl -w and httpstat are the references for the phases). Names here are
 * stable: the CLI's `--json` output is this ProbeReport.
 */
import type { CertProblem, ErrorClass, NetlensError } from './errors.js';
import type { Header } from './model.js';
import type { Timings } from './timing.js';

/** Defaults shared by the CLI, the UI and the monitors. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_REDIRECTS = 5;
export const MAX_PROBE_RETRIES = 10;

export interface ProbeRequest {
  /** A URL (http, https, tls://host:port) or `host:port` (DNS + TCP only). */
  target: string;
  /** Applies to each phase separately (DNS, each TCP attempt, TLS, response headers, body idle). */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures a retry can help (see retryRunner). */
  retries?: number;
  /** IP of a DNS server to ask instead of the system resolver. */
  resolver?: string;
  /** Follow redirects (default true), up to maxRedirects hops. */
  followRedirects?: boolean;
  maxRedirects?: number;
  /** Carry on past a certificate the probe rejects (the problem is still reported). */
  insecure?: boolean;
  /** Connect to every address instead of stopping at the first that answers. */
  allAddresses?: boolean;
  method?: 'GET' | 'HEAD';
}

/** What kind of network an address belongs to; a public name resolving to these is suspicious. */
export type AddressFlag =
  | 'loopback'
  | 'private' // RFC 1918
  | 'link_local' // 169.254/16, fe80::/10
  | 'ula' // fc00::/7 (RFC 4193)
  | 'cgnat' // 100.64/10 (RFC 6598)
  | 'unspecified'
  | 'multicast'
  | 'documentation';

/** Human label for each flag, for the CLI and the UI. */
export const ADDRESS_FLAG_LABELS: Record<AddressFlag, string> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  link_local: 'link-local',
  ula: 'unique local (ULA)',
  cgnat: 'carrier-grade NAT (100.64/10)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  documentation: 'documentation range',
};

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
  flags: AddressFlag[];
}

export interface DnsStep {
  kind: 'dns';
  ok: boolean;
  host: string;
  /** `system` (getaddrinfo) or the IP of the server asked. */
  resolver: string;
  /** The host was an IP literal: nothing to resolve. */
  literal: boolean;
  durationMs: number;
  addresses: ResolvedAddress[];
  /** host → alias → ... as the named resolver reported it; empty when unknown or none. */
  cnameChain: string[];
  error?: NetlensError;
}

export interface TcpAttempt {
  address: string;
  family: 4 | 6;
  port: number;
  /** From the start of the TCP step to the start of this attempt. */
  startOffsetMs: number;
  durationMs: number;
  ok: boolean;
  /** The local port of a successful connection. */
  localPort?: number;
  /** Abandoned because another address connected first (happy eyeballs). */
  cancelled?: boolean;
  error?: NetlensError;
}

export interface TcpStep {
  kind: 'tcp';
  ok: boolean;
  port: number;
  /** Attempts in happy-eyeballs order (RFC 8305), interleaving address families. */
  attempts: TcpAttempt[];
  /** The address the probe went on with. */
  connectedAddress?: string;
  durationMs: number;
  error?: NetlensError;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFromMs: number;
  validToMs: number;
  /** Whole days until expiry, negative once expired (relative to the probe's clock). */
  daysLeft: number;
  serialNumber?: string;
  fingerprint256?: string;
  selfSigned: boolean;
}

export interface TlsStep {
  kind: 'tls';
  ok: boolean;
  servername: string;
  durationMs: number;
  protocol?: string;
  cipher?: string;
  alpn?: string;
  /** Leaf first, then up to the root as the server sent it (or as Node completed it). */
  chain: CertificateInfo[];
  /** The chain validates for the name. */
  valid: boolean;
  /** The leaf certificate covers the name (checked even when the chain itself is rejected). */
  nameMatches?: boolean;
  problem?: CertProblem;
  /** The OpenSSL / Node reason, e.g. CERT_HAS_EXPIRED, or the hostname mismatch text. */
  reason?: string;
  ocspStapled: boolean;
  ocspResponseBytes?: number;
  /** The certificate was rejected but the probe carried on (`--insecure`). */
  insecure: boolean;
  error?: NetlensError;
}

export interface HttpHop {
  url: string;
  method: string;
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Header[];
  /** Request written → first response byte. */
  ttfbMs: number;
  /** First byte → end of body. */
  downloadMs: number;
  sizeBytes: number;
  /** The download stopped at the probe's size cap (64 MiB): sizeBytes is what was read. */
  bodyTruncated?: boolean;
  /** Redirect target, resolved against the URL. */
  location?: string;
  /** Phase timings of this hop (each hop opens its own connection). */
  timings: Timings;
  /** DNS, TCP and TLS of this hop's connection, for hops after the first (the first's are the report's steps). */
  connection?: (DnsStep | TcpStep | TlsStep)[];
}

export interface HttpStep {
  kind: 'http';
  ok: boolean;
  hops: HttpHop[];
  followRedirects: boolean;
  /** A redirect was left unfollowed: --no-follow, or the hop limit. */
  redirectNotFollowed?: string;
  durationMs: number;
  error?: NetlensError;
}

export type ProbeStep = DnsStep | TcpStep | TlsStep | HttpStep;

/** One attempt of a probe with retries. */
export interface ProbeAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** Wait before this attempt (0 for the first). */
  waitBeforeMs: number;
  /** Why the runner waited that long: `backoff` or `retry-after`. */
  waitReason?: 'backoff' | 'retry-after';
  startedAtMs: number;
  durationMs: number;
  ok: boolean;
  errorClass?: ErrorClass;
  status?: number;
  /** One line: `ok 200`, `connect_refused`, `HTTP 503 (retryable)`. */
  outcome: string;
  /** The error message, for a failed attempt. */
  message?: string;
}

export interface ProbeReport {
  target: string;
  scheme: 'http' | 'https' | 'tls' | 'tcp';
  host: string;
  port: number;
  url?: string;
  /** Every layer completed (an HTTP response arrived, whatever its status). */
  ok: boolean;
  /** Final HTTP status, when a response arrived. */
  status?: number;
  error?: NetlensError;
  startedAtMs: number;
  /** Sum of the phases (as HAR counts `time`). */
  totalMs: number;
  /** Wall-clock time of the attempt, the probe's own processing included. */
  wallMs?: number;
  /** Phase timings of the final attempt (internal model: connect without ssl). */
  timings: Timings;
  /** The layers of the final attempt, in order. */
  steps: ProbeStep[];
  /** Every attempt, the first included. */
  attempts: ProbeAttempt[];
  timeoutMs: number;
}

export interface PingRequest {
  host: string;
  /** Required for TCP ping. */
  port?: number;
  method: 'tcp' | 'icmp';
  count: number;
  intervalMs: number;
  timeoutMs: number;
  /** Chosen by the caller: the `ping:sample` events of this run carry it. */
  pingId?: string;
}

export const MAX_UI_PING_COUNT = 100;

export interface TraceRequest {
  host: string;
  maxHops?: number;
  waitMs?: number;
}

/** A listening socket and, where the OS tells, the process holding it. */
export interface ListeningSocketInfo {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  pid?: number;
  command?: string;
}

export interface PingSample {
  seq: number;
  ok: boolean;
  timeMs?: number;
  error?: string;
}

export interface PingStats {
  sent: number;
  received: number;
  lossPercent: number;
  minMs?: number;
  avgMs?: number;
  maxMs?: number;
  stddevMs?: number;
}

export interface PingReport {
  host: string;
  port?: number;
  method: 'tcp' | 'icmp';
  address?: string;
  samples: PingSample[];
  stats: PingStats;
}

export interface TraceHop {
  hop: number;
  /** Responding addresses (one per probe that answered; may differ per probe). */
  addresses: string[];
  hostnames: string[];
  timesMs: number[];
  /** Probes with no answer (`*`). */
  timeouts: number;
  /** Extra markers, e.g. `!H`, `asymm 2`, `pmtu 1500`. */
  notes: string[];
}

export interface TraceReport {
  host: string;
  tool: string;
  destination?: string;
  hops: TraceHop[];
  reachedDestination: boolean;
}
