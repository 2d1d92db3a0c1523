/**
 * The GVariant text format `gsettings get` prints and `gsettings set` parses, for the types the
 * proxy schema uses: strings (`'manual'`, `"it's"`) and string arrays (`['localhost', '::1']`,
 * `@as []`). NetLens keeps every value as the exact text gsettings printed and writes that text
 * back to restore; these functions are only for values NetLens reads into or builds from.
 * (GLib: g_variant_print quotes with ' unless the string holds a ' and no ", escapes \ and the
 * quote, control characters as \n \t ... or \uXXXX.)
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const ESCAPE_LETTERS: Record<string, string> = Object.fromEntries(
  Object.entries(SIMPLE_ESCAPES).map(([letter, char]) => [char, letter]),
);

interface Cursor {
  text: string;
  at: number;
}

function skipSpaces(cursor: Cursor): void {
  while (cursor.at < cursor.text.length && /\s/.test(cursor.text[cursor.at]!)) cursor.at += 1;
}

function readString(cursor: Cursor): string | undefined {
  const quote = cursor.text[cursor.at];
  if (quote !== "'" && quote !== '"') return undefined;
  cursor.at += 1;
  let value = '';
  while (cursor.at < cursor.text.length) {
    const char = cursor.text[cursor.at]!;
    cursor.at += 1;
    if (char === quote) return value;
    if (char !== '\\') {
      value += char;
      continue;
    }
    const escaped = cursor.text[cursor.at];
    if (escaped === undefined) return undefined;
    cursor.at += 1;
    if (escaped === 'u' || escaped === 'U') {
      const length = escaped === 'u' ? 4 : 8;
      const hex = cursor.text.slice(cursor.at, cursor.at + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) return undefined;
      value += String.fromCodePoint(parseInt(hex, 16));
      cursor.at += length;
    } else {
      value += SIMPLE_ESCAPES[escaped] ?? escaped;
    }
  }
  return undefined;
}

/** `'manual'` → `manual`; undefined when the text is not one GVariant string. */
export function parseGVariantString(text: string): string | undefined {
  const cursor = { text: text.trim(), at: 0 };
  const value = readString(cursor);
  return value !== undefined && cursor.at === cursor.text.length ? value : undefined;
}

/** `['localhost', '::1']` or `@as []` → the strings; undefined when the text is not an `as`. */
export function parseGVariantStringArray(text: string): string[] | undefined {
  const cursor = { text: text.trim().replace(/^@as\s+/, ''), at: 0 };
  if (cursor.text[cursor.at] !== '[') return undefined;
  cursor.at += 1;
  const values: string[] = [];
  skipSpaces(cursor);
  if (cursor.text[cursor.at] === ']') return cursor.at + 1 === cursor.text.length ? values : undefined;
  for (;;) {
    skipSpaces(cursor);
    const value = readString(cursor);
    if (value === undefined) return undefined;
    values.push(value);
    skipSpaces(cursor);
    const next = cursor.text[cursor.at];
    cursor.at += 1;
    if (next === ']') return cursor.at === cursor.text.length ? values : undefined;
    if (next !== ',') return undefined;
  }
}

/** As g_variant_print writes it: double quotes when the string holds a ', so the text round-trips. */
export function formatGVariantString(value: string): string {
  const quote = value.includes("'") ? '"' : "'";
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (ESCAPE_LETTERS[char]) out += `\\${ESCAPE_LETTERS[char]}`;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}${quote}`;
}

export function formatGVariantStringArray(values: readonly string[]): string {
  return values.length === 0 ? '@as []' : `[${values.map(formatGVariantString).join(', ')}]`;
}
