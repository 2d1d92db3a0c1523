import { Writable, type Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

export interface DecodeResult {
  bytes: Buffer;
  /** True when every listed content-coding was removed; false returns the input untouched. */
  decoded: boolean;
}

/** Content codings NetLens can remove (RFC 9110 §8.4.1); `identity` is a no-op. */
export function isDecodableEncoding(contentEncoding: string | undefined): boolean {
  const codings = parseCodings(contentEncoding);
  return codings.length > 0 && codings.every((c) => c === 'identity' || DECODERS[c] !== undefined);
}

const DECODERS: Record<string, ((input: Buffer, partial: boolean) => Promise<Buffer>) | undefined> = {
  gzip: (input, partial) => gunzip(input, partial ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {}),
  'x-gzip': (input, partial) => gunzip(input, partial ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {}),
  // "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2) but some servers send raw deflate.
  deflate: async (input, partial) => {
    const options = partial ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {};
    try {
      return await inflate(input, options);
    } catch {
      return inflateRaw(input, options);
    }
  },
  br: (input, partial) =>
    brotli(input, partial ? { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH } : {}),
};

function parseCodings(contentEncoding: string | undefined): string[] {
  if (!contentEncoding) return [];
  return contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
}

/**
 * Removes the content codings, last applied first (RFC 9110 §8.4). Never throws: a broken or
 * unknown encoding gives the raw bytes back with `decoded: false`. `partial` (a truncated capture)
 * decodes as far as the bytes go instead of failing on the missing end.
 */
export async function decodeBody(
  input: Buffer,
  contentEncoding: string | undefined,
  partial = false,
): Promise<DecodeResult> {
  const codings = parseCodings(contentEncoding).filter((c) => c !== 'identity');
  if (codings.length === 0) return { bytes: input, decoded: false };
  let bytes = input;
  try {
    for (const coding of codings.reverse()) {
      const decoder = DECODERS[coding];
      if (!decoder) return { bytes: input, decoded: false };
      bytes = await decoder(bytes, partial);
    }
    return { bytes, decoded: true };
  } catch {
    return { bytes: input, decoded: false };
  }
}

function decoderStream(coding: string): Transform | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Size of a body once its content codings are removed, counted by streaming (never holding the
 * decoded body). Undefined when it cannot be decoded. Raw deflate (a common server bug) is
 * retried when zlib-wrapped deflate fails.
 */
export async function decodedSize(
  source: () => Readable,
  contentEncoding: string | undefined,
): Promise<number | undefined> {
  const codings = parseCodings(contentEncoding).filter((c) => c !== 'identity');
  if (codings.length === 0) return undefined;
  const attempt = async (rawDeflate: boolean): Promise<number | undefined> => {
    const stages: Transform[] = [];
    for (const coding of [...codings].reverse()) {
      const stage = rawDeflate && coding === 'deflate' ? zlib.createInflateRaw() : decoderStream(coding);
      if (!stage) return undefined;
      stages.push(stage);
    }
    let size = 0;
    const counter = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback();
      },
    });
    await pipeline([source(), ...stages, counter]);
    return size;
  };
  try {
    return await attempt(false);
  } catch {
    if (!codings.includes('deflate')) return undefined;
    try {
      return await attempt(true);
    } catch {
      return undefined;
    }
  }
}
