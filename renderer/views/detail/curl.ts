/**
 * "Copy as cURL": one POSIX shell command that makes exactly the recorded request to the
 * upstream URL (not through the proxy): the method, the request-target, every header as it went
 * upstream and the body bytes, whatever they hold. Everything taken from the exchange is quoted
 * so the shell interprets none of it (POSIX.1-2017, Shell Command Language §2.2.2: nothing is
 * special inside single quotes), and nothing reaches curl where it could be read as an option or
 * a file: the URL goes after `--url`, a text body after `--data-raw` (never `--data-binary` with
 * its `@file` syntax), and other bodies come from printf on stdin.
 *
 * Where curl would add a header of its own (User-Agent, Accept, a form Content-Type, Expect),
 * an empty `-H 'Name:'` removes it. The framing (Content-Length or
 * chunked) is curl's; the body bytes are the recorded ones.
 */
import type { Exchange, Header } from '../../../shared/model';

/** Quotes a word for a POSIX shell: 'it'\''s' closes, escapes one quote, reopens. */
export function shellQuote(value: string): string {
  // No regex on captured text: a header value or body can be megabytes long.
  let plain = value !== '';
  for (let i = 0; plain && i < value.length; i += 1) plain = SAFE_CHARS.has(value[i]!);
  if (plain) return value;
  return `'${value.split("'").join(`'\\''`)}'`;
}

const SAFE_CHARS = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-');

/** Headers that describe the hop to the proxy or the message framing curl does itself. */
const DROPPED_HEADERS = new Set([
  'content-length',
  'proxy-connection',
  'proxy-authorization',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
]);

/** Encodings `--compressed` can decode (curl's own list). */
const CURL_DECODES = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

/** A body larger than this goes through stdin: Linux caps one argument at 128 KiB (MAX_ARG_STRLEN). */
const MAX_ARGUMENT_BODY_BYTES = 64 * 1024;

/** Curl sends `Expect: 100-continue` on its own for bodies above 1 KiB (older versions) or 1 MiB. */
const CURL_EXPECT_THRESHOLD_BYTES = 1024;

/** RFC 9110 §5.6.2 tchar. */
const TOKEN_CHARS = new Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

function isToken(name: string): boolean {
  if (name === '') return false;
  for (const ch of name) if (!TOKEN_CHARS.has(ch)) return false;
  return true;
}

/**
 * The bytes a header or URL string stands for. Node hands header bytes over one char per byte
 * (latin1), so a string of chars up to U+00FF is those bytes; a wider char can only come from an
 * import, and is sent as UTF-8.
 */
export function wireBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return new TextEncoder().encode(text);
    bytes[i] = code;
  }
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes as text that a terminal pastes back unchanged: valid UTF-8 without control
 * characters (tab and, where allowed, line feed excepted); undefined otherwise.
 */
function pasteableText(bytes: Uint8Array, allowLineFeed: boolean): string | undefined {
  for (const byte of bytes) {
    if (byte === 0x09 || (allowLineFeed && byte === 0x0a)) continue;
    if (byte < 0x20 || byte === 0x7f) return undefined;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  // C1 controls (U+0080–U+009F): some terminals act on them.
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 && code <= 0x9f) return undefined;
  }
  return text;
}

/**
 * The argument of `printf '%b'` (POSIX printf: `\\` is a backslash, `\0ddd` the byte with octal
 * value ddd) that writes exactly these bytes, printable ASCII kept readable, inside single quotes.
 */
function printfWord(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x27) out += String.fromCharCode(byte);
    else out += `\\0${byte.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}

/**
 * One shell word that the shell turns into exactly these bytes. The bytes hold no line feed (a
 * command substitution would drop a trailing one): header lines and URLs cannot.
 */
function shellWord(bytes: Uint8Array): string {
  const text = pasteableText(bytes, false);
  if (text !== undefined) return shellQuote(text);
  return `"$(printf '%b' ${printfWord(bytes)})"`;
}

/**
 * The URL as curl must be given it. A request-target holds no space, control or non-ASCII byte
 * (RFC 3986 §2; RFC 9112 §3.2): such bytes (only an import can hold them) are percent-encoded,
 * as a browser does, since curl refuses them.
 */
function curlUrl(url: string): string {
  let out = '';
  for (const byte of wireBytes(url)) {
    if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The path of an absolute URL as written, without parsing (a parser would resolve `..`). */
function rawPath(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
  if (start < 0) return '';
  let end = url.length;
  for (const stop of ['?', '#']) {
    const at = url.indexOf(stop, start);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(start, end);
}

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Text for a comment line: printable ASCII only, so a paste cannot carry a control sequence. */
function printable(text: string): string {
  let out = '';
  for (const ch of text) out += ch >= ' ' && ch <= '~' ? ch : '?';
  return out;
}

/** Why a recorded header cannot be sent as it is, or undefined when it can. */
function unsendable(header: Header): string | undefined {
  if (!isToken(header.name)) return 'not a valid header name';
  for (const ch of header.value) {
    if (ch === '\r' || ch === '\n' || ch === '\0') return 'a line break or NUL in its value';
  }
  return undefined;
}

export interface CurlOptions {
  /** The request body as it went upstream (still content-encoded, if it was). */
  body?: Uint8Array;
  /** The body was cut at capture: the command says so. */
  bodyTruncated?: boolean;
}

export function buildCurl(exchange: Exchange, options: CurlOptions = {}): string {
  const { request } = exchange;
  // Methods are case-sensitive (RFC 9110 §9.1): `get` is not GET, and is sent as recorded.
  const method = request.method;
  const body = options.body && options.body.length > 0 ? options.body : undefined;
  const notes: string[] = [];
  const parts: string[] = ['curl'];

  if (method === 'HEAD' && !body) parts.push('--head');
  else if (!(method === 'GET' && !body) && !(method === 'POST' && body))
    parts.push('-X', shellWord(wireBytes(method)));

  const present = new Set<string>();
  const left: string[] = [];
  let compressed = false;
  const host = urlHost(request.url);
  for (const header of request.headers) {
    const name = header.name.toLowerCase();
    // HTTP/2 pseudo-headers (`:authority`...) are the request line, which curl writes itself.
    if (name.startsWith(':') || DROPPED_HEADERS.has(name)) continue;
    const problem = unsendable(header);
    if (problem) {
      left.push(`${printable(header.name.slice(0, 60))} (${problem})`);
      continue;
    }
    present.add(name);
    // The Host header curl derives from the URL; keep only a Host that differs from it.
    if (name === 'host' && header.value.toLowerCase() === host) continue;
    if (
      name === 'accept-encoding' &&
      header.value.split(',').some((t) => CURL_DECODES.has(t.split(';')[0]!.trim().toLowerCase()))
    )
      compressed = true;
    // `Name;` is curl's syntax for a header with an empty value (`Name:` would remove it).
    parts.push(
      '-H',
      shellWord(wireBytes(header.value === '' ? `${header.name};` : `${header.name}: ${header.value}`)),
    );
  }
  for (const name of ['User-Agent', 'Accept'])
    if (!present.has(name.toLowerCase())) parts.push('-H', `'${name}:'`);
  if (body && !present.has('content-type')) parts.push('-H', "'Content-Type:'");
  if (body && body.length > CURL_EXPECT_THRESHOLD_BYTES && !present.has('expect'))
    parts.push('-H', "'Expect:'");
  // Decodes the response for the terminal; the Accept-Encoding sent is the recorded one.
  if (compressed) parts.push('--compressed');
  if (request.httpVersion === 'HTTP/1.0') parts.push('--http1.0');

  let prefix = '';
  if (body) {
    const text = body.length <= MAX_ARGUMENT_BODY_BYTES ? pasteableText(body, true) : undefined;
    if (text !== undefined) parts.push('--data-raw', shellQuote(text));
    else {
      prefix = `printf '%b' ${printfWord(body)} | `;
      parts.push('--data-binary', '@-');
    }
  }

  const url = curlUrl(request.url);
  // Brackets and braces in a URL are curl's globbing; `.` and `..` segments it would resolve.
  if (/[[\]{}]/.test(url)) parts.push('--globoff');
  if (hasDotSegment(rawPath(url))) parts.push('--path-as-is');
  parts.push('--url', shellWord(wireBytes(url)));

  if (options.bodyTruncated) notes.push('NetLens kept only part of the request body: it is cut below.');
  if (left.length > 0) notes.push(`Left out, as HTTP cannot send them: ${left.join(', ')}.`);
  const command = prefix + parts.join(' ');
  return notes.length > 0 ? `${notes.map((n) => `# ${n}`).join('\n')}\n${command}` : command;
}
