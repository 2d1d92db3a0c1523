/**
 * The traffic filter language, modelled on Chrome DevTools' network filter: free text plus
 * `key:value` terms, `-` negates a term, terms are ANDed, values may be "quoted".
 *
 * Pure: parsing returns a predicate and the errors to show the user; nothing throws. Keys live
 * in one dispatch table (FILTER_KEYS) so a new key is one entry.
 */
import type { Exchange } from './model.js';
import { ERROR_CLASSES, isErrorClass } from './errors.js';
import { hostMatches } from './settings.js';
import { traceIdOf } from './correlation.js';
import { sourceKind } from './source.js';
import { hostLabel, parseHostPort, unbracketHost, urlHostPort } from './address.js';
import { unknownValueMessage } from './format.js';
import { ERROR_CLASS_TABLE } from './errorClasses.js';
import { INJECTABLE_CLASSES } from './rules.js';
import { GRPC_STATUS, grpcStatusOfName, isGrpcFailure } from './grpcStatus.js';

export type ExchangePredicate = (exchange: Exchange) => boolean;

export interface FilterError {
  /** The term as the user typed it. */
  term: string;
  message: string;
}

export interface FilterTerm {
  negated: boolean;
  /** Lower-case key, or undefined for free text. */
  key?: string;
  value: string;
  raw: string;
}

export interface ParsedFilter {
  predicate: ExchangePredicate;
  errors: FilterError[];
  terms: FilterTerm[];
  /** No term at all: everything matches. */
  empty: boolean;
}

/** A key's value parser: returns the matcher, or a message saying what is wrong with the value. */
export interface FilterKey {
  /** One line for the help table, e.g. `method:POST`. */
  example: string;
  description: string;
  /** The forms a value may take, for the help and docs/filter.md. */
  values?: readonly FilterValueForm[];
  parse(value: string): ExchangePredicate | string;
}

export interface FilterValueForm {
  /** The value as typed, e.g. `4xx` or `>=400`. */
  value: string;
  description: string;
}

/** How terms are written and combined (the grammar around the keys), for the help and the docs. */
export const FILTER_SYNTAX: readonly { syntax: string; example: string; description: string }[] = [
  {
    syntax: 'text',
    example: 'api/items',
    description:
      'Free text: matches the URL, the method, the status code or the error class (case-insensitive).',
  },
  { syntax: 'key:value', example: 'status:5xx', description: 'A key from the table below and its value.' },
  { syntax: '-term', example: '-method:GET', description: 'Negates the term: exchanges it does not match.' },
  {
    syntax: 'term term',
    example: 'host:api.test is:error',
    description: 'Terms separated by spaces are ANDed: an exchange must match all of them.',
  },
  {
    syntax: '"…"',
    example: 'host:"my host" "tag:v1"',
    description: 'Quotes keep spaces in one term, and keep free text with a colon from reading as key:value.',
  },
];

export interface UrlParts {
  /** Without brackets or port. */
  host: string;
  /** The port, the scheme's default when the URL names none (undefined if unknown). */
  port: number | undefined;
  /** `host`, or `host:port` when the port is not the scheme's default: how a host is shown. */
  hostLabel: string;
  /** `https`, `http`, `ws`, `wss`; `tunnel` for a CONNECT target; '' if unknown. */
  scheme: string;
  path: string;
}

const urlCache = new WeakMap<Exchange, UrlParts>();
/** Every update of an exchange is a new object: the recent URLs are kept by text as well. */
const recentUrls = new Map<string, UrlParts>();
const RECENT_URLS_MAX = 4096;

/** Host and path+query of an exchange's URL, cached (the list, the filter and sorting all ask). */
export function urlParts(exchange: Exchange): UrlParts {
  const cached = urlCache.get(exchange) ?? recentUrls.get(exchange.request.url);
  if (cached) {
    urlCache.set(exchange, cached);
    return cached;
  }
  let parts: UrlParts;
  // CONNECT targets are `host:port` (which URL would read as a scheme), so they go first.
  const authority = parseHostPort(exchange.request.url);
  if (authority)
    parts = {
      host: authority.host,
      port: authority.port,
      hostLabel: hostLabel('https', authority.host, authority.port),
      scheme: 'tunnel',
      path: '',
    };
  else {
    try {
      const url = new URL(exchange.request.url);
      const { host, port } = urlHostPort(url);
      const scheme = url.protocol.replace(/:$/, '');
      parts = {
        host,
        port: port === 0 ? undefined : port,
        hostLabel: hostLabel(scheme, host, port),
        scheme,
        path: `${url.pathname}${url.search}`,
      };
    } catch {
      parts = { host: '', port: undefined, hostLabel: '', scheme: '', path: exchange.request.url };
    }
  }
  urlCache.set(exchange, parts);
  if (recentUrls.size >= RECENT_URLS_MAX) recentUrls.clear();
  recentUrls.set(exchange.request.url, parts);
  return parts;
}

/** Parses `100`, `100k`, `1.5m`, `2g` (binary units, as DevTools' larger-than does). */
export function parseSizeBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase()[0]!;
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

/** Parses `500`, `500ms`, `1.5s`, `2m` (minutes) into milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = unit === 's' ? 1000 : unit === 'm' || unit === 'min' ? 60_000 : 1;
  return Number(match[1]) * factor;
}

function isFailed(exchange: Exchange): boolean {
  return (
    exchange.error !== undefined ||
    (exchange.response !== undefined && exchange.response.status >= 400) ||
    isGrpcFailure(exchange.grpc)
  );
}

const PROTOCOLS: Record<string, { description: string; matches: ExchangePredicate }> = {
  h2: {
    description: 'HTTP/2 on either side (the client to NetLens, or NetLens to the server)',
    matches: (e) =>
      e.request.httpVersion === 'HTTP/2.0' || e.response?.httpVersion === 'HTTP/2.0' || e.http2 !== undefined,
  },
  h2c: {
    description: 'a client that spoke HTTP/2 without TLS',
    matches: (e) => e.http2?.clientCleartext === true,
  },
  'http/1.1': {
    description: 'HTTP/1.x on both sides',
    matches: (e) =>
      /^HTTP\/1\./.test(e.request.httpVersion) &&
      (e.response === undefined || /^HTTP\/1\./.test(e.response.httpVersion)) &&
      e.http2 === undefined,
  },
};
PROTOCOLS.h1 = PROTOCOLS['http/1.1']!;

function parseStatus(value: string): ExchangePredicate | string {
  const compare = /^(>=|<=|>|<)(\d{1,3})$/.exec(value);
  if (compare) {
    const limit = Number(compare[2]);
    const op = compare[1];
    return (e) => {
      const status = e.response?.status;
      if (status === undefined) return false;
      return op === '>'
        ? status > limit
        : op === '>='
          ? status >= limit
          : op === '<'
            ? status < limit
            : status <= limit;
    };
  }
  // 404, 4xx, 40x: digits with trailing x wildcards.
  if (!/^[1-5][0-9x]{2}$/i.test(value) || /x\d/i.test(value)) {
    return `"${value}" is not a status: use a code (404), a class (5xx, 40x) or a comparison (>=400).`;
  }
  const pattern = value.toLowerCase();
  return (e) => {
    const status = e.response?.status;
    if (status === undefined) return false;
    const text = String(status);
    for (let i = 0; i < 3; i++) if (pattern[i] !== 'x' && pattern[i] !== text[i]) return false;
    return true;
  };
}

const IS_VALUES: Record<string, { description: string; matches: ExchangePredicate }> = {
  error: {
    description: 'failed with a NetLens error (any error class)',
    matches: (e) => e.error !== undefined,
  },
  failed: { description: 'an error, or an HTTP 4xx/5xx response', matches: isFailed },
  pending: { description: 'still in progress', matches: (e) => e.state === 'pending' },
  complete: {
    description: 'finished without an error',
    matches: (e) => e.state === 'complete' && e.error === undefined,
  },
  retry: { description: 'part of a retry chain', matches: (e) => e.retry !== undefined },
  reused: { description: 'carried on a reused (keep-alive) connection', matches: (e) => e.connection.reused },
  tunnel: { description: 'a CONNECT tunnel NetLens did not intercept', matches: (e) => e.kind === 'tunnel' },
  websocket: { description: 'a WebSocket', matches: (e) => e.kind === 'websocket' },
  rule: { description: 'a rule acted on it', matches: (e) => e.rule !== undefined },
  injected: {
    description: 'failed on purpose by a NetLens rule (class injected_fault)',
    matches: (e) => e.error?.class === 'injected_fault',
  },
};
const IS_NAMES = Object.keys(IS_VALUES);

/** The keys of the language. Add a key here and it parses, negates and shows up in the help. */
export const FILTER_KEYS: Record<string, FilterKey> = {
  method: {
    example: 'method:POST',
    description: 'Request method (comma list allowed: method:GET,HEAD)',
    values: [
      { value: 'POST', description: 'this method (case-insensitive)' },
      { value: 'GET,HEAD', description: 'any of these methods' },
    ],
    parse(value) {
      const methods = value
        .split(',')
        .map((m) => m.trim().toUpperCase())
        .filter((m) => m !== '');
      if (methods.length === 0) return 'method: needs a method name, e.g. method:POST';
      return (e) => methods.includes(e.request.method.toUpperCase());
    },
  },
  status: {
    example: 'status:5xx',
    description: 'Response status: 404, 4xx, 50x, >=400',
    values: [
      { value: '404', description: 'exactly this status' },
      { value: '4xx', description: 'a class of statuses (x is any digit)' },
      { value: '50x', description: 'a range within a class' },
      { value: '>=400', description: 'a comparison: >, >=, < or <=' },
    ],
    parse: parseStatus,
  },
  host: {
    example: 'host:*.example.com',
    description: 'Host name, exact or *.domain (domain and its sub-domains), with :port for one port',
    values: [
      { value: 'api.example.com', description: 'exactly this host (case-insensitive), any port' },
      { value: '*.example.com', description: 'example.com and all its sub-domains' },
      { value: '127.0.0.1:8080', description: 'this host on this port only ([::1]:8080 for IPv6)' },
    ],
    parse(value) {
      const withPort = parseHostPort(value);
      const patterns = [(withPort?.host ?? unbracketHost(value)).toLowerCase()];
      if (withPort)
        return (e) => urlParts(e).port === withPort.port && hostMatches(patterns, urlParts(e).host);
      return (e) => hostMatches(patterns, urlParts(e).host);
    },
  },
  is: {
    example: 'is:error',
    description: `State: ${IS_NAMES.join(', ')} (failed = 4xx/5xx or error)`,
    values: IS_NAMES.map((name) => ({ value: name, description: IS_VALUES[name]!.description })),
    parse(value) {
      const state = IS_VALUES[value.toLowerCase()];
      return state?.matches ?? `is: ${unknownValueMessage('a state', value, IS_NAMES)}.`;
    },
  },
  error: {
    example: 'error:connect_timeout',
    description: 'Error class of a failed exchange (see the error classes)',
    values: ERROR_CLASSES.map((c) => ({ value: c, description: ERROR_CLASS_TABLE[c].meaning })),
    parse(value) {
      const wanted = value.toLowerCase();
      if (!isErrorClass(wanted))
        return `error: ${unknownValueMessage('an error class', value, ERROR_CLASSES)}.`;
      return (e) => e.error?.class === wanted;
    },
  },
  injected: {
    example: 'injected:connection_reset',
    description: 'A failure a NetLens rule caused on purpose, by the class it imitates',
    values: INJECTABLE_CLASSES.map((c) => ({ value: c, description: ERROR_CLASS_TABLE[c].meaning })),
    parse(value) {
      const wanted = value.toLowerCase();
      if (!isErrorClass(wanted))
        return `injected: ${unknownValueMessage('an error class', value, INJECTABLE_CLASSES)}.`;
      return (e) => e.error?.class === 'injected_fault' && e.error.detail === wanted;
    },
  },
  larger: {
    example: 'larger:100k',
    description: 'Response body larger than a size (units k, m, g; 1k = 1024 bytes)',
    values: [
      { value: '500', description: 'bytes' },
      { value: '100k', description: 'KiB (also kb, kib)' },
      { value: '1.5m', description: 'MiB (also mb, mib)' },
      { value: '2g', description: 'GiB (also gb, gib)' },
    ],
    parse(value) {
      const bytes = parseSizeBytes(value);
      if (bytes === undefined) return `"${value}" is not a size; use e.g. 500, 100k, 1.5m, 2g.`;
      return (e) => (e.response?.body.sizeBytes ?? 0) > bytes;
    },
  },
  slower: {
    example: 'slower:500ms',
    description: 'Total time longer than a duration (ms or s; a bare number is ms)',
    values: [
      { value: '500', description: 'milliseconds' },
      { value: '500ms', description: 'milliseconds' },
      { value: '1.5s', description: 'seconds' },
      { value: '2m', description: 'minutes (also min)' },
    ],
    parse(value) {
      const ms = parseDurationMs(value);
      if (ms === undefined) return `"${value}" is not a duration; use e.g. 500ms, 2s.`;
      return (e) => e.durationMs !== undefined && e.durationMs > ms;
    },
  },
  'has-header': {
    example: 'has-header:x-request-id',
    description: 'A request or response header with this name is present',
    parse(value) {
      const name = value.toLowerCase();
      const has = (headers: readonly { name: string }[] | undefined) =>
        headers?.some((h) => h.name.toLowerCase() === name) ?? false;
      return (e) => has(e.request.headers) || has(e.response?.headers);
    },
  },
  type: {
    example: 'type:json',
    description: 'Response content type contains this text',
    parse(value) {
      const needle = value.toLowerCase();
      return (e) => (e.response?.body.contentType ?? '').toLowerCase().includes(needle);
    },
  },
  source: {
    example: 'source:chromium',
    description:
      'Where it came from: a kind, or one client such as chromium#1 (the Source column); comma list allowed',
    values: [
      { value: 'chromium', description: 'browsers NetLens launched (also chrome, edge, brave, firefox)' },
      { value: 'terminal', description: 'shells and terminals set up by netlens shell / env' },
      { value: 'docker', description: 'containers started with netlens env --docker' },
      { value: 'system', description: 'apps that follow the OS proxy setting NetLens set' },
      { value: 'manual', description: 'clients pointed at the proxy by hand' },
      { value: 'chromium#1', description: 'one launched client' },
    ],
    parse(value) {
      const wanted = value
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter((v) => v !== '');
      if (wanted.length === 0) return 'source: needs a source, e.g. source:chromium or source:terminal#2';
      return (e) => {
        const source = e.source;
        if (source === undefined) return false;
        const kind = sourceKind(source);
        return wanted.some((w) => (w.includes('#') ? w === source : w === kind));
      };
    },
  },
  rule: {
    example: 'rule:slow-api',
    description: 'A NetLens rule acted on it: its id or name (case-insensitive; * any run of characters)',
    values: [
      { value: 'slow-api', description: 'the rule with this id, or this name' },
      { value: '"Slow API"', description: 'a name with spaces, quoted' },
      { value: 'flaky*', description: 'rules whose id or name starts with flaky' },
    ],
    parse(value) {
      const wanted = value.trim().toLowerCase();
      if (wanted === '') return 'rule: needs a rule id or name, e.g. rule:slow-api';
      const escaped = wanted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      const pattern = new RegExp(`^${escaped}$`);
      const names = (e: Exchange): string[] => {
        const rule = e.rule;
        if (!rule) return [];
        const all = [rule.ruleId, rule.ruleName];
        for (const also of rule.alsoRules ?? []) all.push(also.ruleId, also.ruleName);
        return all;
      };
      return (e) => names(e).some((name) => pattern.test(name.toLowerCase()));
    },
  },
  proto: {
    example: 'proto:h2',
    description: 'Protocol spoken: h2 (either side), h2c, h1 (HTTP/1.x on both sides)',
    values: Object.entries(PROTOCOLS)
      .filter(([name]) => name !== 'http/1.1')
      .map(([value, p]) => ({ value, description: p.description })),
    parse(value) {
      const protocol = PROTOCOLS[value.toLowerCase()];
      return protocol?.matches ?? `proto: ${unknownValueMessage('a protocol', value, ['h2', 'h2c', 'h1'])}.`;
    },
  },
  grpc: {
    example: 'grpc:failed',
    description: 'gRPC calls: any, failed (grpc-status other than OK), or one status (UNAVAILABLE or 14)',
    values: [
      { value: 'any', description: 'every gRPC or gRPC-Web call' },
      { value: 'failed', description: 'a call that ended with a status other than OK' },
      { value: 'UNAVAILABLE', description: 'a call that ended with this status (name or number)' },
    ],
    parse(value) {
      const wanted = value.trim().toLowerCase();
      if (wanted === 'any') return (e) => e.grpc !== undefined;
      if (wanted === 'failed') return (e) => isGrpcFailure(e.grpc);
      const status = /^\d+$/.test(wanted) ? Number(wanted) : grpcStatusOfName(wanted);
      if (status === undefined) {
        return `grpc: ${unknownValueMessage('a gRPC status', value, ['any', 'failed', ...GRPC_STATUS.map((s) => s.name)])}.`;
      }
      return (e) => e.grpc?.status === status;
    },
  },
  trace: {
    example: 'trace:4bf92f3577b34da6a3ce929d0e0e4736',
    description: 'Trace id: W3C traceparent trace-id, X-Correlation-ID or X-Request-ID',
    parse(value) {
      const wanted = value.toLowerCase();
      return (e) => traceIdOf(e)?.toLowerCase() === wanted;
    },
  },
};

/** Splits a raw token (before quote removal) into negation, key and value. */
function splitTerm(raw: string): FilterTerm {
  let rest = raw;
  let negated = false;
  if (rest.startsWith('-') && rest.length > 1) {
    negated = true;
    rest = rest.slice(1);
  }
  // A key is a bare word followed by a colon; `http://…` and `127.0.0.1:80` stay free text.
  const match = /^([a-z][a-z-]*):(?!\/\/)(.*)$/is.exec(rest);
  if (match) return { negated, key: match[1]!.toLowerCase(), value: unquote(match[2]!), raw };
  return { negated, value: unquote(rest), raw };
}

function unquote(text: string): string {
  return text.replace(/"/g, '');
}

function freeText(value: string): ExchangePredicate {
  const needle = value.toLowerCase();
  return (e) =>
    e.request.url.toLowerCase().includes(needle) ||
    e.request.method.toLowerCase() === needle ||
    (e.response !== undefined && String(e.response.status).includes(needle)) ||
    (e.error !== undefined && e.error.class.includes(needle));
}

/** Splits the text into raw terms keeping quotes, so `host:"a b"` stays one term. */
function rawTerms(text: string): { raws: string[]; unclosedQuote: boolean } {
  const raws: string[] = [];
  let current = '';
  let inQuote = false;
  for (const ch of text) {
    if (ch === '"') inQuote = !inQuote;
    if (!inQuote && /\s/.test(ch)) {
      if (current !== '') raws.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') raws.push(current);
  return { raws, unclosedQuote: inQuote };
}

export function parseFilter(text: string): ParsedFilter {
  const { raws, unclosedQuote } = rawTerms(text);
  const errors: FilterError[] = [];
  const terms: FilterTerm[] = [];
  const predicates: ExchangePredicate[] = [];
  if (unclosedQuote) errors.push({ term: raws[raws.length - 1] ?? '"', message: 'Unclosed quote (").' });
  for (const raw of raws) {
    if (raw === '-') {
      errors.push({ term: raw, message: 'A lone "-" negates nothing: write -term, e.g. -method:GET.' });
      continue;
    }
    const term = splitTerm(raw);
    let predicate: ExchangePredicate | string;
    if (term.key === undefined) {
      if (term.value === '') continue;
      predicate = freeText(term.value);
    } else {
      const key = FILTER_KEYS[term.key];
      if (!key) {
        errors.push({
          term: raw,
          message: `${unknownValueMessage('a filter key', term.key, Object.keys(FILTER_KEYS))}. Quote text that contains a colon.`,
        });
        continue;
      }
      if (term.value.trim() === '') {
        errors.push({ term: raw, message: `${term.key}: needs a value, e.g. ${key.example}.` });
        continue;
      }
      predicate = key.parse(term.value.trim());
    }
    if (typeof predicate === 'string') {
      errors.push({ term: raw, message: predicate });
      continue;
    }
    terms.push(term);
    const match = predicate;
    predicates.push(term.negated ? (e) => !match(e) : match);
  }
  const predicate: ExchangePredicate =
    predicates.length === 0
      ? () => true
      : predicates.length === 1
        ? predicates[0]!
        : (e) => {
            for (const p of predicates) if (!p(e)) return false;
            return true;
          };
  return { predicate, errors, terms, empty: predicates.length === 0 };
}

/** Whether an exchange counts as failed (4xx/5xx or a NetLens error): one definition for list and status bar. */
export { isFailed as isFailedExchange };
