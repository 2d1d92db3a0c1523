import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodedSize, isDecodableEncoding } from '@engine/capture/bodyDecoder.js';

const text = 'NetLens decodes bodies on demand. '.repeat(50);

describe('decodeBody', () => {
  it('removes gzip, deflate (zlib and raw) and br', async () => {
    for (const [encoding, bytes] of [
      ['gzip', zlib.gzipSync(text)],
      ['x-gzip', zlib.gzipSync(text)],
      ['deflate', zlib.deflateSync(text)],
      ['deflate', zlib.deflateRawSync(text)],
      ['br', zlib.brotliCompressSync(text)],
    ] as const) {
      const result = await decodeBody(bytes, encoding);
      expect(result.decoded, encoding).toBe(true);
      expect(result.bytes.toString()).toBe(text);
    }
  });

  it('removes stacked codings last-applied first (RFC 9110 §8.4)', async () => {
    const bytes = zlib.brotliCompressSync(zlib.gzipSync(text));
    const result = await decodeBody(bytes, 'gzip, br');
    expect(result.bytes.toString()).toBe(text);
  });

  it('returns the raw bytes, decoded: false, for a broken or unknown encoding — never throws', async () => {
    const raw = Buffer.from('not compressed at all');
    expect(await decodeBody(raw, 'gzip')).toEqual({ bytes: raw, decoded: false });
    expect(await decodeBody(raw, 'zstd')).toEqual({ bytes: raw, decoded: false });
    expect(await decodeBody(raw, undefined)).toEqual({ bytes: raw, decoded: false });
  });

  it('decodes a truncated capture as far as it goes when asked for a partial decode', async () => {
    const gz = zlib.gzipSync(Buffer.alloc(200_000, 0x61));
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const partial = await decodeBody(cut, 'gzip', true);
    expect(partial.decoded).toBe(true);
    expect(partial.bytes.length).toBeGreaterThan(0);
    expect(partial.bytes.every((b) => b === 0x61)).toBe(true);
    expect((await decodeBody(cut, 'gzip', false)).decoded).toBe(false);
  });
});

describe('decodedSize', () => {
  it('streams the decoded length without keeping the body', async () => {
    const gz = zlib.gzipSync(text);
    expect(await decodedSize(() => Readable.from([gz]), 'gzip')).toBe(text.length);
    const raw = zlib.deflateRawSync(text);
    expect(await decodedSize(() => Readable.from([raw]), 'deflate')).toBe(text.length);
    expect(await decodedSize(() => Readable.from([Buffer.from('junk')]), 'br')).toBeUndefined();
    expect(await decodedSize(() => Readable.from([gz]), 'identity')).toBeUndefined();
  });

  it('knows which encodings it can remove', () => {
    expect(isDecodableEncoding('gzip')).toBe(true);
    expect(isDecodableEncoding('gzip, br')).toBe(true);
    expect(isDecodableEncoding('zstd')).toBe(false);
    expect(isDecodableEncoding(undefined)).toBe(false);
  });
});
