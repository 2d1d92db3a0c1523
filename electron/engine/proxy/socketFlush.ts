import type net from 'node:net';
import tls from 'node:tls';

/**
 * Whether bytes just handed to `socket.write` are on their way to the peer now — the instant
 * the request's `send` phase ends (see `Timings` in shared/timing.ts). Node's own "written"
 * callback comes later than that: a turn later for plain TCP, and for TLS only from a
 * setImmediate (its write completion is simulated), by which time the response may already have
 * been read — which made `send` swallow the wait.
 *
 * True when the socket did not push back (its buffer stayed under the high-water mark) and:
 * nothing is left in its buffer (plain TCP: the kernel took it all); or it is still connecting
 * (it writes what it holds the moment it connects, which is when the exchange counts it sent);
 * or it is TLS (encrypted and written in the same call; Node reports it done a turn later).
 * False otherwise: the caller waits for Node's callback ('finish').
 */
export function flushedOnHandOver(socket: net.Socket | null | undefined): boolean {
  if (!socket || socket.writableNeedDrain) return false;
  return socket.writableLength === 0 || socket.connecting || socket instanceof tls.TLSSocket;
}
