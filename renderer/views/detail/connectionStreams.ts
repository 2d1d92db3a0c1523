import type { Exchange } from '../../../shared/model';

export interface StreamRow {
  exchange: Exchange;
  streamId: number | undefined;
}

export interface ConnectionStreams {
  /** The connection's id (`k3` for a client connection, the upstream connection's id). */
  id: string;
  rows: StreamRow[];
  /** The first stream's start: rows show their start relative to it. */
  firstStartedAtMs: number;
}

function group(
  id: string,
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
  streamOf: (exchange: Exchange) => number | undefined,
  belongs: (exchange: Exchange) => boolean,
): ConnectionStreams {
  const rows: StreamRow[] = [];
  for (const exchangeId of ids) {
    const exchange = byId.get(exchangeId);
    if (exchange && belongs(exchange)) rows.push({ exchange, streamId: streamOf(exchange) });
  }
  // Stream ids rise in the order a connection opens them (RFC 9113 §5.1.1); a `PRI` record has none.
  rows.sort(
    (a, b) => (a.streamId ?? -1) - (b.streamId ?? -1) || a.exchange.startedAtMs - b.exchange.startedAtMs,
  );
  const firstStartedAtMs = rows.reduce((min, row) => Math.min(min, row.exchange.startedAtMs), Infinity);
  return { id, rows, firstStartedAtMs };
}

/**
 * The HTTP/2 streams that shared a connection with `exchange`: those of the client's connection
 * to NetLens (same `http2.clientConnectionId`) and those of the upstream connection (same
 * `connection.id`, carried as HTTP/2 streams). Scans the list once per side.
 */
export function connectionStreams(
  exchange: Exchange,
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
): { client?: ConnectionStreams; upstream?: ConnectionStreams } {
  const out: { client?: ConnectionStreams; upstream?: ConnectionStreams } = {};
  const clientId = exchange.http2?.clientConnectionId;
  if (clientId !== undefined)
    out.client = group(
      clientId,
      ids,
      byId,
      (e) => e.http2?.clientStreamId,
      (e) => e.http2?.clientConnectionId === clientId,
    );
  const upstreamId = exchange.http2?.upstreamStreamId !== undefined ? exchange.connection.id : undefined;
  if (upstreamId)
    out.upstream = group(
      upstreamId,
      ids,
      byId,
      (e) => e.http2?.upstreamStreamId,
      (e) => e.connection.id === upstreamId && e.http2?.upstreamStreamId !== undefined,
    );
  return out;
}
