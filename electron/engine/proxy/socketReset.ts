import type net from 'node:net';

/** Closes with a TCP RST so the peer sees "connection reset", as it would from the other side. */
export function resetSocket(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function') {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP handle (e.g. a test double): fall back to a plain close.
    }
  }
  socket.destroy();
}
