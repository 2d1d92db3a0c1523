/**
 * Rules: what NetLens does on purpose to the traffic it proxies (docs/rules.md). A rules file is
 * `{"rules": [RuleDefinition...]}`; the app keeps its own in `DATA/rules.json` in the same format,
 * and `netlens proxy|web --rules FILE` reads (and watches) one. Every key but `name` is optional.
 * The validation is in ruleValidation.ts; the engine compiles and applies rules in
 * electron/engine/rules/.
 */
import type { ErrorClass } from './errors.js';

/** The classes a rule can make an exchange fail as: those a client can tell apart on the wire. */
export const INJECTABLE_CLASSES = [
  'dns_not_found',
  'connect_refused',
  'connect_timeout',
  'tls_handshake_failed',
  'response_timeout',
  'connection_reset',
  'incomplete_response',
] as const satisfies readonly ErrorClass[];

export type InjectableClass = (typeof INJECTABLE_CLASSES)[number];

/** Where a latency applies. */
export const LATENCY_WHERE = ['request', 'response', 'chunks', 'dns'] as const;
export type LatencyWhere = (typeof LATENCY_WHERE)[number];

export interface RuleMatch {
  /** Glob over the host name without port (`*` any run of characters, `?` one, `[a-z]`, `{a,b}`). */
  host?: string;
  /** Glob over the path without query. */
  path?: string;
  /** A method, or a comma list (`GET,HEAD`); case-insensitive. */
  method?: string;
  /** The upstream port. */
  port?: number;
  /** Header name → glob over its value (`*` or "" means the header is present). */
  header?: Record<string, string>;
  /** A source kind (`chromium`, `terminal`) or one label (`chromium#1`), as the `source:` filter. */
  source?: string;
}

export interface RuleLatency {
  ms: number;
  /** The delay is ms ± jitterMs, uniformly (as toxiproxy's latency toxic). */
  jitterMs?: number;
  /** `request` before going upstream, `response` before the response head (the default), `chunks` each body chunk, `dns` a new connection's lookup. */
  where?: LatencyWhere;
}

export interface RuleBandwidth {
  /** Response body rate in KB/s (1 KB = 1000 bytes); 0 or absent: unlimited. */
  downKBps?: number;
  /** Request body rate in KB/s. */
  upKBps?: number;
}

/** Cuts the response body into small pieces with a pause between them (toxiproxy's slicer). */
export interface RuleSlice {
  averageBytes: number;
  variationBytes?: number;
  delayMs?: number;
}

export type RuleFault =
  /** TCP RST. Without `afterBytes`, before any response (nothing goes upstream); with it, after the head and that many body bytes. */
  | { type: 'reset'; afterBytes?: number }
  /** FIN without a response. */
  | { type: 'close' }
  /** Hold the connection and send nothing (the client's own timeout decides); optionally close after `closeAfterMs`. */
  | { type: 'timeout'; closeAfterMs?: number }
  /**
   * The client sees what a real failure of `class` would give it. `afterMs` waits first (the
   * timeout classes wait the matching NetLens timeout by default); `afterBytes` is where an
   * `incomplete_response` body breaks off.
   */
  | { type: 'fail'; class: InjectableClass; afterMs?: number; afterBytes?: number };

export type RuleFaultType = RuleFault['type'];
export const RULE_FAULT_TYPES = [
  'reset',
  'close',
  'timeout',
  'fail',
] as const satisfies readonly RuleFaultType[];

export interface RuleRespond {
  status: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** Body text (UTF-8). */
  body?: string;
  /** A file whose bytes are the body (instead of `body`). */
  bodyFile?: string;
}

export interface HeaderEdit {
  /** Fields set (every field of that name replaced by one). */
  set?: Record<string, string>;
  /** Fields removed (names, case-insensitive). */
  remove?: string[];
}

export interface BodyReplacement {
  find: string;
  replace: string;
  /** `find` is a regular expression (JavaScript syntax, global). */
  regex?: boolean;
}

export interface RuleRewrite {
  requestHeaders?: HeaderEdit;
  responseHeaders?: HeaderEdit;
  /** Map remote: send the request to this URL (a path of `/` keeps the request's path and query). */
  url?: string;
  /** Text replaced in the response body (decoded first when gzip, deflate or br). */
  responseBody?: BodyReplacement[];
}

export interface RuleDefinition {
  /** Stable id; made from the name when absent. */
  id?: string;
  name: string;
  /** Default true. */
  enabled?: boolean;
  /** After this rule acts, later matching rules may add their actions too. */
  continue?: boolean;
  match?: RuleMatch;
  /** 0..1, default 1: the share of matching exchanges the rule acts on (toxiproxy's toxicity). */
  probability?: number;
  /** The rule acts on this many exchanges at most (counted since the rules were loaded). */
  times?: number;
  latency?: RuleLatency;
  bandwidth?: RuleBandwidth;
  slice?: RuleSlice;
  /** Close the connection after this many response body bytes (toxiproxy's limit_data). */
  limitData?: { bytes: number };
  /** Hold the end of the response (its last bytes, and the close) this long (toxiproxy's slow_close). */
  slowClose?: { delayMs: number };
  fault?: RuleFault;
  respond?: RuleRespond;
  rewrite?: RuleRewrite;
  /** Map local: serve this file instead of going upstream. */
  mapLocal?: string;
  /** Answer 403 without going upstream. */
  block?: boolean;
}

export interface RulesDocument {
  rules: RuleDefinition[];
}

/** One problem of a rules document: where (a JSON path such as `rules[2].latency.ms`) and what. */
export interface RuleProblem {
  path: string;
  message: string;
}

/** What the Rules view shows: the rules in force, where they come from, how often each acted. */
export interface RulesState {
  rules: RuleDefinition[];
  /** The file the rules are read from and saved to. */
  file?: string;
  /** Exchanges each rule acted on since the rules were loaded, by rule id. */
  hits: Record<string, number>;
  /** The file's last reload failed: the rules above are the previous ones. */
  fileError?: string;
}

/** A rule's id: its own, or made from its name (`Slow API` → `slow-api`). */
export function ruleIdOf(rule: Pick<RuleDefinition, 'id' | 'name'>, index: number): string {
  if (rule.id !== undefined && rule.id !== '') return rule.id;
  const slug = rule.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug === '' ? `rule-${index + 1}` : slug;
}
