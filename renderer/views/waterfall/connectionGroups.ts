import type { Exchange } from '../../../shared/model';

export interface ConnectionRows {
  /** Row ids, those of one connection together. */
  ids: string[];
  /** Per row: its connection's key, undefined for an exchange that had no connection of its own. */
  keys: (string | undefined)[];
  /** Per row: the first row of its connection. */
  groupStarts: boolean[];
  /** Per row: the HTTP/2 stream id, when it was one. */
  streamIds: (number | undefined)[];
}

/**
 * The connection an exchange's row is grouped under: the client's HTTP/2 connection to NetLens
 * when it spoke HTTP/2 (its streams are what the user's client multiplexed), else the upstream
 * connection (keep-alive reuse, or an upstream HTTP/2 session).
 */
export function connectionKey(exchange: Exchange): string | undefined {
  if (exchange.http2?.clientConnectionId !== undefined) return `client ${exchange.http2.clientConnectionId}`;
  return exchange.connection.id ? `upstream ${exchange.connection.id}` : undefined;
}

function streamIdOf(exchange: Exchange): number | undefined {
  return exchange.http2?.clientStreamId ?? exchange.http2?.upstreamStreamId;
}

/**
 * Orders rows by connection: each connection where its first exchange is (in the given order),
 * its other exchanges right after it in their order. Linear in the rows.
 */
export function groupByConnection(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
): ConnectionRows {
  const groups = new Map<string, string[]>();
  const order: (string | { single: string })[] = [];
  for (const id of ids) {
    const exchange = byId.get(id);
    const key = exchange ? connectionKey(exchange) : undefined;
    if (key === undefined) {
      order.push({ single: id });
      continue;
    }
    let group = groups.get(key);
    if (!group) {
      groups.set(key, (group = []));
      order.push(key);
    }
    group.push(id);
  }
  const out: ConnectionRows = { ids: [], keys: [], groupStarts: [], streamIds: [] };
  for (const entry of order) {
    const members = typeof entry === 'string' ? groups.get(entry)! : [entry.single];
    members.forEach((id, index) => {
      out.ids.push(id);
      out.keys.push(typeof entry === 'string' ? entry : undefined);
      out.groupStarts.push(index === 0);
      const exchange = byId.get(id);
      out.streamIds.push(exchange ? streamIdOf(exchange) : undefined);
    });
  }
  return out;
}

/** A stable colour per connection key, for its lane marker. */
export function connectionHue(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  // Spread by the golden angle, so keys that hash close get distinct colours.
  return Math.round(Math.abs(hash) * 137.508) % 360;
}
