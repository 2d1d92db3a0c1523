import type { Exchange } from '../../../shared/model';
import { urlParts } from '../../../shared/filter';

/** A completed exchange with a 1xx–3xx response and no error. */
export function isSuccessful(exchange: Exchange): boolean {
  return (
    exchange.state === 'complete' &&
    exchange.error === undefined &&
    exchange.response !== undefined &&
    exchange.response.status < 400
  );
}

/**
 * The latest successful exchange with the same method, host and path (query ignored) that started
 * before `failed` — or, when none did, the latest after it: the one to diff a failure against.
 */
export function findLastSuccess(
  failed: Exchange,
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
): Exchange | undefined {
  const target = urlParts(failed);
  const targetPath = target.path.split('?')[0];
  const method = failed.request.method.toUpperCase();
  let after: Exchange | undefined;
  for (let i = ids.length - 1; i >= 0; i--) {
    const candidate = byId.get(ids[i]!);
    if (!candidate || candidate.id === failed.id || !isSuccessful(candidate)) continue;
    if (candidate.request.method.toUpperCase() !== method) continue;
    const parts = urlParts(candidate);
    if (parts.host !== target.host || parts.path.split('?')[0] !== targetPath) continue;
    if (candidate.seq < failed.seq) return candidate;
    after ??= candidate;
  }
  return after;
}

/** Why a failure has nothing to be compared with (the disabled button's tooltip), or undefined. */
export function compareBlocker(
  failed: Exchange,
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
): string | undefined {
  if (findLastSuccess(failed, ids, byId)) return undefined;
  return `No successful exchange to compare with: no ${failed.request.method} to the same host and path succeeded`;
}
