/**
 * Session statistics for the overview dashboard: requests and errors over time, latency
 * percentiles per host and phase, status codes, slowest endpoints, largest responses and the
 * most frequent errors. Pure and in shared/, so the renderer computes it from the exchanges it
 * already holds (the session or the filtered set) without a round trip.
 */
import type { Exchange } from './model.js';
import { isErrorClass, type NetlensError } from './errors.js';
import type { TimingPhase } from './timing.js';
import { TIMING_PHASES } from './timing.js';
import { hostLabel, parseHostPort, urlHostPort } from './address.js';
import { percentileOfSorted, percentiles } from './percentile.js';
import { isGrpcFailure } from './grpcStatus.js';

/** One time bucket; error counts are keyed by series (`4xx`, `5xx` or an error class) for stacking. */
export interface TimeBucket {
  startMs: number;
  requests: number;
  /** Exchanges with a response below 400 and no error. */
  ok: number;
  errors: Record<string, number>;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface HostLatency {
  host: string;
  count: number;
  total: Percentiles;
  phases: Partial<Record<TimingPhase, Percentiles>>;
}

export interface StatusCount {
  /** e.g. `200`, or `error` for exchanges without a response. */
  status: string;
  /** `2xx` … `5xx`, or `error`. */
  statusClass: string;
  count: number;
}

export interface EndpointStat {
  method: string;
  host: string;
  /** Path with ids replaced by `:id` so /users/1 and /users/2 are one endpoint. */
  path: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The slowest exchange, to open it. */
  slowestId: string;
}

export interface LargestResponse {
  id: string;
  method: string;
  url: string;
  host: string;
  sizeBytes: number;
  contentType?: string;
}

export interface ErrorMessageStat {
  /** `error` for NetLens errors (class set), `status` for HTTP 4xx/5xx. */
  kind: 'error' | 'status';
  /** The class, or `injected: CLASS` for a failure a rule injected (errorClassLabel). */
  errorClass?: string;
  status?: number;
  /** The message with numbers that vary (times, ports) kept from the first occurrence. */
  message: string;
  count: number;
  hosts: string[];
  exampleId: string;
}

export interface SessionStatistics {
  total: number;
  /** 4xx/5xx or error. */
  failed: number;
  firstStartedAtMs?: number;
  lastStartedAtMs?: number;
  bucketMs: number;
  buckets: TimeBucket[];
  /** Error series present in the buckets, most frequent first (stack order). */
  errorSeries: string[];
  latencyByHost: HostLatency[];
  statusCodes: StatusCount[];
  slowestEndpoints: EndpointStat[];
  largestResponses: LargestResponse[];
  topErrors: ErrorMessageStat[];
}

export interface StatisticsOptions {
  /** At most this many time buckets (the bucket width is rounded to a readable step). */
  maxBuckets?: number;
  /** Rows in each top list. */
  top?: number;
}

const STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

export function bucketWidthMs(spanMs: number, maxBuckets: number): number {
  const raw = spanMs / Math.max(1, maxBuckets);
  return STEPS_MS.find((step) => step >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

function percentilesOf(values: number[]): Percentiles {
  const [p50 = 0, p95 = 0, p99 = 0] = percentiles(values, [50, 95, 99]);
  return { p50, p95, p99 };
}

/** The host as shown (with its port when not the default: three servers are three hosts) and the path. */
function hostAndPath(url: string): { host: string; path: string } {
  const authority = parseHostPort(url);
  if (authority) return { host: hostLabel('https', authority.host, authority.port), path: '' };
  try {
    const parsed = new URL(url);
    const { host, port } = urlHostPort(parsed);
    return { host: hostLabel(parsed.protocol.replace(/:$/, ''), host, port), path: parsed.pathname };
  } catch {
    return { host: '', path: url };
  }
}

/**
 * Path segments longer than this are data (a token, a blob, an encoded payload), never a route's
 * name: they count as an id without a regex looking at them. V8's regex engine runs out of stack
 * on quantified classes over megabytes (`/^[0-9a-f]{16,}$/` on a 6 MB segment throws RangeError),
 * and a URL comes from any client or imported HAR.
 */
const MAX_NAMED_SEGMENT_CHARS = 256;

function isIdSegment(segment: string): boolean {
  if (segment.length > MAX_NAMED_SEGMENT_CHARS) return true;
  return (
    /^\d+$/.test(segment) ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
    /^[0-9a-f]{16,}$/i.test(segment) ||
    (/^[A-Za-z0-9_-]{20,}$/.test(segment) && /\d/.test(segment))
  );
}

/** Replaces path segments that look like ids (numbers, UUIDs, long hex, long tokens) with `:id`. */
export function endpointPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (isIdSegment(segment) ? ':id' : segment))
    .join('/');
}

export function isFailedExchange(exchange: Exchange): boolean {
  return (
    exchange.error !== undefined ||
    (exchange.response !== undefined && exchange.response.status >= 400) ||
    isGrpcFailure(exchange.grpc)
  );
}

/** The series of an injected failure: the class it imitates, so it never stacks with the real ones. */
const INJECTED_SERIES = 'injected: ';

/**
 * The error class an exchange is counted under: its class, or for a failure a NetLens rule
 * injected, `injected: CLASS` with the class it imitates (`injected: connection_reset`).
 */
export function errorClassLabel(error: Pick<NetlensError, 'class' | 'detail'>): string {
  if (error.class === 'injected_fault' && isErrorClass(error.detail) && error.detail !== 'injected_fault')
    return `${INJECTED_SERIES}${error.detail}`;
  return error.class;
}

/** The error series an exchange stacks into, or undefined when it did not fail. */
export function errorSeriesOf(exchange: Exchange): string | undefined {
  if (exchange.error) return errorClassLabel(exchange.error);
  const status = exchange.response?.status;
  if (status === undefined || status < 400) return undefined;
  return status >= 500 ? '5xx' : '4xx';
}

/** How much of an error message its shape (the grouping key) is made of. */
const MAX_SHAPE_CHARS = 1000;

export function computeStatistics(
  exchanges: readonly Exchange[],
  options: StatisticsOptions = {},
): SessionStatistics {
  const maxBuckets = options.maxBuckets ?? 60;
  const top = options.top ?? 10;
  const http = exchanges.filter((e) => e.kind !== 'tunnel' || e.error !== undefined);
  // A loop, not Math.min(...): spreading 100 000 arguments overflows the stack.
  let first: number | undefined;
  let last: number | undefined;
  for (const e of http) {
    if (first === undefined || e.startedAtMs < first) first = e.startedAtMs;
    if (last === undefined || e.startedAtMs > last) last = e.startedAtMs;
  }
  const bucketMs = bucketWidthMs(first === undefined ? 0 : last! - first, maxBuckets);

  // Requests and errors over time.
  const buckets: TimeBucket[] = [];
  const seriesTotals = new Map<string, number>();
  if (first !== undefined) {
    const origin = Math.floor(first / bucketMs) * bucketMs;
    const count = Math.floor((last! - origin) / bucketMs) + 1;
    for (let i = 0; i < count; i += 1)
      buckets.push({ startMs: origin + i * bucketMs, requests: 0, ok: 0, errors: {} });
    for (const exchange of http) {
      const bucket = buckets[Math.floor((exchange.startedAtMs - origin) / bucketMs)]!;
      bucket.requests += 1;
      const series = errorSeriesOf(exchange);
      if (series === undefined) {
        if (exchange.state !== 'pending') bucket.ok += 1;
        continue;
      }
      bucket.errors[series] = (bucket.errors[series] ?? 0) + 1;
      seriesTotals.set(series, (seriesTotals.get(series) ?? 0) + 1);
    }
  }
  const errorSeries = [...seriesTotals.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);

  // Latency per host, split by phase.
  const byHost = new Map<string, Exchange[]>();
  for (const exchange of http) {
    if (exchange.state === 'pending' || exchange.durationMs === undefined) continue;
    const { host } = hostAndPath(exchange.request.url);
    const list = byHost.get(host);
    if (list) list.push(exchange);
    else byHost.set(host, [exchange]);
  }
  const latencyByHost: HostLatency[] = [...byHost.entries()]
    .map(([host, list]) => {
      const phases: Partial<Record<TimingPhase, Percentiles>> = {};
      for (const phase of TIMING_PHASES) {
        const values = list
          .map((e) => e.timings[phase])
          .filter((v): v is number => v !== undefined && v >= 0);
        if (values.length > 0) phases[phase] = percentilesOf(values);
      }
      return { host, count: list.length, total: percentilesOf(list.map((e) => e.durationMs!)), phases };
    })
    .sort((a, b) => b.total.p95 - a.total.p95 || b.count - a.count);

  // Status codes.
  const statusCounts = new Map<string, number>();
  for (const exchange of http) {
    if (exchange.state === 'pending') continue;
    const key = exchange.response ? String(exchange.response.status) : 'error';
    statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1);
  }
  const statusCodes: StatusCount[] = [...statusCounts.entries()]
    .map(([status, count]) => ({
      status,
      count,
      statusClass: status === 'error' ? 'error' : `${status[0]}xx`,
    }))
    .sort((a, b) =>
      a.status === 'error' ? 1 : b.status === 'error' ? -1 : Number(a.status) - Number(b.status),
    );

  // Slowest endpoints (by p95).
  const endpoints = new Map<
    string,
    { method: string; host: string; path: string; durations: number[]; slowest: Exchange }
  >();
  for (const exchange of http) {
    if (exchange.kind !== 'http' || exchange.durationMs === undefined || exchange.state === 'pending')
      continue;
    const { host, path } = hostAndPath(exchange.request.url);
    const normalized = endpointPath(path);
    const key = `${exchange.request.method} ${host}${normalized}`;
    const entry = endpoints.get(key) ?? {
      method: exchange.request.method,
      host,
      path: normalized,
      durations: [],
      slowest: exchange,
    };
    entry.durations.push(exchange.durationMs);
    if (exchange.durationMs > (entry.slowest.durationMs ?? 0)) entry.slowest = exchange;
    endpoints.set(key, entry);
  }
  const slowestEndpoints: EndpointStat[] = [...endpoints.values()]
    .map((e) => {
      const sorted = [...e.durations].sort((a, b) => a - b);
      return {
        method: e.method,
        host: e.host,
        path: e.path,
        count: sorted.length,
        p50Ms: percentileOfSorted(sorted, 50) ?? 0,
        p95Ms: percentileOfSorted(sorted, 95) ?? 0,
        maxMs: sorted[sorted.length - 1]!,
        slowestId: e.slowest.id,
      };
    })
    .sort((a, b) => b.p95Ms - a.p95Ms || b.maxMs - a.maxMs)
    .slice(0, top);

  // Largest responses.
  const largestResponses: LargestResponse[] = http
    .filter((e) => e.response !== undefined && e.response.body.sizeBytes > 0)
    .sort((a, b) => b.response!.body.sizeBytes - a.response!.body.sizeBytes)
    .slice(0, top)
    .map((e) => {
      const row: LargestResponse = {
        id: e.id,
        method: e.request.method,
        url: e.request.url,
        host: hostAndPath(e.request.url).host,
        sizeBytes: e.response!.body.sizeBytes,
      };
      if (e.response!.body.contentType) row.contentType = e.response!.body.contentType;
      return row;
    });

  // Top error messages: NetLens errors by class and message shape, HTTP failures by status.
  const errorGroups = new Map<string, ErrorMessageStat>();
  for (const exchange of http) {
    const { host } = hostAndPath(exchange.request.url);
    let key: string;
    let stat: ErrorMessageStat;
    if (exchange.error) {
      // Messages name hosts, ports and times; group on their shape so retries of one fault count
      // together. An imported message can be any length: its first part is shape enough.
      const shape = exchange.error.message.slice(0, MAX_SHAPE_CHARS).replace(/\d+(\.\d+)?/g, '#');
      key = `e:${exchange.error.class}:${shape}`;
      stat = {
        kind: 'error',
        errorClass: errorClassLabel(exchange.error),
        message: exchange.error.message,
        count: 0,
        hosts: [],
        exampleId: exchange.id,
      };
    } else if (exchange.response && exchange.response.status >= 400) {
      const { status, statusText } = exchange.response;
      key = `s:${status}`;
      stat = {
        kind: 'status',
        status,
        message: `HTTP ${status}${statusText ? ` ${statusText}` : ''}`,
        count: 0,
        hosts: [],
        exampleId: exchange.id,
      };
    } else continue;
    const existing = errorGroups.get(key) ?? stat;
    existing.count += 1;
    if (!existing.hosts.includes(host) && existing.hosts.length < 5) existing.hosts.push(host);
    errorGroups.set(key, existing);
  }
  const topErrors = [...errorGroups.values()].sort((a, b) => b.count - a.count).slice(0, top);

  const stats: SessionStatistics = {
    total: http.length,
    failed: http.filter(isFailedExchange).length,
    bucketMs,
    buckets,
    errorSeries,
    latencyByHost,
    statusCodes,
    slowestEndpoints,
    largestResponses,
    topErrors,
  };
  if (first !== undefined) {
    stats.firstStartedAtMs = first;
    stats.lastStartedAtMs = last!;
  }
  return stats;
}

/** The traffic filter that shows what a chart element stands for (shared/filter.ts language). */
export function filterForSeries(series: string): string {
  if (series === '4xx' || series === '5xx') return `status:${series}`;
  if (series === 'ok') return '-is:failed';
  if (series.startsWith(INJECTED_SERIES)) return `injected:${series.slice(INJECTED_SERIES.length)}`;
  return `error:${series}`;
}
