/**
 * gRPC's message framing (gRPC over HTTP/2, "Length-Prefixed-Message"): each message is a 1-byte
 * flag (bit 0: compressed), a 4-byte big-endian length, and the message. gRPC-Web (the
 * PROTOCOL-WEB spec) uses the same frames and adds one whose flag has bit 7 set: the trailers,
 * as HTTP/1.1-style header lines; `-text` bodies are the same bytes in base64. Pure: shared by
 * the engine (counting as bodies stream) and the UI.
 */

export interface GrpcFrame {
  /** Bit 0: the message is compressed with the call's grpc-encoding. */
  compressed: boolean;
  /** A gRPC-Web trailers frame (flag bit 7). */
  trailers: boolean;
  /** The declared length. */
  length: number;
  /** The payload; shorter than `length` when the body was cut (captured only in part). */
  payload: Uint8Array;
}

export interface SplitResult {
  frames: GrpcFrame[];
  /** Bytes after the last whole frame header that do not make a frame (a cut capture). */
  leftoverBytes: number;
}

/** Splits a (captured) body into its frames. The last frame may be cut short when the body was. */
export function splitGrpcFrames(body: Uint8Array): SplitResult {
  const frames: GrpcFrame[] = [];
  let offset = 0;
  while (offset + 5 <= body.length) {
    const flag = body[offset]!;
    const length =
      ((body[offset + 1]! << 24) >>> 0) +
      (body[offset + 2]! << 16) +
      (body[offset + 3]! << 8) +
      body[offset + 4]!;
    const start = offset + 5;
    const end = Math.min(body.length, start + length);
    frames.push({
      compressed: (flag & 0x01) !== 0,
      trailers: (flag & 0x80) !== 0,
      length,
      payload: body.subarray(start, end),
    });
    offset = start + length;
  }
  return { frames, leftoverBytes: offset > body.length ? 0 : body.length - offset };
}

/** gRPC-Web's trailers frame: `name: value` lines separated by CRLF. */
export function parseGrpcWebTrailers(payload: Uint8Array): { name: string; value: string }[] {
  const text = new TextDecoder('utf-8').decode(payload);
  const fields: { name: string; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = (() => {
  const table = new Int16Array(256).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i += 1) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  // URL-safe variants decode too.
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

/**
 * A `grpc-web-text` body to bytes. The body may be several base64 runs one after the other (each
 * message encoded on its own, padding and all), so it is decoded in groups of four characters,
 * skipping padding and whitespace.
 */
export function decodeGrpcWebText(text: Uint8Array | string): Uint8Array {
  const source = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const out = new Uint8Array(Math.floor((source.length * 3) / 4) + 3);
  let length = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i]!;
    if (c === 0x3d) {
      // '=': the end of one run; drop its partial bits.
      buffer = 0;
      bits = 0;
      continue;
    }
    const value = BASE64_VALUES[c]!;
    if (value < 0) continue;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, length);
}
