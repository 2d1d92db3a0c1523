import { describe, expect, it } from 'vitest';
import { bucketWidthMs, computeStatistics, endpointPath, filterForSeries } from '@shared/statistics.js';
import { body, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';
import { percentile } from '@shared/percentile.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('bucketWidthMs', () => {
  it('rounds to readable steps', () => {
    expect(bucketWidthMs(0, 60)).toBe(1000);
    expect(bucketWidthMs(60_000, 60)).toBe(1000);
    expect(bucketWidthMs(10 * 60_000, 60)).toBe(10_000);
    expect(bucketWidthMs(3 * 3_600_000, 60)).toBe(300_000);
  });
});

describe('endpointPath', () => {
  it('folds ids into :id', () => {
    expect(endpointPath('/users/123/orders/9f1c2d3e-1111-2222-3333-444455556666')).toBe(
      '/users/:id/orders/:id',
    );
    expect(endpointPath('/v1/blobs/0123456789abcdef0123')).toBe('/v1/blobs/:id');
    expect(endpointPath('/v1/users/me')).toBe('/v1/users/me');
  });

  it('takes a path segment of megabytes (an imported HAR entry) for an id, without overflowing the stack', () => {
    // A /^[0-9a-f]{16,}$/ over 6 MB throws "RangeError: Maximum call stack size exceeded" in V8.
    for (const segment of ['a'.repeat(6_000_000), 'ab12'.repeat(1_500_000), `${'x'.repeat(6e6)}!`])
      expect(endpointPath(`/files/${segment}/meta`)).toBe('/files/:id/meta');
  });
});

describe('computeStatistics on hostile entries', () => {
  it('summarises a session holding a 6 MB path segment and a huge error message', () => {
    const huge = 'a1'.repeat(3_000_000);
    const stats = computeStatistics([
      makeExchange({ url: `http://a.test/blob/${huge}`, startedAtMs: T0, durationMs: 5 }),
      makeExchange({ url: `${'h'.repeat(300_000)}:443`, kind: 'tunnel', startedAtMs: T0 + 1, durationMs: 5 }),
      makeFailedExchange(
        { message: `Failed ${'9'.repeat(5_000_000)} ms` },
        { url: `http://b.test/${huge}`, startedAtMs: T0 + 2 },
      ),
    ]);
    expect(stats.total).toBe(2);
    expect(stats.slowestEndpoints.map((e) => `${e.host}${e.path}`)).toContain('a.test/blob/:id');
    expect(stats.topErrors).toHaveLength(1);
  });
});

describe('computeStatistics', () => {
  const exchanges = [
    makeExchange({
      url: 'http://a.test/users/1',
      startedAtMs: T0,
      durationMs: 100,
      timings: { wait: 80, receive: 20 },
    }),
    makeExchange({
      url: 'http://a.test/users/2',
      startedAtMs: T0 + 500,
      durationMs: 300,
      timings: { wait: 280, receive: 20 },
    }),
    makeExchange({
      url: 'http://a.test/users/3',
      startedAtMs: T0 + 1500,
      status: 503,
      durationMs: 50,
      timings: { wait: 50 },
    }),
    makeExchange({
      url: 'http://b.test/big',
      startedAtMs: T0 + 2500,
      status: 404,
      durationMs: 20,
      response: { body: body(5000, 'text/html') },
    }),
    makeFailedExchange(
      { class: 'connect_refused', message: 'Failed to connect to c.test:443 after 3 ms.' },
      { url: 'https://c.test/x', startedAtMs: T0 + 2600, durationMs: 3 },
    ),
    makeFailedExchange(
      { class: 'connect_refused', message: 'Failed to connect to c.test:443 after 5 ms.' },
      { url: 'https://c.test/x', startedAtMs: T0 + 2700, durationMs: 5 },
    ),
  ];
  const stats = computeStatistics(exchanges);

  it('counts requests and errors per bucket, errors stacked by class', () => {
    expect(stats.total).toBe(6);
    expect(stats.failed).toBe(4);
    expect(stats.bucketMs).toBe(1000);
    expect(stats.buckets.map((b) => [b.requests, b.ok, b.errors])).toEqual([
      [2, 2, {}],
      [1, 0, { '5xx': 1 }],
      [3, 0, { '4xx': 1, connect_refused: 2 }],
    ]);
    expect(stats.errorSeries).toEqual(['connect_refused', '5xx', '4xx']);
  });

  it('latency percentiles per host, split by phase', () => {
    const a = stats.latencyByHost.find((h) => h.host === 'a.test')!;
    expect(a.count).toBe(3);
    expect(a.total).toEqual({ p50: 100, p95: 300, p99: 300 });
    expect(a.phases.wait).toEqual({ p50: 80, p95: 280, p99: 280 });
    expect(a.phases.receive).toEqual({ p50: 20, p95: 20, p99: 20 });
    expect(stats.latencyByHost[0]!.host).toBe('a.test');
  });

  it('status code distribution', () => {
    expect(stats.statusCodes).toEqual([
      { status: '200', statusClass: '2xx', count: 2 },
      { status: '404', statusClass: '4xx', count: 1 },
      { status: '503', statusClass: '5xx', count: 1 },
      { status: 'error', statusClass: 'error', count: 2 },
    ]);
  });

  it('slowest endpoints with ids folded, largest responses', () => {
    expect(stats.slowestEndpoints[0]).toMatchObject({
      method: 'GET',
      host: 'a.test',
      path: '/users/:id',
      count: 3,
      p95Ms: 300,
      maxMs: 300,
    });
    expect(stats.slowestEndpoints[0]!.slowestId).toBe(exchanges[1]!.id);
    expect(stats.largestResponses[0]).toMatchObject({
      id: exchanges[3]!.id,
      sizeBytes: 5000,
      contentType: 'text/html',
    });
  });

  it('top error messages group messages that differ only in numbers', () => {
    expect(stats.topErrors[0]).toMatchObject({
      kind: 'error',
      errorClass: 'connect_refused',
      count: 2,
      hosts: ['c.test'],
    });
    expect(stats.topErrors.map((e) => e.message)).toContain('HTTP 503 OK');
  });

  it('an empty session', () => {
    const empty = computeStatistics([]);
    expect(empty).toMatchObject({ total: 0, failed: 0, buckets: [], latencyByHost: [], topErrors: [] });
  });

  // It proves stack safety, not speed: the time limit only stops a hang, even on a loaded machine.
  it('handles a large session without overflowing the stack', { timeout: 60_000 }, () => {
    const many = Array.from({ length: 150_000 }, (_, i) =>
      makeExchange({ startedAtMs: T0 + i * 10, durationMs: i % 100 }),
    );
    const big = computeStatistics(many);
    expect(big.total).toBe(150_000);
    expect(big.buckets.reduce((n, b) => n + b.requests, 0)).toBe(150_000);
  });
});

describe('filterForSeries', () => {
  it('maps chart series to the filter language', () => {
    expect(filterForSeries('5xx')).toBe('status:5xx');
    expect(filterForSeries('connect_refused')).toBe('error:connect_refused');
    expect(filterForSeries('injected: connection_reset')).toBe('injected:connection_reset');
  });
});

describe('injected failures', () => {
  it('are counted under the class they imitate, apart from real failures of that class', () => {
    const injected = (detail: string, i: number) =>
      makeFailedExchange(
        {
          class: 'injected_fault',
          phase: 'wait',
          detail,
          message: `NetLens rule "Flaky" failed the request on purpose (${detail}).`,
        },
        { startedAtMs: T0 + i },
      );
    const stats = computeStatistics([
      injected('connection_reset', 0),
      injected('connection_reset', 1),
      injected('connect_refused', 2),
      makeFailedExchange(
        { class: 'connection_reset', phase: 'wait', message: 'reset' },
        { startedAtMs: T0 + 3 },
      ),
      // A toxic's failure names no class it imitates: it stays injected_fault.
      injected('reset_peer toxic', 4),
    ]);
    expect(stats.errorSeries).toEqual([
      'injected: connection_reset',
      'injected: connect_refused',
      'connection_reset',
      'injected_fault',
    ]);
    expect(stats.buckets[0]!.errors['injected: connection_reset']).toBe(2);
    expect(stats.topErrors.map((e) => [e.errorClass, e.count])).toEqual([
      ['injected: connection_reset', 2],
      ['injected: connect_refused', 1],
      ['connection_reset', 1],
      ['injected_fault', 1],
    ]);
  });
});

describe('endpointPath folds a route’s ids and keeps its words', () => {
  it.each([
    ['/users/42', '/users/:id'],
    ['/users/42/orders/7', '/users/:id/orders/:id'],
    ['/items/9F1C2D3E-1111-2222-3333-444455556666', '/items/:id'],
    ['/commits/a1b2c3d', '/commits/:id'],
    ['/objects/507f1f77bcf86cd799439011', '/objects/:id'],
    ['/v1/customers/cus_J4x9kL2mN8/charges', '/v1/customers/:id/charges'],
    ['/orders/ord-000123', '/orders/:id'],
    ['/s/eyJhbGciOiJIUzI1NiJ9', '/s/:id'],
    ['/reset/Zm9vYmFyYmF6cXV4MTIz', '/reset/:id'],
    ['/people/ada@example.com', '/people/:id'],
  ])('%s → %s', (path, route) => {
    expect(endpointPath(path)).toBe(route);
  });

  it.each([
    '/v1/users/me',
    '/api/v2/oauth2/authorize',
    '/oauth2-authorize-callback',
    '/static/app.js',
    '/feed/latest',
    '/deadbeef',
    '/',
  ])('%s stays as it is', (path) => {
    expect(endpointPath(path)).toBe(path);
  });
});

describe('StatisticsAccumulator', () => {
  it('added one by one, with pending ones counted at the end, equals computeStatistics of the set', async () => {
    const { StatisticsAccumulator } = await import('@shared/statistics.js');
    const set = [
      ...Array.from({ length: 300 }, (_, i) =>
        makeExchange({
          url: `http://a.test/users/${i}`,
          startedAtMs: T0 + i * 37,
          durationMs: 5 + ((i * 7919) % 200),
          status: i % 13 === 0 ? 502 : 200,
          timings: { wait: 3 + (i % 50) },
          response: { body: body(i * 10, 'application/json') },
        }),
      ),
      makeFailedExchange(
        { class: 'connect_refused', message: 'Failed to connect after 4 ms.' },
        {
          url: 'http://b.test/x',
          startedAtMs: T0 + 20_000,
        },
      ),
      makeExchange({ url: 'http://a.test/users/9999', startedAtMs: T0 + 25_000, state: 'pending' }),
    ];
    const accumulator = new StatisticsAccumulator();
    for (const exchange of set) if (exchange.state !== 'pending') accumulator.add(exchange);
    const pending = set.filter((e) => e.state === 'pending');
    expect(accumulator.size).toBe(301);
    const incremental = accumulator.result(pending);
    expect(incremental).toEqual(computeStatistics(set));
    expect(incremental.total).toBe(302);
    // 300 URLs, one route: its n is all of them.
    expect(incremental.slowestEndpoints[0]).toMatchObject({ path: '/users/:id', count: 300 });
    // Adding more later changes the result as computing it afresh would.
    const later = makeExchange({ url: 'http://a.test/users/5', startedAtMs: T0 + 30_000, durationMs: 999 });
    accumulator.add(later);
    expect(accumulator.result(pending)).toEqual(computeStatistics([...set, later]));
  });
});

describe('percentiles and slowest endpoints at scale', () => {
  // A small deterministic generator: the same "random" durations on every run.
  const durations = (count: number, seed: number) => {
    let x = seed;
    return Array.from({ length: count }, () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return (x % 5000) / 10;
    });
  };

  it('gives the nearest-rank p50/p95/p99 a full sort gives, with many equal values', () => {
    for (const count of [1, 2, 3, 20, 101, 5000]) {
      const values = durations(count, count).map((v) => (count > 100 ? Math.round(v / 50) : v));
      const stats = computeStatistics(
        values.map((durationMs, i) =>
          makeExchange({ url: `http://p.test/r/${i}`, startedAtMs: T0 + i, durationMs }),
        ),
      );
      const host = stats.latencyByHost.find((h) => h.host === 'p.test')!;
      expect(host.total).toEqual({
        p50: percentile(values, 50),
        p95: percentile(values, 95),
        p99: percentile(values, 99),
      });
    }
  });

  it('keeps the slowest endpoints among thousands of distinct ones, ties in the order first seen', () => {
    const values = durations(3000, 7);
    const exchanges = values.map((durationMs, i) =>
      makeExchange({ url: `http://e.test/page${i}x`, startedAtMs: T0 + i, durationMs }),
    );
    const stats = computeStatistics(exchanges);
    const expected = values
      .map((ms, i) => ({ ms, path: `/page${i}x` }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
    expect(stats.slowestEndpoints.map((e) => [e.path, e.p95Ms, e.maxMs, e.count])).toEqual(
      expected.map((e) => [e.path, e.ms, e.ms, 1]),
    );
  });
});
