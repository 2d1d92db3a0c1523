/**
 * The settings schema: for each setting its type, default, range, unit, command-line flag and
 * help, in one place. The settings file, the `settings:update` API, the flags of `netlens proxy`
 * and `netlens web`, the settings form of the UI and docs/settings.md are all made from it, so a
 * value one of them accepts, every one accepts.
 *
 * What 0 means is decided here, once. A timeout the user may switch off takes 0 for "no limit":
 * long polls, server-sent events, a server paused on a breakpoint legitimately go quiet for long,
 * and a debugging proxy must not cut what the client itself would wait for. The client-headers
 * timeout cannot be switched off: it is what stops a client that connects and never sends a
 * request from holding a socket forever.
 */
import type { Settings } from './settings.js';
import { hostPatternProblem, normaliseHostPattern } from './settings.js';
import { formatBytes, formatDurationMs } from './format.js';

export type SettingKey = keyof Settings;
export type SettingUnit = 'ms' | 'bytes' | 'sessions';
export type SettingGroup = 'Timeouts' | 'Limits' | 'Sessions' | 'TLS interception';

interface SettingFacts {
  /** The name in the UI. */
  label: string;
  /** One line: the CLI's help, the UI's hint. */
  summary: string;
  /** What it does and when to change it, for the UI and the docs. */
  help: string;
  group: SettingGroup;
  /** The option of `netlens proxy` and `netlens web` that overrides it for one run. */
  flag?: string;
}

export interface IntegerSettingSpec extends SettingFacts {
  type: 'integer';
  unit: SettingUnit;
  default: number;
  min: number;
  max: number;
  /** What 0 means, in a few words, when 0 is allowed and special (the help says more). */
  zeroMeans?: string;
}

export interface HostListSettingSpec extends SettingFacts {
  type: 'hostList';
  default: readonly string[];
  maxItems: number;
}

export type SettingSpec = IntegerSettingSpec | HostListSettingSpec;

type SpecOf<T> = T extends number ? IntegerSettingSpec : HostListSettingSpec;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/** Every setting, in the order the UI and the docs show them. */
export const SETTINGS_SCHEMA: { readonly [K in SettingKey]: SpecOf<Settings[K]> } = {
  connectTimeoutMs: {
    type: 'integer',
    unit: 'ms',
    default: 10_000,
    min: 0,
    max: 10 * MINUTE_MS,
    zeroMeans: 'no limit',
    label: 'Connect timeout',
    summary: 'limit on opening an upstream connection (DNS, TCP, TLS)',
    help: "How long NetLens waits to open a new connection to the server: the DNS lookup and the TCP connect share this budget, and the TLS handshake gets the same again. A failure names the phase: `dns_timeout`, `connect_timeout` or `tls_handshake_failed`. With 0 NetLens sets no limit and the operating system's own connect timeout applies (about 2 minutes on Linux).",
    group: 'Timeouts',
    flag: '--connect-timeout-ms',
  },
  responseTimeoutMs: {
    type: 'integer',
    unit: 'ms',
    default: 60_000,
    min: 0,
    max: HOUR_MS,
    zeroMeans: 'no limit',
    label: 'Response timeout',
    summary: 'limit from the request sent to the response headers',
    help: 'How long NetLens waits for the response headers once the request has been sent (it counts from the last request byte; a WebSocket waits as long for its upgrade answer). On expiry the exchange fails as `response_timeout` and the client gets a 504. Set 0 for long polls and slow reports that legitimately take longer: NetLens then waits as long as the client does.',
    group: 'Timeouts',
    flag: '--response-timeout-ms',
  },
  bodyIdleTimeoutMs: {
    type: 'integer',
    unit: 'ms',
    default: 30_000,
    min: 0,
    max: HOUR_MS,
    zeroMeans: 'no limit',
    label: 'Body idle timeout',
    summary: 'longest silence allowed in the middle of a body, either direction',
    help: 'The longest silence allowed in the middle of a body, in either direction: a server that stops sending its response, or a client its request body, fails the exchange as `body_timeout`, and a client that stops reading a response for as long is cut off as `client_aborted`. Any data restarts the clock; while a slow reader holds the flow, the sender is not blamed. Set 0 for streams that may stay quiet for long (server-sent events, a long poll that sends its headers first).',
    group: 'Timeouts',
    flag: '--body-timeout-ms',
  },
  clientHeadersTimeoutMs: {
    type: 'integer',
    unit: 'ms',
    default: 30_000,
    min: 100,
    max: 10 * MINUTE_MS,
    label: 'Client headers timeout',
    summary: 'limit on a client sending its request head',
    help: 'How long a client may take to send a complete request head to NetLens (a slower one gets 408), and to finish its TLS handshake with NetLens when HTTPS is intercepted (a slower one is disconnected). It cannot be switched off: without it a client that connects and never sends a request would hold a socket for ever.',
    group: 'Timeouts',
    flag: '--client-headers-timeout-ms',
  },
  tunnelIdleTimeoutMs: {
    type: 'integer',
    unit: 'ms',
    default: 5 * MINUTE_MS,
    min: 0,
    max: 24 * HOUR_MS,
    zeroMeans: 'no limit',
    label: 'Tunnel idle timeout',
    summary: 'longest silence, both ways, in a tunnel NetLens does not intercept',
    help: 'A CONNECT tunnel NetLens passes through without interception (a pass-through or pinned host, or a protocol other than TLS and HTTP) is closed after this long with no bytes either way, so a client that opens a tunnel and never speaks does not hold two sockets for ever. Set 0 for long-lived quiet connections tunnelled through NetLens (an idle database or WebSocket connection to a pass-through host).',
    group: 'Timeouts',
    flag: '--tunnel-idle-timeout-ms',
  },
  maxHeaderBytes: {
    type: 'integer',
    unit: 'bytes',
    default: 64 * KIB,
    min: KIB,
    max: 16 * MIB,
    label: 'Largest request head',
    summary: 'largest request head accepted from a client',
    help: 'The largest request head (request line and headers) a client may send; a larger one is answered with 431. Response heads from servers are accepted up to this size or 16 KiB, whichever is larger.',
    group: 'Limits',
    flag: '--max-header-bytes',
  },
  bodyMemoryLimitBytes: {
    type: 'integer',
    unit: 'bytes',
    default: MIB,
    min: 0,
    max: GIB,
    zeroMeans: 'every body to disk',
    label: 'Body memory limit',
    summary: 'captured bodies larger than this spill to disk',
    help: 'Captured bodies up to this size are kept in memory; a larger one is written to a file in the data directory as it arrives. Bodies are always forwarded as they stream, whatever this limit.',
    group: 'Limits',
    flag: '--body-memory-limit-bytes',
  },
  bodyCaptureCapBytes: {
    type: 'integer',
    unit: 'bytes',
    default: 64 * MIB,
    min: 0,
    max: 64 * GIB,
    zeroMeans: 'no bodies captured',
    label: 'Body capture cap',
    summary: 'most of one body that is captured',
    help: 'The most of one body NetLens keeps: beyond it the capture stops and is marked truncated (the body is still forwarded whole, and its size counted). With 0 no body is captured at all.',
    group: 'Limits',
    flag: '--body-capture-cap-bytes',
  },
  spillBudgetBytes: {
    type: 'integer',
    unit: 'bytes',
    default: 4 * GIB,
    min: 0,
    max: 1024 * GIB,
    zeroMeans: 'no limit',
    label: 'Spill budget',
    summary: 'most bytes of bodies being spilled to disk at once',
    help: 'Bodies larger than the body memory limit are written to a spill folder in the data directory while they stream, then moved into the session when their exchange ends. This caps what that folder may hold at once (many large transfers in flight): a body that would go beyond it stops being captured there and is marked truncated (`spill_budget`); it is still forwarded whole.',
    group: 'Limits',
    flag: '--spill-budget-bytes',
  },
  sessionMaxBytes: {
    type: 'integer',
    unit: 'bytes',
    default: 8 * GIB,
    min: 0,
    max: 1024 * GIB,
    zeroMeans: 'no limit',
    label: 'Largest session',
    summary: 'most bytes one session keeps on disk; its oldest exchanges go first',
    help: 'Every capture is written to a session in the data directory (docs/sessions.md). When one grows beyond this, its oldest exchanges are dropped from the disk, a segment (up to 64 MiB) at a time, and NetLens says so.',
    group: 'Sessions',
    flag: '--session-max-bytes',
  },
  sessionsMaxTotalBytes: {
    type: 'integer',
    unit: 'bytes',
    default: 32 * GIB,
    min: 0,
    max: 16 * 1024 * GIB,
    zeroMeans: 'no limit',
    label: 'All sessions',
    summary: 'most bytes all saved sessions together keep on disk; the oldest sessions go first',
    help: 'Saved sessions together keep at most this much disk space: beyond it the oldest sessions are removed (never the one being recorded, nor one another NetLens is recording), when a session starts and each time the one being recorded grows by a segment (64 MiB).',
    group: 'Sessions',
    flag: '--sessions-max-total-bytes',
  },
  sessionsMaxCount: {
    type: 'integer',
    unit: 'sessions',
    default: 50,
    min: 1,
    max: 100_000,
    label: 'Saved sessions',
    summary: 'most sessions kept; the oldest go first',
    help: 'How many sessions are kept in the data directory, the one being recorded included; beyond it the oldest are removed when a session starts.',
    group: 'Sessions',
    flag: '--sessions-max-count',
  },
  passThroughHosts: {
    type: 'hostList',
    default: [],
    maxItems: 10_000,
    label: 'Pass-through hosts',
    summary: 'hosts tunnelled without TLS interception',
    help: 'HTTPS to these hosts is tunnelled as it is, without interception: NetLens records the tunnel and its bytes, not the requests. For clients that pin their certificates, or traffic you must not decrypt. `*.example.com` matches example.com and its sub-domains; other patterns match the host exactly.',
    group: 'TLS interception',
    flag: '--pass-through',
  },
  insecureHosts: {
    type: 'hostList',
    default: [],
    maxItems: 10_000,
    label: 'Insecure hosts',
    summary: 'hosts whose server certificate is not verified',
    help: "NetLens does not verify the certificate of these servers (self-signed, internal CAs); every other server's is verified, and a bad one fails as `tls_cert_invalid`. `*.example.com` matches example.com and its sub-domains.",
    group: 'TLS interception',
    flag: '--insecure',
  },
};

export const SETTING_KEYS = Object.keys(SETTINGS_SCHEMA) as SettingKey[];

export function settingSpec(key: SettingKey): SettingSpec {
  return SETTINGS_SCHEMA[key];
}

export function isSettingKey(value: string): value is SettingKey {
  return Object.hasOwn(SETTINGS_SCHEMA, value);
}

export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  SETTING_KEYS.map((key) => {
    const fallback = SETTINGS_SCHEMA[key].default;
    return [key, Array.isArray(fallback) ? [...fallback] : fallback];
  }),
) as unknown as Settings;

export type SettingCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A value in its unit, for people: `30000 ms (30.0 s)`, `65536 bytes (64 KiB)`. */
export function formatSettingValue(spec: IntegerSettingSpec, value: number): string {
  if (spec.unit === 'ms') {
    const readable = formatDurationMs(value);
    return readable === `${value} ms` ? readable : `${value} ms (${readable})`;
  }
  if (spec.unit === 'sessions') return `${value} sessions`;
  return value < 1024 ? `${value} bytes` : `${value} bytes (${formatBytes(value)})`;
}

/** The accepted values of an integer setting: `0 to 600000 ms, 0 = no limit`. */
export function rangeText(spec: IntegerSettingSpec): string {
  const zero = spec.zeroMeans !== undefined && spec.min === 0 ? `, 0 = ${spec.zeroMeans}` : '';
  return `${spec.min} to ${spec.max} ${spec.unit}${zero}`;
}

function integerProblem(spec: IntegerSettingSpec, got: unknown): { ok: false; problem: string } {
  const what =
    spec.unit === 'ms'
      ? 'a whole number of milliseconds'
      : spec.unit === 'sessions'
        ? 'a whole number of sessions'
        : 'a whole number of bytes';
  return { ok: false, problem: `must be ${what} from ${rangeText(spec)}; got ${describeValue(got)}` };
}

function checkInteger(spec: IntegerSettingSpec, value: unknown): SettingCheck<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    return integerProblem(spec, value);
  }
  return { ok: true, value };
}

function checkHostList(spec: HostListSettingSpec, value: unknown): SettingCheck<string[]> {
  if (!Array.isArray(value)) {
    return { ok: false, problem: `must be a list of host names; got ${describeValue(value)}` };
  }
  if (value.length > spec.maxItems) {
    return { ok: false, problem: `has ${value.length} hosts; at most ${spec.maxItems}` };
  }
  const hosts: string[] = [];
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string') {
      return { ok: false, problem: `item ${index} must be a host name; got ${describeValue(item)}` };
    }
    const problem = hostPatternProblem(item);
    if (problem !== undefined) return { ok: false, problem: `item ${index}: ${problem}` };
    hosts.push(normaliseHostPattern(item));
  }
  return { ok: true, value: hosts };
}

/**
 * Checks one setting's value as it comes from the settings file or the API (JSON): the one rule
 * every path applies. Host lists come back normalised (trimmed, IPv6 brackets off).
 */
export function checkSetting<K extends SettingKey>(key: K, value: unknown): SettingCheck<Settings[K]> {
  const spec = SETTINGS_SCHEMA[key] as SettingSpec;
  const result = spec.type === 'integer' ? checkInteger(spec, value) : checkHostList(spec, value);
  return result as SettingCheck<Settings[K]>;
}

/**
 * Reads a setting typed as text (a command-line flag, a form field): digits only for an integer
 * (`1e3`, `10s` and `-5` are refused, not guessed at), one host pattern for a host list. Then the
 * same rule as checkSetting.
 */
export function parseSettingText(key: SettingKey, text: string): SettingCheck<number | string> {
  const spec = SETTINGS_SCHEMA[key] as SettingSpec;
  if (spec.type === 'hostList') {
    const problem = hostPatternProblem(text);
    return problem === undefined ? { ok: true, value: normaliseHostPattern(text) } : { ok: false, problem };
  }
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? checkInteger(spec, Number(trimmed)) : integerProblem(spec, text);
}
