import zlib from 'node:zlib';
import type { BodyReplacement } from '../../../shared/rules.js';

/** Bodies larger than this are passed on unchanged: a rewrite holds the whole body in memory. */
export const MAX_REWRITTEN_BODY_BYTES = 32 * 1024 * 1024;

export interface RewrittenBody {
  body: Buffer;
  /** The response head to send with it: encoding dropped (the body is sent decoded), length set. */
  rawHeaders: string[];
  /** How many replacements were made in all. */
  replacements: number;
}

function decode(body: Buffer, encoding: string | undefined): Buffer | undefined {
  const coding = (encoding ?? '').trim().toLowerCase();
  try {
    if (coding === '' || coding === 'identity') return body;
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.gunzipSync(body);
    if (coding === 'deflate') return zlib.inflateSync(body);
    if (coding === 'br') return zlib.brotliDecompressSync(body);
  } catch {
    return undefined;
  }
  // Another or a stacked coding: the text cannot be found in it.
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces text in a complete response body (decoded from gzip, deflate or br first; sent on
 * decoded, with Content-Length). Undefined when the body cannot be decoded: it then goes on as it
 * came. The body is read as UTF-8 only where it is valid UTF-8 text; binary bodies are matched
 * byte for byte through latin1, so no byte is changed outside a replacement.
 */
export function rewriteResponseBody(
  body: Buffer,
  rawHeaders: readonly string[],
  replacements: readonly BodyReplacement[],
): RewrittenBody | undefined {
  let encoding: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'content-encoding') encoding = rawHeaders[i + 1];
  }
  const decoded = decode(body, encoding);
  if (decoded === undefined) return undefined;
  const asUtf8 = decoded.toString('utf8');
  const textEncoding: BufferEncoding = Buffer.from(asUtf8, 'utf8').equals(decoded) ? 'utf8' : 'latin1';
  let text = textEncoding === 'utf8' ? asUtf8 : decoded.toString('latin1');
  let count = 0;
  for (const { find, replace, regex } of replacements) {
    const pattern = new RegExp(regex ? find : escapeRegExp(find), 'g');
    count += text.match(pattern)?.length ?? 0;
    // A regex replacement may use $1...; a plain one is taken literally.
    text = regex ? text.replace(pattern, replace) : text.replace(pattern, () => replace);
  }
  const out = Buffer.from(text, textEncoding);
  const headers: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i]!.toLowerCase();
    if (lower === 'content-encoding' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    headers.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  headers.push('Content-Length', String(out.length));
  return { body: out, rawHeaders: headers, replacements: count };
}
