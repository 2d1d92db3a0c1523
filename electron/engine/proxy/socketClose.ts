import type net from 'node:net';

/** How long a client may go on sending after NetLens answered and closed its side. */
const LINGER_MS = 1000;

/**
 * Sends the last words on a connection (if any) and closes it for good: FIN after the answer,
 * then, if the client has not closed its side within a second, a full close. A proxy server
 * allows half-open connections (a client may half-close after its request), so ending alone
 * would leave a client that keeps sending (a slowloris trickling header lines) holding the
 * connection forever. The client's bytes meanwhile are read and dropped, so that closing does
 * not turn into a reset that could cost the client the answer (the "lingering close" of HTTP
 * servers, RFC 9112 §9.6).
 */
export function closeAfterAnswer(socket: net.Socket, answer?: string | Buffer): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.on('data', discard);
  socket.resume();
  if (answer === undefined) socket.end();
  else socket.end(answer);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function discard(): void {
  // The client's bytes after the answer are not read as a request.
}
