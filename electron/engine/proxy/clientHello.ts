/**
 * Looks at the first bytes a client sends inside a CONNECT tunnel to decide what it speaks,
 * and reads the SNI from a TLS ClientHello (RFC 8446 §4.1.2, RFC 6066 §3) without consuming
 * anything: the bytes are handed back to the socket afterwards.
 */
export type TunnelSniff =
  | { kind: 'need_more' }
  | { kind: 'tls'; serverName?: string }
  | { kind: 'http' }
  /** HTTP/2 with prior knowledge (h2c): the connection preface, RFC 9113 §3.4. */
  | { kind: 'h2c' }
  | { kind: 'other' };

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** A ClientHello larger than this is not worth waiting for: decide with what we have. */
export const MAX_SNIFF_BYTES = 16 * 1024 + 5;

const TLS_HANDSHAKE_RECORD = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME_EXTENSION = 0x0000;

export function sniffTunnel(data: Buffer): TunnelSniff {
  if (data.length === 0) return { kind: 'need_more' };
  if (data[0] === TLS_HANDSHAKE_RECORD) return sniffTls(data);
  return sniffHttp(data);
}

function sniffHttp(data: Buffer): TunnelSniff {
  if (data[0] === 0x50) {
    const length = Math.min(data.length, PREFACE.length);
    if (data.subarray(0, length).equals(PREFACE.subarray(0, length))) {
      return length === PREFACE.length ? { kind: 'h2c' } : { kind: 'need_more' };
    }
  }
  // An HTTP/1.x request starts with a method token (RFC 9110 §9: tokens; in practice upper case).
  const limit = Math.min(data.length, 24);
  for (let i = 0; i < limit; i += 1) {
    const byte = data[i]!;
    if (byte === 0x20) return i > 0 ? { kind: 'http' } : { kind: 'other' };
    const upper = byte >= 0x41 && byte <= 0x5a;
    const extra = byte === 0x2d || byte === 0x5f; // '-' '_' appear in extension methods
    if (!upper && !extra) return { kind: 'other' };
  }
  return data.length >= 24 ? { kind: 'other' } : { kind: 'need_more' };
}

function sniffTls(data: Buffer): TunnelSniff {
  if (data.length < 5)
    return data.length >= 2 && data[1] !== 0x03 ? { kind: 'other' } : { kind: 'need_more' };
  if (data[1] !== 0x03) return { kind: 'other' };
  const recordLength = data.readUInt16BE(3);
  const record = data.subarray(5, 5 + recordLength);
  if (record.length < recordLength && data.length < MAX_SNIFF_BYTES) return { kind: 'need_more' };
  if (record.length < 4 || record[0] !== CLIENT_HELLO) return { kind: 'tls' };
  const serverName = readServerName(record.subarray(4));
  return serverName === undefined ? { kind: 'tls' } : { kind: 'tls', serverName };
}

/** Reads the host_name entry of the server_name extension from a ClientHello body; undefined when absent or cut. */
export function readServerName(hello: Buffer): string | undefined {
  let offset = 2 + 32; // legacy_version, random
  if (offset + 1 > hello.length) return undefined;
  offset += 1 + hello[offset]!; // legacy_session_id
  if (offset + 2 > hello.length) return undefined;
  offset += 2 + hello.readUInt16BE(offset); // cipher_suites
  if (offset + 1 > hello.length) return undefined;
  offset += 1 + hello[offset]!; // legacy_compression_methods
  if (offset + 2 > hello.length) return undefined;
  const extensionsEnd = Math.min(hello.length, offset + 2 + hello.readUInt16BE(offset));
  offset += 2;
  while (offset + 4 <= extensionsEnd) {
    const type = hello.readUInt16BE(offset);
    const length = hello.readUInt16BE(offset + 2);
    const body = hello.subarray(offset + 4, Math.min(offset + 4 + length, extensionsEnd));
    offset += 4 + length;
    if (type !== SERVER_NAME_EXTENSION) continue;
    // ServerNameList: u16 length, then entries of (u8 type, u16 length, name); type 0 is host_name.
    let entry = 2;
    while (entry + 3 <= body.length) {
      const nameType = body[entry]!;
      const nameLength = body.readUInt16BE(entry + 1);
      const name = body.subarray(entry + 3, entry + 3 + nameLength);
      if (nameType === 0 && name.length === nameLength) return name.toString('ascii');
      entry += 3 + nameLength;
    }
    return undefined;
  }
  return undefined;
}
