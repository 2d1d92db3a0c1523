import type { Header } from '../../../shared/model.js';
import type { InternedStrings } from './internedStrings.js';

/**
 * Connection-specific ("hop-by-hop") fields a proxy must not forward (RFC 9110 §7.6.1), plus the
 * proxy's own credentials (RFC 9110 §11.7.1: Proxy-Authorization is consumed by the proxy it is
 * addressed to). Proxy-Connection is the non-standard field old clients still send (RFC 9110
 * §7.6.1 names it as one to remove).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Lengths of the names above: most fields are told apart without lower-casing them. */
const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP].map((name) => name.length));

export interface HopByHopOptions {
  /** Field names (lower case) to keep even though they are hop-by-hop (e.g. an Upgrade handshake). */
  keep?: ReadonlySet<string>;
}

/**
 * The names a Connection field lists (hop-by-hop too, RFC 9110 §7.6.1) that are not hop-by-hop
 * anyway, added to `into`: usually none (`Connection: keep-alive` or `close`, told without
 * splitting).
 */
function addConnectionOptions(value: string, into: { names?: Set<string> }): void {
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return;
  for (const token of value.split(',')) {
    const listed = token.trim().toLowerCase();
    if (listed !== '' && !HOP_BY_HOP.has(listed)) (into.names ??= new Set()).add(listed);
  }
}

/**
 * Raw header pairs (Node's `rawHeaders` layout: name, value, name, value...) without the
 * hop-by-hop fields, order and case kept. One pass: only names of a hop-by-hop length are
 * lower-cased; fields that Connection lists (rare) are taken out afterwards.
 */
export function stripHopByHop(rawHeaders: readonly string[], options?: HopByHopOptions): string[] {
  const keep = options?.keep;
  const out: string[] = [];
  const listed: { names?: Set<string> } = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (HOP_BY_HOP_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) {
        if (lower === 'connection') addConnectionOptions(rawHeaders[i + 1]!, listed);
        if (!keep?.has(lower)) continue;
      }
    }
    out.push(name, rawHeaders[i + 1]!);
  }
  const names = listed.names;
  if (names === undefined) return out;
  const kept: string[] = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const lower = out[i]!.toLowerCase();
    if (names.has(lower) && !keep?.has(lower)) continue;
    kept.push(out[i]!, out[i + 1]!);
  }
  return kept;
}

/**
 * Replaces the value of the first `name` field (keeping its position and spelling) and drops any
 * further ones; appends the field when absent.
 */
export function setRawHeader(rawHeaders: readonly string[], name: string, value: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  let done = false;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === lower) {
      if (!done) out.push(rawHeaders[i]!, value);
      done = true;
      continue;
    }
    out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  if (!done) out.push(name, value);
  return out;
}

export function removeRawHeader(rawHeaders: readonly string[], name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== lower) out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return out;
}

export function rawHeaderValue(rawHeaders: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === lower) return rawHeaders[i + 1];
  }
  return undefined;
}

/** The last head recorded on a connection, kept by its holder (see toHeaderList). */
export interface LastHead {
  raw: readonly string[];
  list: readonly Header[];
}

/**
 * The recorded form of a head; with `strings`, its fields are shared with earlier heads (see
 * InternedStrings.header).
 * With `memo` (one per connection and direction), a head that repeats the previous one on the
 * same connection, as most keep-alive heads do, shares its frozen list outright, and a head that
 * differs in a few fields (a Date) takes the unchanged ones from it: string comparisons instead
 * of hashing every fresh string the parser made.
 */
export function toHeaderList(
  rawHeaders: readonly string[],
  memo?: { lastHead?: LastHead },
  strings?: InternedStrings,
): Header[] {
  const previous = memo?.lastHead;
  const count = rawHeaders.length >> 1;
  let same = previous !== undefined && previous.raw.length === rawHeaders.length;
  if (same) {
    for (let i = 0; i < rawHeaders.length; i += 1) {
      if (rawHeaders[i] !== previous!.raw[i]) {
        same = false;
        break;
      }
    }
    if (same) return previous!.list as Header[];
  }
  // Sized up front: a pushed-to array keeps spare capacity, and every stored exchange has two.
  const headers = new Array<Header>(count);
  const before = previous?.raw;
  for (let i = 0; i < count; i += 1) {
    const name = rawHeaders[2 * i]!;
    const value = rawHeaders[2 * i + 1]!;
    headers[i] =
      before !== undefined && before[2 * i] === name && before[2 * i + 1] === value
        ? previous!.list[i]!
        : strings
          ? strings.header(name, value)
          : { name, value };
  }
  if (memo) {
    // Shared by every exchange whose head repeats this one: nobody may change it.
    Object.freeze(headers);
    memo.lastHead = { raw: rawHeaders, list: headers };
  }
  return headers;
}

/** Serialises a head (status or request line plus fields) for writing straight to a socket. */
export function serializeHead(startLine: string, rawHeaders: readonly string[]): string {
  let head = `${startLine}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}
