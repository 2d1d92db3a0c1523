/**
 * The one JSON scanner (RFC 8259) of the engine. It parses keeping what JSON.parse throws away
 * (each number's and string's exact spelling, key order, duplicate keys, the whitespace between
 * tokens: the differences that change a signature over the raw bytes while the data stays "the
 * same"), and it says where and why a text is not JSON (JSON.parse's message depends on the
 * Node version and quotes the text).
 */

export type JsonNode =
  | { type: 'object'; entries: { key: string; keyRaw: string; value: JsonNode }[] }
  | { type: 'array'; items: JsonNode[] }
  | { type: 'string'; value: string; raw: string }
  | { type: 'number'; raw: string }
  | { type: 'literal'; raw: 'true' | 'false' | 'null' };

export interface ParsedJson {
  root: JsonNode;
  /** The whitespace runs between tokens, in order (layout). */
  layout: string[];
}

/** Where a text stops being JSON, and what the scanner expected there. */
export interface JsonSyntaxProblem {
  /** Offset in UTF-16 code units. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** e.g. `expected ',' or ']'`; never quotes the text. */
  problem: string;
}

const MAX_DEPTH = 512;

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${problem} at ${offset}`);
  }
}

/** Placeholder returned when only checking: no tree is built. */
const UNBUILT: JsonNode = { type: 'literal', raw: 'null' };

function scan(text: string, build: boolean): ParsedJson {
  let pos = 0;
  const layout: string[] = [];

  const fail = (problem: string): never => {
    throw new JsonSyntaxError(pos, pos >= text.length ? `the text ends early (${problem})` : problem);
  };

  // The common case, compact JSON: no whitespace at all between two tokens.
  // RFC 8259 §7: control characters must be escaped, so they end the fast path too.
  // eslint-disable-next-line no-control-regex
  const SIMPLE_STRING = /"[^"\\\u0000-\u001f]*"/y;

  function whitespace(): void {
    const next = text.charCodeAt(pos);
    if (next !== 0x20 && next !== 0x09 && next !== 0x0a && next !== 0x0d) {
      if (build) layout.push('');
      return;
    }
    const start = pos;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      // RFC 8259 §2: space, tab, line feed, carriage return.
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos += 1;
      else break;
    }
    if (build) layout.push(text.slice(start, pos));
  }

  function string(what: string): { value: string; raw: string } {
    const start = pos;
    if (text[pos] !== '"') fail(`expected ${what}`);
    // Fast path: no escapes, so the value is the text between the quotes.
    SIMPLE_STRING.lastIndex = pos;
    const simple = SIMPLE_STRING.exec(text);
    if (simple) {
      pos += simple[0].length;
      return build ? { value: simple[0].slice(1, -1), raw: simple[0] } : { value: '', raw: '' };
    }
    pos += 1;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos += 1;
        if (!build) return { value: '', raw: '' };
        const raw = text.slice(start, pos);
        return { value: JSON.parse(raw) as string, raw };
      }
      if (c < 0x20) fail('a control character inside a string (RFC 8259 §7: it must be escaped)');
      if (c === 0x5c) {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6)))
            fail('an invalid \\u escape in a string');
          pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) pos += 2;
        else fail('an invalid escape in a string');
      } else pos += 1;
    }
    return fail('a string is not closed');
  }

  // Sticky: matches at `pos` without copying the rest of the text.
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  function number(): string {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match || match[0].length === 0) fail('expected a value');
    const raw = match![0];
    pos += raw.length;
    return raw;
  }

  function value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const c = text[pos];
    if (c === '{') {
      pos += 1;
      const entries: { key: string; keyRaw: string; value: JsonNode }[] = [];
      whitespace();
      if (text[pos] === '}') {
        pos += 1;
        return build ? { type: 'object', entries } : UNBUILT;
      }
      for (let first = true; ; first = false) {
        const key = string(
          first ? "a property name in double quotes or '}'" : 'a property name in double quotes',
        );
        whitespace();
        if (text[pos] !== ':') fail("expected ':' after a property name");
        pos += 1;
        whitespace();
        const item = value(depth + 1);
        if (build) entries.push({ key: key.value, keyRaw: key.raw, value: item });
        whitespace();
        if (text[pos] === ',') {
          pos += 1;
          whitespace();
          continue;
        }
        if (text[pos] === '}') {
          pos += 1;
          return build ? { type: 'object', entries } : UNBUILT;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos += 1;
      const items: JsonNode[] = [];
      whitespace();
      if (text[pos] === ']') {
        pos += 1;
        return build ? { type: 'array', items } : UNBUILT;
      }
      for (;;) {
        const item = value(depth + 1);
        if (build) items.push(item);
        whitespace();
        if (text[pos] === ',') {
          pos += 1;
          whitespace();
          continue;
        }
        if (text[pos] === ']') {
          pos += 1;
          return build ? { type: 'array', items } : UNBUILT;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return build ? { type: 'string', ...string('a string') } : (string('a string'), UNBUILT);
    const literal = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (literal !== undefined) {
      if (!text.startsWith(literal, pos))
        fail('expected a value (true, false and null are lower case and unquoted)');
      pos += literal.length;
      return build ? { type: 'literal', raw: literal } : UNBUILT;
    }
    const raw = number();
    return build ? { type: 'number', raw } : UNBUILT;
  }

  whitespace();
  const root = value(0);
  whitespace();
  if (pos !== text.length) fail('unexpected text after the end of the JSON value');
  return { root, layout };
}

/** Parses `text`, or returns undefined when it is not exactly one JSON value. */
export function parseJsonSyntax(text: string): ParsedJson | undefined {
  try {
    return scan(text, true);
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Where and why `text` is not one JSON value; undefined when it is. Builds no tree. */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    scan(text, false);
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < error.offset; i = text.indexOf('\n', i + 1)) {
      line += 1;
      lineStart = i + 1;
    }
    return { offset: error.offset, line, column: error.offset - lineStart + 1, problem: error.problem };
  }
}

/**
 * A number's exact decimal value as `digits e exponent`, so 1.0, 1, 1e0 and 10e-1 compare equal
 * while 12345678901234567890 and 12345678901234567891 (equal as doubles) do not.
 */
export function canonicalNumber(raw: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (!match) return raw;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = BigInt(exponentText ?? '0') - BigInt(fraction.length);
  if (digits === '') return '0';
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  if (trailing > 0) {
    digits = digits.slice(0, -trailing);
    exponent += BigInt(trailing);
  }
  return `${sign}${digits}e${exponent}`;
}

export interface JsonEquivalence {
  /** Same data (numbers by exact value, strings by value, objects as key sets). */
  equal: boolean;
  /** Some object lists its keys in a different order. */
  keyOrder: boolean;
  /** Some number is spelled differently (1.0 vs 1). */
  numberFormat: boolean;
  /** Some string or key is escaped differently (\u00e9 vs é). */
  stringEscapes: boolean;
}

/** Compares two documents the way a consumer of the data would, noting every spelling difference. */
export function compareJson(left: JsonNode, right: JsonNode): JsonEquivalence {
  const flags: JsonEquivalence = { equal: true, keyOrder: false, numberFormat: false, stringEscapes: false };

  function same(a: JsonNode, b: JsonNode): boolean {
    if (a.type !== b.type) return false;
    switch (a.type) {
      case 'literal':
        return a.raw === (b as typeof a).raw;
      case 'number': {
        const other = b as typeof a;
        if (canonicalNumber(a.raw) !== canonicalNumber(other.raw)) return false;
        if (a.raw !== other.raw) flags.numberFormat = true;
        return true;
      }
      case 'string': {
        const other = b as typeof a;
        if (a.value !== other.value) return false;
        if (a.raw !== other.raw) flags.stringEscapes = true;
        return true;
      }
      case 'array': {
        const other = b as typeof a;
        if (a.items.length !== other.items.length) return false;
        return a.items.every((item, i) => same(item, other.items[i]!));
      }
      case 'object': {
        const other = b as typeof a;
        if (a.entries.length !== other.entries.length) return false;
        const byKey = new Map<string, { keyRaw: string; value: JsonNode }[]>();
        for (const entry of other.entries) {
          const list = byKey.get(entry.key) ?? [];
          list.push(entry);
          byKey.set(entry.key, list);
        }
        let index = 0;
        for (const entry of a.entries) {
          const match = byKey.get(entry.key)?.shift();
          if (!match) return false;
          if (other.entries[index]?.key !== entry.key) flags.keyOrder = true;
          if (match.keyRaw !== entry.keyRaw) flags.stringEscapes = true;
          if (!same(entry.value, match.value)) return false;
          index += 1;
        }
        return true;
      }
    }
  }

  flags.equal = same(left, right);
  return flags;
}

/** Shortened JSON text of a node (for tables). */
export function jsonText(node: JsonNode, maxLength = 200): string {
  const text = serialize(node);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function serialize(node: JsonNode): string {
  switch (node.type) {
    case 'literal':
    case 'number':
    case 'string':
      return node.raw;
    case 'array':
      return `[${node.items.map(serialize).join(',')}]`;
    case 'object':
      return `{${node.entries.map((e) => `${e.keyRaw}:${serialize(e.value)}`).join(',')}}`;
  }
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export interface JsonChangeRow {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  left?: string;
  right?: string;
}

/** Paths added, removed or changed, objects matched by key and arrays by index; at most `limit` rows. */
export function jsonStructuralDiff(left: JsonNode, right: JsonNode, limit = 500): JsonChangeRow[] {
  const rows: JsonChangeRow[] = [];

  function walk(a: JsonNode, b: JsonNode, path: string): void {
    if (rows.length >= limit) return;
    if (a.type === 'object' && b.type === 'object') {
      const rightByKey = new Map(b.entries.map((e) => [e.key, e.value]));
      const leftKeys = new Set(a.entries.map((e) => e.key));
      for (const entry of a.entries) {
        const other = rightByKey.get(entry.key);
        const p = childPath(path, entry.key);
        if (other === undefined) rows.push({ path: p, kind: 'removed', left: jsonText(entry.value) });
        else walk(entry.value, other, p);
        if (rows.length >= limit) return;
      }
      for (const entry of b.entries) {
        if (leftKeys.has(entry.key)) continue;
        rows.push({ path: childPath(path, entry.key), kind: 'added', right: jsonText(entry.value) });
        if (rows.length >= limit) return;
      }
      return;
    }
    if (a.type === 'array' && b.type === 'array') {
      const length = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < length; i += 1) {
        const x = a.items[i];
        const y = b.items[i];
        const p = `${path}[${i}]`;
        if (x === undefined && y !== undefined) rows.push({ path: p, kind: 'added', right: jsonText(y) });
        else if (y === undefined && x !== undefined)
          rows.push({ path: p, kind: 'removed', left: jsonText(x) });
        else if (x !== undefined && y !== undefined) walk(x, y, p);
        if (rows.length >= limit) return;
      }
      return;
    }
    if (!compareJson(a, b).equal) rows.push({ path, kind: 'changed', left: jsonText(a), right: jsonText(b) });
  }

  walk(left, right, '$');
  return rows;
}
