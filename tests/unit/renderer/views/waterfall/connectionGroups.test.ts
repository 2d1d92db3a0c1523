import { describe, expect, it } from 'vitest';
import { connectionKey, groupByConnection } from '@renderer/views/waterfall/connectionGroups';
import { makeExchange } from '@fixtures/exchangeFactory';

describe('groupByConnection', () => {
  it('puts the streams of one connection together, where its first exchange is', () => {
    const s1 = makeExchange({ http2: { clientConnectionId: 'k1', clientStreamId: 1 } });
    const plain = makeExchange({ connection: { id: '', reused: false } });
    const h1 = makeExchange({ connection: { id: 'c9', reused: false } });
    const s3 = makeExchange({ http2: { clientConnectionId: 'k1', clientStreamId: 3 } });
    const h1again = makeExchange({ connection: { id: 'c9', reused: true } });
    const ids = [s1, plain, h1, s3, h1again].map((e) => e.id);
    const byId = new Map([s1, plain, h1, s3, h1again].map((e) => [e.id, e]));
    const rows = groupByConnection(ids, byId);
    expect(rows.ids).toEqual([s1.id, s3.id, plain.id, h1.id, h1again.id]);
    expect(rows.groupStarts).toEqual([true, false, true, true, false]);
    expect(rows.keys).toEqual(['client k1', 'client k1', undefined, 'upstream c9', 'upstream c9']);
    expect(rows.streamIds).toEqual([1, 3, undefined, undefined, undefined]);
  });

  it('an upstream HTTP/2 stream of an HTTP/1.1 client groups by its upstream session', () => {
    const e = makeExchange({ connection: { id: 'u2', reused: true }, http2: { upstreamStreamId: 5 } });
    expect(connectionKey(e)).toBe('upstream u2');
    expect(groupByConnection([e.id], new Map([[e.id, e]])).streamIds).toEqual([5]);
  });
});
