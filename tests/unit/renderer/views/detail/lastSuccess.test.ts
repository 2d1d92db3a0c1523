import { describe, expect, it } from 'vitest';
import { compareBlocker, findLastSuccess } from '@renderer/views/detail/lastSuccess';
import type { Exchange } from '@shared/model';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory';

function index(exchanges: Exchange[]) {
  return { ids: exchanges.map((e) => e.id), byId: new Map(exchanges.map((e) => [e.id, e])) };
}

describe('findLastSuccess', () => {
  it('finds the latest earlier success with the same method, host and path (query ignored)', () => {
    const older = makeExchange({ url: 'http://api.test/items?page=1' });
    const newer = makeExchange({ url: 'http://api.test/items?page=2' });
    const otherPath = makeExchange({ url: 'http://api.test/other' });
    const post = makeExchange({ method: 'POST', url: 'http://api.test/items' });
    const failed503 = makeExchange({ url: 'http://api.test/items', status: 503 });
    const failed = makeFailedExchange({}, { url: 'http://api.test/items' });
    const { ids, byId } = index([older, newer, otherPath, post, failed503, failed]);
    expect(findLastSuccess(failed, ids, byId)?.id).toBe(newer.id);
  });

  it('falls back to a later success, and returns undefined when there is none', () => {
    const failed = makeFailedExchange({}, { url: 'http://api.test/x' });
    const later = makeExchange({ url: 'http://api.test/x' });
    expect(
      findLastSuccess(failed, ...(Object.values(index([failed, later])) as [string[], Map<string, Exchange>]))
        ?.id,
    ).toBe(later.id);
    const alone = index([failed]);
    expect(findLastSuccess(failed, alone.ids, alone.byId)).toBeUndefined();
  });
});

describe('compareBlocker', () => {
  it('says why there is nothing to compare with, and nothing when there is', () => {
    const failed = makeFailedExchange({}, { method: 'POST', url: 'http://api.test/pay' });
    const alone = index([failed]);
    expect(compareBlocker(failed, alone.ids, alone.byId)).toBe(
      'No successful exchange to compare with: no POST to the same host and path succeeded',
    );
    const ok = makeExchange({ method: 'POST', url: 'http://api.test/pay' });
    const both = index([ok, failed]);
    expect(compareBlocker(failed, both.ids, both.byId)).toBeUndefined();
  });
});
