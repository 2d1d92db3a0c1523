import type http2 from 'node:http2';

/** Streams NetLens itself reset: their RST_STREAM is not the client's (see Http2ClientConnection). */
const resetByNetLens = new WeakSet<http2.Http2Stream>();

/**
 * Sends RST_STREAM with `code` on a stream (RFC 9113 §6.4), and nothing before it. Node's
 * `close(code)` first ends the stream's writable side when it is still open: the peer gets
 * END_STREAM — a complete response, or a complete upload — and ignores the RST_STREAM that
 * follows. A reset NetLens mirrors (a broken upstream) or sends (an abandoned request) must not
 * look like a clean end, so the writable side is marked as ending first and close() sends the
 * RST_STREAM alone.
 */
export function resetStream(stream: http2.Http2Stream, code: number): void {
  if (stream.destroyed || stream.closed) return;
  resetByNetLens.add(stream);
  const writable = (stream as unknown as { _writableState?: { ending: boolean } })._writableState;
  if (writable && !writable.ending) writable.ending = true;
  stream.close(code);
}

export function wasResetByNetLens(stream: http2.Http2Stream): boolean {
  return resetByNetLens.has(stream);
}
