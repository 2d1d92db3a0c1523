import type net from 'node:net';

/** The client connection preface (RFC 9113 §3.4): what an HTTP/2 client sends first. */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Whether `data` starts with the preface: `true`, `false`, or `undefined` (too short to tell yet). */
export function startsWithPreface(data: Buffer): boolean | undefined {
  const length = Math.min(data.length, HTTP2_PREFACE.length);
  if (data.subarray(0, length).compare(HTTP2_PREFACE, 0, length) !== 0) return false;
  return data.length >= HTTP2_PREFACE.length ? true : undefined;
}

/** What Node's HTTP/1.1 server hangs on a connection it parses (undocumented, stable since Node 12). */
interface ParsedSocket extends net.Socket {
  parser?: { _consumed?: boolean; unconsume?(): void; remove?(): void } | null;
  _handle?: { _consumed?: boolean } | null;
}

/**
 * Takes a connection away from Node's HTTP/1.1 server after its parser stopped at an HTTP/2
 * preface (llhttp's HPE_PAUSED_H2_UPGRADE), so that an HTTP/2 server can read it from the start:
 * the parser lets go of the socket (it reads it natively, bypassing 'data' events) and leaves
 * the server's header-timeout list, the server's listeners go, and the bytes it had read are put
 * back. False when the socket is not in the state this expects (then the caller answers 400).
 */
export function takeOverForHttp2(socket: net.Socket, bytesRead: Buffer): boolean {
  if (socket.destroyed || startsWithPreface(bytesRead) !== true) return false;
  const parsed = socket as ParsedSocket;
  const parser = parsed.parser;
  if (parser) {
    if (parser._consumed && typeof parser.unconsume === 'function') parser.unconsume();
    parser._consumed = false;
    parser.remove?.();
    parsed.parser = null;
  }
  if (parsed._handle) parsed._handle._consumed = false;
  for (const event of ['data', 'end', 'drain', 'timeout', 'error', 'pause', 'resume'])
    socket.removeAllListeners(event);
  socket.on('error', () => undefined);
  socket.setTimeout(0);
  // Paused so that nothing is read before the HTTP/2 session takes the socket over.
  socket.pause();
  socket.unshift(bytesRead);
  return true;
}
