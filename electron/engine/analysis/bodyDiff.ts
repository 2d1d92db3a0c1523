/**
 * Body diff: a verdict on the bytes (identical, or which cosmetic difference separates them)
 * and a diff of the content (JSON paths, form fields, text lines, or size and hash for binary).
 * The byte verdict matters on its own: a signature over the raw body (HMAC, AWS SigV4, webhook
 * signatures) breaks on a BOM, a CRLF or a re-serialised JSON even when the data is the same.
 */
import { createHash } from 'node:crypto';
import type {
  BodyDiff,
  BodyFacts,
  BodyKind,
  ByteVerdict,
  ByteWindow,
  FirstDifference,
  ValueChange,
} from '../../../shared/diff.js';
import { BYTE_VERDICT_TEXT } from '../../../shared/diff.js';
import type { BodyInfo } from '../../../shared/model.js';
import { compareJson, jsonStructuralDiff, parseJsonSyntax } from './jsonSyntax.js';
import { diffLines } from './lineDiff.js';
import { prettyJsonDiff } from './prettyJsonDiff.js';
import { formatBytes } from '../../../shared/format.js';

export interface BodyInput {
  /** The body bytes (decoded from gzip/br/deflate when the engine could); undefined when not captured. */
  bytes?: Uint8Array;
  info?: BodyInfo;
  /** Content-Type header, when BodyInfo does not carry it. */
  contentType?: string;
}

/** Text larger than this is compared by bytes only, not line by line. */
const MAX_TEXT_DIFF_BYTES = 2 * 1024 * 1024;
/** JSON larger than this is judged on its bytes and text only (the syntax tree would cost too much memory). */
const MAX_JSON_TREE_BYTES = 16 * 1024 * 1024;
const MAX_LINE_OPS = 5_000;
const WINDOW_BEFORE = 16;
const WINDOW_AFTER = 16;

interface DecodedText {
  text: string;
  /** Charset used, e.g. `utf-8`, `utf-16le`, `iso-8859-1`. */
  charset: string;
  bom: boolean;
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function normalizeCharset(label: string): string {
  const lower = label.toLowerCase();
  if (lower === 'utf8') return 'utf-8';
  if (lower === 'latin1' || lower === 'iso_8859-1' || lower === 'iso8859-1') return 'iso-8859-1';
  return lower;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Decodes text, or returns undefined for binary content. */
export function decodeText(bytes: Uint8Array, contentType: string | undefined): DecodedText | undefined {
  // A BOM decides the encoding (WHATWG Encoding §6 "decode": BOM sniffing wins over the label).
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const text = tryDecode('utf-8', bytes.subarray(3));
    return text === undefined ? undefined : { text, charset: 'utf-8', bom: true };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    const text = tryDecode('utf-16le', bytes.subarray(2));
    return text === undefined ? undefined : { text, charset: 'utf-16le', bom: true };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    const text = tryDecode('utf-16be', bytes.subarray(2));
    return text === undefined ? undefined : { text, charset: 'utf-16be', bom: true };
  }
  const declared = charsetOf(contentType);
  if (declared && normalizeCharset(declared) !== 'utf-8') {
    const text = tryDecode(normalizeCharset(declared), bytes);
    if (text !== undefined && !text.includes('\u0000')) {
      return { text, charset: normalizeCharset(declared), bom: false };
    }
  }
  const text = tryDecode('utf-8', bytes);
  if (text !== undefined) return text.includes('\u0000') ? undefined : { text, charset: 'utf-8', bom: false };
  // Not UTF-8 and no charset said: legacy 8-bit text (windows-1252, what browsers assume for
  // latin1) when it has no control bytes other than tab and line breaks; else binary.
  if (bytes.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f)) return undefined;
  const legacy = tryDecode('windows-1252', bytes);
  return legacy === undefined ? undefined : { text: legacy, charset: 'windows-1252 (guessed)', bom: false };
}

function tryDecode(charset: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function lineEndingStyle(text: string): 'CRLF' | 'LF' | 'CR' | 'mixed' | 'none' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const cr = (text.match(/\r/g) ?? []).length - crlf;
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf > 0 ? 'CRLF' : lf > 0 ? 'LF' : 'CR';
}

function isJsonType(contentType: string | undefined): boolean {
  return /[/+]json\b/i.test(contentType ?? '');
}

function isFormType(contentType: string | undefined): boolean {
  return /application\/x-www-form-urlencoded/i.test(contentType ?? '');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function byteWindow(bytes: Uint8Array, offset: number): ByteWindow {
  const start = Math.max(0, offset - WINDOW_BEFORE);
  const end = Math.min(bytes.length, offset + WINDOW_AFTER);
  const slice = bytes.subarray(start, end);
  return {
    startOffset: start,
    hex: [...slice].map((b) => b.toString(16).padStart(2, '0')),
    text: [...slice].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join(''),
  };
}

export function firstDifferingOffset(left: Uint8Array, right: Uint8Array): number | undefined {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) if (left[i] !== right[i]) return i;
  return left.length === right.length ? undefined : length;
}

function firstDifference(left: Uint8Array, right: Uint8Array): FirstDifference | undefined {
  const offset = firstDifferingOffset(left, right);
  if (offset === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < left.length; i += 1) {
    if (left[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return {
    offset,
    left: byteWindow(left, offset),
    right: byteWindow(right, offset),
    leftLine: line,
    leftColumn: offset - lineStart + 1,
  };
}

function facts(input: BodyInput, decoded: DecodedText | undefined): BodyFacts {
  const bytes = input.bytes;
  const contentType = input.info?.contentType ?? input.contentType;
  const out: BodyFacts = {
    sizeBytes: bytes?.length ?? input.info?.sizeBytes ?? 0,
    truncated: input.info?.truncated ?? false,
    captured: bytes !== undefined || (input.info?.sizeBytes ?? 0) === 0,
  };
  if (input.info?.decodedSizeBytes !== undefined && bytes) out.sizeBytes = bytes.length;
  if (bytes) out.sha256 = sha256(bytes);
  if (contentType) out.contentType = contentType;
  if (decoded) {
    out.encoding = decoded.bom ? `${decoded.charset} with BOM` : decoded.charset;
    out.lineEndings = lineEndingStyle(decoded.text);
    out.endsWithNewline = /\r?\n$|\r$/.test(decoded.text);
  }
  return out;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n|\r/);
  // A final newline ends the last line; it does not start an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function formFields(left: string, right: string): ValueChange[] {
  const group = (text: string): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    for (const [name, value] of new URLSearchParams(text)) map.set(name, [...(map.get(name) ?? []), value]);
    return map;
  };
  const a = group(left);
  const b = group(right);
  const rows: ValueChange[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const l = a.get(name)?.join(', ');
    const r = b.get(name)?.join(', ');
    if (l === undefined) rows.push({ name, kind: 'added', right: r! });
    else if (r === undefined) rows.push({ name, kind: 'removed', left: l });
    else rows.push({ name, kind: l === r ? 'same' : 'changed', left: l, right: r });
  }
  return rows;
}

function bodyKind(
  decoded: DecodedText | undefined,
  contentType: string | undefined,
  bytes: Uint8Array,
): BodyKind {
  if (bytes.length === 0) return 'none';
  if (!decoded) return 'binary';
  if (isFormType(contentType)) return 'form';
  if (isJsonType(contentType)) return 'json';
  // Sniff JSON sent without a JSON content type (common with curl -d and hand-written clients).
  const sniff = bytes.length <= MAX_JSON_TREE_BYTES && /^\s*[[{]/.test(decoded.text);
  return sniff && parseJsonSyntax(decoded.text) ? 'json' : 'text';
}

function combineKinds(a: BodyKind, b: BodyKind): BodyKind {
  if (a === b) return a;
  if (a === 'none') return b;
  if (b === 'none') return a;
  if (a === 'binary' || b === 'binary') return 'binary';
  if (a === 'json' && b === 'json') return 'json';
  return a === 'form' || b === 'form' ? 'form' : 'text';
}

function offsetText(diff: FirstDifference | undefined): string {
  if (!diff) return '';
  return `bytes first differ at offset ${diff.offset} (line ${diff.leftLine}, column ${diff.leftColumn})`;
}

/** Diffs one side (request or response) of two exchanges. */
export function diffBodies(side: 'request' | 'response', left: BodyInput, right: BodyInput): BodyDiff {
  const leftType = left.info?.contentType ?? left.contentType;
  const rightType = right.info?.contentType ?? right.contentType;
  const lBytes = left.bytes;
  const rBytes = right.bytes;
  const lDecoded = lBytes ? decodeText(lBytes, leftType) : undefined;
  const rDecoded = rBytes ? decodeText(rBytes, rightType) : undefined;
  const result: BodyDiff = {
    side,
    kind: 'none',
    left: facts(left, lDecoded),
    right: facts(right, rDecoded),
    verdict: 'identical',
    verdicts: [],
    description: '',
    notes: [],
  };
  for (const [name, f] of [
    ['left', result.left],
    ['right', result.right],
  ] as const) {
    if (f.truncated)
      result.notes.push(
        `The ${name} body was truncated at capture: only its first ${formatBytes(f.sizeBytes)} are compared.`,
      );
  }

  if (!result.left.captured || !result.right.captured || !lBytes || !rBytes) {
    const leftEmpty = (lBytes?.length ?? left.info?.sizeBytes ?? 0) === 0;
    const rightEmpty = (rBytes?.length ?? right.info?.sizeBytes ?? 0) === 0;
    if (leftEmpty && rightEmpty) {
      result.verdict = 'both_empty';
      result.description = 'both empty';
      return result;
    }
    result.verdict = 'unavailable';
    result.verdicts = ['unavailable'];
    const missing =
      !lBytes && !rBytes ? 'neither body was' : !lBytes ? 'the left body was not' : 'the right body was not';
    result.description = `${missing} captured; sizes ${formatBytes(result.left.sizeBytes)} vs ${formatBytes(result.right.sizeBytes)}`;
    return result;
  }

  result.kind = combineKinds(bodyKind(lDecoded, leftType, lBytes), bodyKind(rDecoded, rightType, rBytes));
  if (lBytes.length === 0 && rBytes.length === 0) {
    result.verdict = 'both_empty';
    result.description = 'both empty';
    return result;
  }
  const diff = firstDifference(lBytes, rBytes);
  if (!diff) {
    result.verdict = 'identical';
    result.verdicts = ['identical'];
    result.description = `identical (${formatBytes(lBytes.length)})`;
    return result;
  }
  result.firstDifference = diff;

  if (!lDecoded || !rDecoded) {
    result.kind = 'binary';
    result.verdict = 'different';
    result.verdicts = ['different'];
    result.description = `different binary content: ${formatBytes(lBytes.length)} vs ${formatBytes(rBytes.length)}, SHA-256 ${result.left.sha256!.slice(0, 12)}… vs ${result.right.sha256!.slice(0, 12)}…; ${offsetText(diff)}`;
    return result;
  }

  // Undo each cosmetic difference in turn; whatever remains is a difference of content.
  const cosmetic: ByteVerdict[] = [];
  if (lDecoded.charset !== rDecoded.charset) cosmetic.push('encoding');
  if (lDecoded.bom !== rDecoded.bom) cosmetic.push('bom');
  const lStyle = lineEndingStyle(lDecoded.text);
  const rStyle = lineEndingStyle(rDecoded.text);
  if (lStyle !== rStyle && lStyle !== 'none' && rStyle !== 'none') cosmetic.push('line_endings');
  let lText = lDecoded.text.replace(/\r\n?/g, '\n');
  let rText = rDecoded.text.replace(/\r\n?/g, '\n');
  if (lText.endsWith('\n') !== rText.endsWith('\n')) cosmetic.push('trailing_newline');
  lText = lText.replace(/\n+$/, '');
  rText = rText.replace(/\n+$/, '');

  let contentSame = lText === rText;
  const treeable =
    result.kind === 'json' && lBytes.length <= MAX_JSON_TREE_BYTES && rBytes.length <= MAX_JSON_TREE_BYTES;
  if (result.kind === 'json' && !treeable) {
    result.notes.push('JSON too large for a structural diff: compared as text.');
  }
  const lJson = treeable ? parseJsonSyntax(lDecoded.text) : undefined;
  const rJson = treeable ? parseJsonSyntax(rDecoded.text) : undefined;
  if (lJson && rJson && lBytes.length <= MAX_TEXT_DIFF_BYTES && rBytes.length <= MAX_TEXT_DIFF_BYTES) {
    const pretty = prettyJsonDiff(lJson.root, rJson.root);
    if (pretty) result.prettyJson = pretty;
  }
  if (lJson && rJson) {
    const equivalence = compareJson(lJson.root, rJson.root);
    if (equivalence.equal) {
      const layoutDiffers =
        lJson.layout.length !== rJson.layout.length ||
        lJson.layout.some(
          (ws, i) => ws.replace(/\r\n?/g, '\n') !== (rJson.layout[i] ?? '').replace(/\r\n?/g, '\n'),
        );
      if (equivalence.keyOrder) cosmetic.unshift('json_key_order');
      if (equivalence.numberFormat) cosmetic.push('number_format');
      if (equivalence.stringEscapes) cosmetic.push('string_escapes');
      // Trailing newlines are whitespace to JSON: report them as such only when nothing names them.
      if (layoutDiffers && !contentSame) {
        const onlyTrailing = lJson.layout.slice(0, -1).every((ws, i) => ws === rJson.layout[i]);
        if (!onlyTrailing || !cosmetic.includes('trailing_newline')) cosmetic.push('whitespace');
      }
      contentSame = true;
    } else {
      result.jsonChanges = jsonStructuralDiff(lJson.root, rJson.root);
    }
  } else if (!contentSame && lText.replace(/\s+/g, '') === rText.replace(/\s+/g, '')) {
    cosmetic.push('whitespace');
    contentSame = true;
  }

  if (result.kind === 'form') result.formFields = formFields(lText, rText);
  const wantLines = result.kind !== 'json' || lText.includes('\n') || rText.includes('\n');
  if (wantLines && lBytes.length <= MAX_TEXT_DIFF_BYTES && rBytes.length <= MAX_TEXT_DIFF_BYTES) {
    const lLines = result.kind === 'form' ? lText.split('&') : splitLines(lDecoded.text);
    const rLines = result.kind === 'form' ? rText.split('&') : splitLines(rDecoded.text);
    const ops = diffLines(lLines, rLines);
    if (ops) {
      result.lines = ops.slice(0, MAX_LINE_OPS);
      if (ops.length > MAX_LINE_OPS) result.linesTruncated = true;
    } else {
      result.notes.push('Too many changed lines to diff line by line; see the byte view.');
    }
  }

  if (contentSame) {
    const verdicts: ByteVerdict[] = cosmetic.length > 0 ? cosmetic : ['whitespace'];
    result.verdict = verdicts[0]!;
    result.verdicts = verdicts;
    result.description = `${verdicts.map((v) => BYTE_VERDICT_TEXT[v]).join('; ')} — ${offsetText(diff)}, so a signature over the raw bytes differs`;
    return result;
  }

  result.verdict = 'different';
  result.verdicts = ['different', ...cosmetic];
  const also = cosmetic.length > 0 ? `; also ${cosmetic.map((v) => BYTE_VERDICT_TEXT[v]).join(', ')}` : '';
  if (result.jsonChanges) {
    const first = result.jsonChanges[0];
    const firstText = first
      ? first.kind === 'changed'
        ? ` (first: ${first.path} ${first.left} → ${first.right})`
        : ` (first: ${first.path} ${first.kind})`
      : '';
    result.description = `different JSON: ${result.jsonChanges.length}${result.jsonChanges.length >= 500 ? '+' : ''} path${result.jsonChanges.length === 1 ? '' : 's'} differ${firstText}; ${offsetText(diff)}${also}`;
  } else if (result.formFields) {
    const changed = result.formFields.filter((f) => f.kind !== 'same');
    result.description = `different form fields: ${changed.map((f) => `${f.name} ${f.kind}`).join(', ') || 'same fields, different order or encoding'}; ${offsetText(diff)}${also}`;
  } else {
    const added = result.lines?.filter((l) => l.op === 'added').length;
    const removed = result.lines?.filter((l) => l.op === 'removed').length;
    const lineText = added !== undefined ? ` (+${added} −${removed} lines)` : '';
    result.description = `different ${result.kind === 'json' ? 'JSON' : 'text'}${lineText}; ${offsetText(diff)}${also}`;
  }
  return result;
}
