import type { Exchange } from '../../../shared/model';
import { urlParts } from '../../../shared/filter';

/** How many of the newest exchanges are looked at for values (a bound on a keystroke's work). */
const LOOK_AT = 2_000;
const PER_KEY = 20;

/**
 * Values of the filter keys seen in the traffic, most frequent first: hosts (with their port
 * when not the default), methods, sources and error classes. Read when the autocomplete opens,
 * not kept up to date with every exchange.
 */
export function seenFilterValues(exchanges: Iterable<Exchange>): Record<string, string[]> {
  const counts: Record<string, Map<string, number>> = {
    host: new Map(),
    method: new Map(),
    source: new Map(),
    error: new Map(),
  };
  const bump = (key: string, value: string | undefined) => {
    if (!value) return;
    const map = counts[key]!;
    map.set(value, (map.get(value) ?? 0) + 1);
  };
  for (const e of exchanges) {
    bump('host', urlParts(e).hostLabel);
    bump('method', e.request.method);
    bump('source', e.source);
    bump('error', e.error?.class);
  }
  return Object.fromEntries(
    Object.entries(counts).map(([key, map]) => [
      key,
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, PER_KEY)
        .map(([value]) => value),
    ]),
  );
}

/** The newest exchanges of an id list, at most LOOK_AT of them. */
export function* newestExchanges(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
): Iterable<Exchange> {
  for (let i = ids.length - 1; i >= 0 && i >= ids.length - LOOK_AT; i -= 1) {
    const e = byId.get(ids[i]!);
    if (e) yield e;
  }
}
