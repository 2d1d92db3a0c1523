import { describe, expect, it } from 'vitest';
import { createRetryTracker } from '@engine/analysis/retryTracker.js';
import type { ExchangeStoreView } from '@engine/capture/exchangeStoreView.js';
import type { BodyPayload, Exchange } from '@shared/model.js';
import { summarizeExchange } from '@shared/exchangeSummary.js';
import { body, headers, makeExchange } from '@fixtures/exchangeFactory.js';

/** A store view over a Map, recording every update like the engine's store would emit. */
function memoryStore(bodies = new Map<string, Buffer>()) {
  const byId = new Map<string, Exchange>();
  const updates: { id: string; patch: Partial<Exchange> }[] = [];
  const store: ExchangeStoreView = {
    list: () => [...byId.values()],
    iterate: () => [...byId.values()],
    summaries: () => [...byId.values()].map(summarizeExchange),
    has: (id) => byId.has(id),
    get: (id) => byId.get(id),
    async body(id, side): Promise<BodyPayload | null> {
      const bytes = side === 'request' ? bodies.get(id) : undefined;
      if (!bytes) return null;
      return { base64: bytes.toString('base64'), decoded: false, truncated: false, sizeBytes: bytes.length };
    },
    update(id, patch) {
      const existing = byId.get(id);
      if (!existing) return undefined;
      const next = { ...existing, ...patch };
      byId.set(id, next);
      updates.push({ id, patch });
      return next;
    },
    clear: () => byId.clear(),
    get size() {
      return byId.size;
    },
  };
  return { store, byId, updates, bodies };
}

const T0 = 1_750_000_000_000;

function post(
  startedAtMs: number,
  status: number,
  payload: string,
  bodies: Map<string, Buffer>,
  extra: Partial<Exchange> = {},
) {
  const exchange = makeExchange({
    method: 'PUT',
    url: 'http://127.0.0.1:9000/api/items/7',
    status,
    startedAtMs,
    durationMs: 10,
    request: { body: body(payload.length, 'application/json') },
    connection: {
      id: `c${startedAtMs}`,
      reused: false,
      clientAddress: '127.0.0.1',
      clientPort: startedAtMs % 60_000,
    },
    ...extra,
  });
  bodies.set(exchange.id, Buffer.from(payload));
  return exchange;
}

/** A PUT of the fixture's shape, sent by a client with this User-Agent. */
function requestOf(userAgent: string): Exchange['request'] {
  return {
    method: 'PUT',
    url: 'http://127.0.0.1:9000/api/items/7',
    httpVersion: 'HTTP/1.1',
    headers: headers({ Host: '127.0.0.1:9000', 'User-Agent': userAgent }),
    body: body(2, 'application/json'),
  };
}

describe('createRetryTracker', () => {
  it('sets retry {chainId, attempt} on every attempt through store.update', async () => {
    const { store, byId, updates, bodies } = memoryStore();
    const tracker = createRetryTracker(store);
    const attempts = [
      post(T0, 503, '{"n":1}', bodies),
      post(T0 + 110, 503, '{"n":1}', bodies),
      post(T0 + 320, 200, '{"n":1}', bodies),
    ];
    for (const exchange of attempts) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    const chainId = `chain-${attempts[0]!.id}`;
    expect(attempts.map((e) => byId.get(e.id)!.retry)).toEqual([
      { chainId, attempt: 1 },
      { chainId, attempt: 2 },
      { chainId, attempt: 3 },
    ]);
    expect(updates.filter((u) => u.patch.retry).length).toBe(3);
    const chains = tracker.chains();
    expect(chains).toHaveLength(1);
    expect(chains[0]).toMatchObject({ chainId, outcome: 'succeeded', method: 'PUT' });
  });

  it('hashes request bodies: a different body is not a retry', async () => {
    const { store, byId, bodies } = memoryStore();
    const tracker = createRetryTracker(store);
    const first = post(T0, 503, '{"n":1}', bodies);
    const second = post(T0 + 100, 200, '{"n":2}', bodies);
    for (const exchange of [first, second]) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    expect(tracker.chains()).toEqual([]);
    expect(byId.get(first.id)!.retry).toBeUndefined();
  });

  it('tags the trace id', async () => {
    const { store, byId } = memoryStore();
    const tracker = createRetryTracker(store);
    const exchange = makeExchange({
      requestHeaders: headers({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
    });
    byId.set(exchange.id, exchange);
    tracker.observe(exchange);
    await tracker.settled();
    expect(byId.get(exchange.id)!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('forgets chains whose exchanges were cleared, and keeps working when a body read fails', async () => {
    const { store, byId, bodies } = memoryStore();
    store.body = async () => {
      throw new Error('spill file gone');
    };
    const tracker = createRetryTracker(store);
    const attempts = [post(T0, 503, '{}', bodies), post(T0 + 100, 200, '{}', bodies)];
    for (const exchange of attempts) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    // Without bodies the sizes still match: grouped on method, URL and size.
    expect(tracker.chains()).toHaveLength(1);
    store.clear();
    expect(tracker.chains()).toEqual([]);
  });

  it('reads no body for successes that cannot join a chain, and still chains a retry after a failure', async () => {
    const { store, byId, bodies } = memoryStore();
    const reads: string[] = [];
    const read = store.body.bind(store);
    store.body = async (id, side, decoded) => {
      reads.push(id);
      return read(id, side, decoded);
    };
    const tracker = createRetryTracker(store);
    const successes = [post(T0, 200, '{"a":1}', bodies), post(T0 + 50, 201, '{"a":1}', bodies)];
    for (const exchange of successes) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    expect(reads).toEqual([]);
    const failed = post(T0 + 100, 503, '{"a":1}', bodies);
    const retried = post(T0 + 300, 200, '{"a":1}', bodies);
    for (const exchange of [failed, retried]) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    expect(reads).toEqual([failed.id, retried.id]);
    expect(byId.get(retried.id)!.retry).toEqual({ chainId: `chain-${failed.id}`, attempt: 2 });
  });

  it('does not chain two clients on one URL (curl, then Python requests)', async () => {
    const { store, byId, bodies } = memoryStore();
    const tracker = createRetryTracker(store);
    const curl = post(T0, 503, '{}', bodies, { request: { ...requestOf('curl/8.5.0') } });
    const python = post(T0 + 200, 200, '{}', bodies, { request: { ...requestOf('python-requests/2.31.0') } });
    for (const exchange of [curl, python]) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    expect(tracker.chains()).toEqual([]);
    expect(byId.get(python.id)!.retry).toBeUndefined();
  });

  it('knows the poll schedule from successes it skipped: the poll after a failed one is no retry', async () => {
    const { store, byId, bodies } = memoryStore();
    const tracker = createRetryTracker(store);
    const polls = [200, 200, 200, 503, 200].map((status, i) => post(T0 + i * 1000, status, '{}', bodies));
    for (const exchange of polls) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    expect(tracker.chains()).toEqual([]);
    expect(polls.map((e) => byId.get(e.id)!.retry)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('does not chain a success that comes after the window of the last failure', async () => {
    const { store, byId, bodies } = memoryStore();
    const tracker = createRetryTracker(store, { windowMs: 1000 });
    const failed = post(T0, 503, '{}', bodies);
    const late = post(T0 + 5000, 200, '{}', bodies);
    for (const exchange of [failed, late]) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    expect(tracker.chains()).toEqual([]);
    expect(byId.get(late.id)!.retry).toBeUndefined();
  });

  it('reports each chain when it forms and when it grows, after its attempts are tagged', async () => {
    const { store, byId, bodies } = memoryStore();
    const reported: { attempts: number; tagged: boolean }[] = [];
    const tracker = createRetryTracker(store, {
      onChain: (chain) =>
        reported.push({
          attempts: chain.attempts.length,
          tagged: chain.exchangeIds.every((id) => byId.get(id)?.retry?.chainId === chain.chainId),
        }),
    });
    const attempts = [
      post(T0, 503, '{}', bodies),
      post(T0 + 100, 503, '{}', bodies),
      post(T0 + 300, 200, '{}', bodies),
    ];
    for (const exchange of attempts) {
      byId.set(exchange.id, exchange);
      tracker.observe(exchange);
    }
    await tracker.settled();
    // The first failure alone is no chain yet: the chain forms with the second attempt.
    expect(reported).toEqual([
      { attempts: 2, tagged: true },
      { attempts: 3, tagged: true },
    ]);
  });
});
