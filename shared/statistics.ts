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
import { nearestRankIndex } from './percentile.js';
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

/**
 * Reorders values[from..to] so values[k] is the value a sort would put there, all before it
 * no greater and all after it no smaller (Hoare's selection, median-of-three pivot): linear on
 * average, where sorting 100,000 durations per host and phase made the summary a long task.
 */
function selectInPlace(values: Float64Array, k: number, from: number, to: number): void {
  let lo = from;
  let hi = to;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i += 1;
      while (values[j]! > pivot) j -= 1;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function percentilesOf(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0 };
  const copy = Float64Array.from(values);
  const last = copy.length - 1;
  // Each rank is selected in the part above the previous one: the same values a full sort gives.
  const k50 = nearestRankIndex(copy.length, 50);
  const k95 = nearestRankIndex(copy.length, 95);
  const k99 = nearestRankIndex(copy.length, 99);
  selectInPlace(copy, k50, 0, last);
  selectInPlace(copy, k95, k50, last);
  selectInPlace(copy, k99, k95, last);
  return { p50: copy[k50]!, p95: copy[k95]!, p99: copy[k99]! };
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
  if (segment.length < 2) return /^\d$/.test(segment);
  const digits = segment.replace(/\D/g, '').length;
  return (
    // 123, 9f1c2d3e-1111-2222-3333-444455556666, 507f1f77bcf86cd799439011
    digits === segment.length ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
    /^[0-9a-f]{16,}$/i.test(segment) ||
    // a short hash (a1b2c3d4): hex with digits and letters both
    (/^[0-9a-f]{7,}$/i.test(segment) && digits > 0 && /[a-f]/i.test(segment)) ||
    // cus_J4x9kL2mN8, ord-000123: a type prefix and a token with digits
    (/^[A-Za-z]{1,10}[_-][A-Za-z0-9]*\d[A-Za-z0-9]*$/.test(segment) && segment.length >= 8) ||
    // base64/base64url-ish tokens: long, with digits as a good part of them or all of a-z A-Z 0-9
    (/^[A-Za-z0-9_\-+=.~]{16,}$/.test(segment) &&
      (digits / segment.length >= 0.2 || (/[a-z]/.test(segment) && /[A-Z]/.test(segment) && digits > 0))) ||
    segment.includes('@')
  );
}

/**
 * The route of a path: segments that look like ids (numbers, UUIDs, hashes, prefixed ids such as
 * `cus_J4x9kL2m`, base64-ish tokens, e-mail addresses) become `:id`, so `/users/1` and
 * `/users/2` are one endpoint, `/users/:id`. Words with a digit (`oauth2`, `v1`) stay.
 */
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

/**
 * Session statistics built one exchange at a time, so a view can fold 100,000 exchanges in
 * slices (no long task) and then only the new ones as they finish. `add` takes a finished
 * exchange (or a failed one) once; exchanges still pending are passed to `result`, which counts
 * them without keeping them (they are added when they finish). Each exchange's URL is parsed
 * once, in `add`. Removing is not supported: a view starts a new accumulator when exchanges
 * leave its set (dropped, cleared, another filter).
 */
export class StatisticsAccumulator {
  private readonly maxBuckets: number;
  private readonly top: number;
  private total = 0;
  private failed = 0;
  /** Start and error series of each added exchange, for the time buckets (their width needs the span). */
  private starts: number[] = [];
  private series: (string | undefined)[] = [];
  private settled: boolean[] = [];
  private readonly byHost = new Map<string, { durations: number[]; phases: Map<TimingPhase, number[]> }>();
  private readonly statusCounts = new Map<string, number>();
  private readonly endpoints = new Map<
    string,
    { method: string; host: string; path: string; durations: number[]; slowestId: string; slowestMs: number }
  >();
  private largest: LargestResponse[] = [];
  private readonly errorGroups = new Map<string, ErrorMessageStat>();

  constructor(options: StatisticsOptions = {}) {
    this.maxBuckets = options.maxBuckets ?? 60;
    this.top = options.top ?? 10;
  }

  /** Exchanges folded in so far. */
  get size(): number {
    return this.total;
  }

  add(exchange: Exchange): void {
    if (exchange.kind === 'tunnel' && exchange.error === undefined) return;
    this.total += 1;
    if (isFailedExchange(exchange)) this.failed += 1;
    const seriesName = errorSeriesOf(exchange);
    this.starts.push(exchange.startedAtMs);
    this.series.push(seriesName);
    this.settled.push(exchange.state !== 'pending');
    const { host, path } = hostAndPath(exchange.request.url);
    const pending = exchange.state === 'pending';

    if (!pending && exchange.durationMs !== undefined) {
      let entry = this.byHost.get(host);
      if (!entry) {
        entry = { durations: [], phases: new Map() };
        this.byHost.set(host, entry);
      }
      entry.durations.push(exchange.durationMs);
      for (const phase of TIMING_PHASES) {
        const value = exchange.timings[phase];
        if (value === undefined || value < 0) continue;
        const values = entry.phases.get(phase);
        if (values) values.push(value);
        else entry.phases.set(phase, [value]);
      }
    }

    if (!pending) {
      const key = exchange.response ? String(exchange.response.status) : 'error';
      this.statusCounts.set(key, (this.statusCounts.get(key) ?? 0) + 1);
    }

    if (exchange.kind === 'http' && exchange.durationMs !== undefined && !pending) {
      const normalized = endpointPath(path);
      const key = `${exchange.request.method} ${host}${normalized}`;
      let entry = this.endpoints.get(key);
      if (!entry) {
        entry = {
          method: exchange.request.method,
          host,
          path: normalized,
          durations: [],
          slowestId: exchange.id,
          slowestMs: exchange.durationMs,
        };
        this.endpoints.set(key, entry);
      }
      entry.durations.push(exchange.durationMs);
      if (exchange.durationMs > entry.slowestMs) {
        entry.slowestMs = exchange.durationMs;
        entry.slowestId = exchange.id;
      }
    }

    const sizeBytes = exchange.response?.body.sizeBytes ?? 0;
    if (sizeBytes > 0) this.keepLargest(exchange, host, sizeBytes);

    this.addError(exchange, host);
  }

  /** The statistics of what was added, plus `pending` exchanges (counted, not kept). */
  result(pending: readonly Exchange[] = []): SessionStatistics {
    const extra = pending.filter((e) => e.kind !== 'tunnel' || e.error !== undefined);
    // A loop, not Math.min(...): spreading 100 000 arguments overflows the stack.
    let first: number | undefined;
    let last: number | undefined;
    const see = (startMs: number) => {
      if (first === undefined || startMs < first) first = startMs;
      if (last === undefined || startMs > last) last = startMs;
    };
    for (const startMs of this.starts) see(startMs);
    for (const e of extra) see(e.startedAtMs);
    const bucketMs = bucketWidthMs(first === undefined ? 0 : last! - first, this.maxBuckets);

    const buckets: TimeBucket[] = [];
    const seriesTotals = new Map<string, number>();
    let failed = this.failed;
    if (first !== undefined) {
      const origin = Math.floor(first / bucketMs) * bucketMs;
      const count = Math.floor((last! - origin) / bucketMs) + 1;
      for (let i = 0; i < count; i += 1)
        buckets.push({ startMs: origin + i * bucketMs, requests: 0, ok: 0, errors: {} });
      const place = (startMs: number, series: string | undefined, settled: boolean) => {
        const bucket = buckets[Math.floor((startMs - origin) / bucketMs)]!;
        bucket.requests += 1;
        if (series === undefined) {
          if (settled) bucket.ok += 1;
          return;
        }
        bucket.errors[series] = (bucket.errors[series] ?? 0) + 1;
        seriesTotals.set(series, (seriesTotals.get(series) ?? 0) + 1);
      };
      for (let i = 0; i < this.starts.length; i += 1)
        place(this.starts[i]!, this.series[i], this.settled[i]!);
      for (const e of extra) {
        place(e.startedAtMs, errorSeriesOf(e), false);
        if (isFailedExchange(e)) failed += 1;
      }
    }
    const errorSeries = [...seriesTotals.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);

    const latencyByHost: HostLatency[] = [...this.byHost.entries()]
      .map(([host, entry]) => {
        const phases: Partial<Record<TimingPhase, Percentiles>> = {};
        for (const phase of TIMING_PHASES) {
          const values = entry.phases.get(phase);
          if (values && values.length > 0) phases[phase] = percentilesOf(values);
        }
        return { host, count: entry.durations.length, total: percentilesOf(entry.durations), phases };
      })
      .sort((a, b) => b.total.p95 - a.total.p95 || b.count - a.count);

    const statusCodes: StatusCount[] = [...this.statusCounts.entries()]
      .map(([status, count]) => ({
        status,
        count,
        statusClass: status === 'error' ? 'error' : `${status[0]}xx`,
      }))
      .sort((a, b) =>
        a.status === 'error' ? 1 : b.status === 'error' ? -1 : Number(a.status) - Number(b.status),
      );

    const slowestEndpoints = this.slowestEndpoints();

    const topErrors = [...this.errorGroups.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, this.top)
      .map((stat) => ({ ...stat, hosts: [...stat.hosts] }));

    const stats: SessionStatistics = {
      total: this.total + extra.length,
      failed,
      bucketMs,
      buckets,
      errorSeries,
      latencyByHost,
      statusCodes,
      slowestEndpoints,
      largestResponses: [...this.largest],
      topErrors,
    };
    if (first !== undefined) {
      stats.firstStartedAtMs = first;
      stats.lastStartedAtMs = last!;
    }
    return stats;
  }

  /**
   * The `top` endpoints by p95 (then max), slowest first. Only those are built: a session of
   * 100,000 distinct URLs has as many endpoints, and sorting them all made the summary a long task.
   */
  private slowestEndpoints(): EndpointStat[] {
    const kept: EndpointStat[] = [];
    type Rank = Pick<EndpointStat, 'p95Ms' | 'maxMs'>;
    const slower = (a: Rank, b: Rank) => a.p95Ms > b.p95Ms || (a.p95Ms === b.p95Ms && a.maxMs > b.maxMs);
    for (const e of this.endpoints.values()) {
      const count = e.durations.length;
      let p50Ms: number;
      let p95Ms: number;
      if (count === 1) p50Ms = p95Ms = e.durations[0]!;
      else {
        const { p50, p95 } = percentilesOf(e.durations);
        p50Ms = p50;
        p95Ms = p95;
      }
      const maxMs = e.slowestMs;
      const bar = kept[kept.length - 1];
      if (kept.length >= this.top && bar && !slower({ p95Ms, maxMs }, bar)) continue;
      const stat: EndpointStat = {
        method: e.method,
        host: e.host,
        path: e.path,
        count,
        p50Ms,
        p95Ms,
        maxMs,
        slowestId: e.slowestId,
      };
      // After the kept ones it is not slower than: among equals, the first seen stays ahead.
      let at = kept.length;
      while (at > 0 && slower(stat, kept[at - 1]!)) at -= 1;
      kept.splice(at, 0, stat);
      if (kept.length > this.top) kept.pop();
    }
    return kept;
  }

  /** The `top` largest responses, biggest first; among equals the earliest added stays ahead. */
  private keepLargest(exchange: Exchange, host: string, sizeBytes: number): void {
    const list = this.largest;
    if (list.length >= this.top && sizeBytes <= list[list.length - 1]!.sizeBytes) return;
    const row: LargestResponse = {
      id: exchange.id,
      method: exchange.request.method,
      url: exchange.request.url,
      host,
      sizeBytes,
    };
    if (exchange.response!.body.contentType) row.contentType = exchange.response!.body.contentType;
    let at = list.length;
    while (at > 0 && list[at - 1]!.sizeBytes < sizeBytes) at -= 1;
    list.splice(at, 0, row);
    if (list.length > this.top) list.pop();
  }

  /** Top error messages: NetLens errors by class and message shape, HTTP failures by status. */
  private addError(exchange: Exchange, host: string): void {
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
    } else return;
    const existing = this.errorGroups.get(key) ?? stat;
    existing.count += 1;
    if (!existing.hosts.includes(host) && existing.hosts.length < 5) existing.hosts.push(host);
    this.errorGroups.set(key, existing);
  }
}

export function computeStatistics(
  exchanges: readonly Exchange[],
  options: StatisticsOptions = {},
): SessionStatistics {
  const accumulator = new StatisticsAccumulator(options);
  const pending: Exchange[] = [];
  for (const exchange of exchanges) {
    if (exchange.state === 'pending') pending.push(exchange);
    else accumulator.add(exchange);
  }
  return accumulator.result(pending);
}

/** The traffic filter that shows what a chart element stands for (shared/filter.ts language). */
export function filterForSeries(series: string): string {
  if (series === '4xx' || series === '5xx') return `status:${series}`;
  if (series === 'ok') return '-is:failed';
  if (series.startsWith(INJECTED_SERIES)) return `injected:${series.slice(INJECTED_SERIES.length)}`;
  return `error:${series}`;
}
