/**
 * Exchange diff contract: two exchanges side by side, every difference named, the most
 * significant first. Computed in the engine (electron/engine/analysis/exchangeDiff.ts),
 * because bodies live there; shown by the Diff view and printed by `netlens diff`.
 */
import type { Exchange } from './model.js';

export type ChangeKind = 'same' | 'added' | 'removed' | 'changed';

/** One row of a two-sided table: `added` = right only, `removed` = left only. */
export interface ValueChange {
  name: string;
  kind: ChangeKind;
  left?: string;
  right?: string;
  /** Extra precision, e.g. `order differs`, `case differs: Content-Type vs content-type`. */
  note?: string;
}

/** What the summary is about; ordered by significance in `DIFF_AREA_RANK`. */
export type DiffArea =
  | 'status'
  | 'error'
  | 'method'
  | 'url'
  | 'header_only_one_side'
  | 'header_value'
  | 'query'
  | 'request_body'
  | 'response_body'
  | 'header_form'
  | 'timing'
  | 'server_ip'
  | 'tls'
  | 'connection'
  /** A NetLens rule acted on one side (or different rules on each): the difference may be made. */
  | 'rule';

/** Lower ranks are listed first (the order: status, error class, headers, query, body, timing, IP, TLS). */
export const DIFF_AREA_RANK: Record<DiffArea, number> = {
  // First: a difference a NetLens rule made on purpose must never pass for a real one.
  rule: -1,
  status: 0,
  error: 1,
  method: 2,
  url: 3,
  header_only_one_side: 4,
  header_value: 5,
  query: 6,
  request_body: 7,
  response_body: 8,
  header_form: 9,
  timing: 10,
  server_ip: 11,
  tls: 12,
  connection: 13,
};

export interface DiffFinding {
  area: DiffArea;
  text: string;
  /**
   * Counts toward `same: false`. Timing, connection facts and headers that change on every
   * request (Date, X-Request-ID, traceparent...) are reported but do not make two exchanges differ.
   */
  material: boolean;
}

export interface UrlDiff {
  /** scheme, host, port, path, fragment: always listed. */
  parts: ValueChange[];
  /** One row per query parameter name (duplicates joined in order). */
  query: ValueChange[];
  /** Same parameters and values, in a different order. */
  queryOrderChanged: boolean;
}

export interface HeaderRow extends ValueChange {
  /** Every value of this header in order, per side (duplicates kept). */
  leftValues: string[];
  rightValues: string[];
  /** Spelling on each side when it differs only in case. */
  leftName?: string;
  rightName?: string;
  /** Not a material difference: changes on every request (Date, X-Request-ID, ...) or follows from the body (Content-Length). */
  volatile: boolean;
  /** Why the row is volatile. */
  volatileReason?: 'per_request' | 'from_body';
}

export interface HeaderDiff {
  rows: HeaderRow[];
  /** The headers both sides have appear in a different order. */
  orderChanged: boolean;
  leftOrder: string[];
  rightOrder: string[];
  /** Human notes on case, order and duplicates. */
  notes: string[];
}

/**
 * The verdict on the bytes, from the most benign to the most different. Cosmetic verdicts mean
 * the content is the same once that difference is undone — but a signature over the raw bytes
 * (HMAC, AWS SigV4, webhook signatures) still breaks.
 */
export type ByteVerdict =
  | 'identical'
  | 'both_empty'
  | 'unavailable'
  | 'json_key_order'
  | 'whitespace'
  | 'encoding'
  | 'bom'
  | 'line_endings'
  | 'trailing_newline'
  | 'number_format'
  | 'string_escapes'
  | 'different';

export const BYTE_VERDICT_TEXT: Record<ByteVerdict, string> = {
  identical: 'identical bytes',
  both_empty: 'both empty',
  unavailable: 'body not captured on one side',
  json_key_order: 'same JSON, different key order',
  whitespace: 'differs only in whitespace',
  encoding: 'different character encoding',
  bom: 'byte order mark (BOM) on one side only',
  line_endings: 'different line endings (CRLF vs LF)',
  trailing_newline: 'trailing newline on one side only',
  number_format: 'number formatting differs (e.g. 1.0 vs 1, 1e3 vs 1000)',
  string_escapes: 'string escaping differs (e.g. \\u00e9 vs é, \\/ vs /)',
  different: 'different content',
};

export type BodyKind = 'none' | 'json' | 'form' | 'text' | 'binary';

export interface BodyFacts {
  sizeBytes: number;
  /** Hex SHA-256 of the compared bytes. */
  sha256?: string;
  contentType?: string;
  /** e.g. `utf-8`, `utf-8 with BOM`, `utf-16le`, `iso-8859-1`. */
  encoding?: string;
  /** `CRLF`, `LF`, `mixed` or `none`. */
  lineEndings?: string;
  endsWithNewline?: boolean;
  truncated: boolean;
  captured: boolean;
}

export interface ByteWindow {
  /** Offset of the first byte shown. */
  startOffset: number;
  hex: string[];
  /** One character per byte: printable ASCII as is, the rest as `.`. */
  text: string;
}

export interface FirstDifference {
  offset: number;
  /** Bytes around the offset on each side. */
  left: ByteWindow;
  right: ByteWindow;
  /** Line and column (1-based) of the offset, for text. */
  leftLine?: number;
  leftColumn?: number;
}

export interface JsonChange {
  /** JSONPath-like, e.g. `$.items[2].price`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** JSON text, shortened for long values. */
  left?: string;
  right?: string;
}

export interface LineOp {
  op: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line numbers on each side. */
  leftLine?: number;
  rightLine?: number;
  /**
   * Pretty-printed JSON only: this line belongs to an object member that sits elsewhere in the
   * right body's key order (shown aligned with the left, marked moved rather than removed + added).
   */
  moved?: boolean;
  /** Pretty-printed JSON only: the left line of a `same` op, when it differs in its trailing comma. */
  leftText?: string;
}

/**
 * Both JSON bodies pretty-printed (two-space indent, each number and string as spelled in the
 * body) and diffed line by line; the right side's object members are put in the left side's key
 * order first, so a key that only moved is one aligned line marked `moved`.
 */
export interface PrettyJsonDiff {
  lines: LineOp[];
  truncated: boolean;
  /** Some object member sits at another position on the right (the right is shown in the left's order). */
  reordered: boolean;
  /** How many members moved. */
  movedKeys: number;
}

export interface BodyDiff {
  side: 'request' | 'response';
  kind: BodyKind;
  left: BodyFacts;
  right: BodyFacts;
  /** The headline verdict. */
  verdict: ByteVerdict;
  /** Every cosmetic difference found (several can apply: BOM and CRLF together). */
  verdicts: ByteVerdict[];
  /** One sentence, e.g. `same JSON, different key order; bytes first differ at offset 12`. */
  description: string;
  firstDifference?: FirstDifference;
  jsonChanges?: JsonChange[];
  /** Form fields (application/x-www-form-urlencoded). */
  formFields?: ValueChange[];
  /** Line diff for text, form and JSON bodies (capped; `linesTruncated` when cut). */
  lines?: LineOp[];
  linesTruncated?: boolean;
  /** Both sides JSON: the pretty-printed, key-aligned diff the UI shows side by side. */
  prettyJson?: PrettyJsonDiff;
  /** When comparison covered a truncated capture only, or the body was not captured. */
  notes: string[];
}

export interface TimingRow {
  phase: string;
  leftMs?: number;
  rightMs?: number;
  deltaMs?: number;
}

export interface DiffSide {
  id: string;
  method: string;
  url: string;
  startedAtMs: number;
  durationMs?: number;
  status?: number;
  statusText?: string;
  errorClass?: string;
  errorMessage?: string;
}

export interface ExchangeDiff {
  /**
   * The difference in one sentence, the failing side as its subject, e.g. `The failing request
   * was sent without Authorization and got 401 Unauthorized where the successful one got 200 OK;
   * the response body differs in 2 keys.` (shared/diffHeadline.ts).
   */
  headline: string;
  /** Differences in words, most significant first. */
  summary: string[];
  /** No material difference (timing, connection facts and volatile headers do not count). */
  same: boolean;
  findings: DiffFinding[];
  left: DiffSide;
  right: DiffSide;
  method: ValueChange;
  status: ValueChange;
  error: ValueChange;
  url: UrlDiff;
  requestHeaders: HeaderDiff;
  responseHeaders: HeaderDiff;
  requestBody: BodyDiff;
  responseBody: BodyDiff;
  timing: TimingRow[];
  /** Server IP and port, reuse, HTTP version, TLS version, ALPN, cipher. */
  connection: ValueChange[];
}

function pathKey(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/** Succeeded: a response below 400 and no NetLens error. */
export function isSuccessfulExchange(exchange: Exchange): boolean {
  return (
    exchange.kind === 'http' &&
    !exchange.error &&
    exchange.response !== undefined &&
    exchange.response.status < 400
  );
}

/**
 * "Compare with last success": the most recent exchange that started before `failed`, to the
 * same method, host and path (query ignored: it often carries timestamps or nonces), and succeeded.
 */
export function lastSuccessFor(exchanges: readonly Exchange[], failed: Exchange): Exchange | undefined {
  const key = pathKey(failed.request.url);
  if (key === undefined) return undefined;
  const method = failed.request.method.toUpperCase();
  let best: Exchange | undefined;
  for (const candidate of exchanges) {
    if (candidate.id === failed.id) continue;
    if (candidate.startedAtMs > failed.startedAtMs) continue;
    if (candidate.startedAtMs === failed.startedAtMs && candidate.seq >= failed.seq) continue;
    if (candidate.request.method.toUpperCase() !== method) continue;
    if (pathKey(candidate.request.url) !== key) continue;
    if (!isSuccessfulExchange(candidate)) continue;
    if (
      !best ||
      candidate.startedAtMs > best.startedAtMs ||
      (candidate.startedAtMs === best.startedAtMs && candidate.seq > best.seq)
    ) {
      best = candidate;
    }
  }
  return best;
}
