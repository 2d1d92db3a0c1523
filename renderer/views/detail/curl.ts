/**
 * "Copy as cURL": the original request to the upstream URL (not through the proxy), with its
 * headers and body, as one POSIX shell command. Everything user-controlled is single-quoted, the
 * only quoting in which a POSIX shell interprets nothing (POSIX.1-2017, Shell Command Language 2.2.2).
 */
import type { Exchange } from '../../../shared/model';

/** Quotes a word for a POSIX shell: 'it'\''s' closes, escapes one quote, reopens. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl sets itself, or that describe the hop to the proxy rather than the request. */
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

function isText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** printf %b with octal escapes is POSIX; it turns bytes back into a binary body on stdin. */
function printfOctal(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += `\\0${byte.toString(8).padStart(3, '0')}`;
  return out;
}

export interface CurlOptions {
  /** The request body as captured (decoded of any content-encoding is NOT wanted: send what was sent). */
  body?: Uint8Array;
  /** The body was cut at capture: the command says so. */
  bodyTruncated?: boolean;
}

export function buildCurl(exchange: Exchange, options: CurlOptions = {}): string {
  const { request } = exchange;
  const method = request.method.toUpperCase();
  const parts: string[] = ['curl'];
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    url = undefined;
  }
  if (method === 'HEAD') parts.push('--head');
  else if (method !== 'GET' || options.body?.length) parts.push('-X', shellQuote(method));

  let compressed = false;
  for (const header of request.headers) {
    const name = header.name.toLowerCase();
    if (DROPPED_HEADERS.has(name)) continue;
    // The Host header curl derives from the URL; keep only a Host that differs from it.
    if (name === 'host' && url && header.value.toLowerCase() === url.host.toLowerCase()) continue;
    if (name === 'accept-encoding' && /\b(gzip|deflate|br)\b/i.test(header.value)) {
      // --compressed asks for the same encodings and decodes the reply for the terminal.
      compressed = true;
      continue;
    }
    parts.push('-H', shellQuote(`${header.name}: ${header.value}`));
  }
  if (compressed) parts.push('--compressed');
  if (request.httpVersion === 'HTTP/1.0') parts.push('--http1.0');

  let prefix = '';
  const body = options.body;
  if (body && body.length > 0) {
    const text = isText(body);
    if (text !== undefined) parts.push('--data-binary', shellQuote(text));
    else {
      prefix = `printf '%b' '${printfOctal(body)}' | `;
      parts.push('--data-binary', '@-');
    }
  }
  parts.push(shellQuote(request.url));
  const command = prefix + parts.join(' ');
  return options.bodyTruncated
    ? `# NetLens kept only part of the request body: it is cut below.\n${command}`
    : command;
}
