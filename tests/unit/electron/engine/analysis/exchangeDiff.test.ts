import { describe, expect, it } from 'vitest';
import { diffExchanges } from '@engine/analysis/exchangeDiff.js';
import { body, headers, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';
import type { ExchangeOverrides } from '@fixtures/exchangeFactory.js';

function signedPost(overrides: ExchangeOverrides = {}) {
  return makeExchange({
    method: 'POST',
    url: 'https://api.pay.test/v1/charges?account=42&mode=live',
    requestHeaders: headers({
      Host: 'api.pay.test',
      'Content-Type': 'application/json',
      'X-Signature': 'sha256=aa11',
      Accept: '*/*',
    }),
    request: { body: body(30, 'application/json') },
    ...overrides,
  });
}

describe('diffExchanges', () => {
  it('an exchange against itself is the same', () => {
    const exchange = signedPost();
    const bytes = { request: Buffer.from('{"a":1}'), response: Buffer.from('{}') };
    const diff = diffExchanges(exchange, exchange, { left: bytes, right: bytes });
    expect(diff.same).toBe(true);
    expect(diff.summary).toEqual(['No differences.']);
    expect(diff.requestBody.verdict).toBe('identical');
  });

  it('orders the summary by significance: status, error, headers, query, body, timing, IP, TLS', () => {
    const left = signedPost({
      timings: { dns: 1, connect: 2, send: 1, wait: 30, receive: 8 },
      connection: { id: 'c1', reused: false, serverIp: '10.0.0.1', tls: { protocol: 'TLSv1.3', alpn: 'h2' } },
    });
    const right = signedPost({
      url: 'https://api.pay.test/v1/charges?account=43&mode=live&debug=1',
      requestHeaders: headers({
        Host: 'api.pay.test',
        'Content-Type': 'application/json',
        'X-Signature': 'sha256=bb22',
        Accept: '*/*',
        'X-Debug': '1',
      }),
      timings: { dns: 1, connect: 2, send: 1, wait: 900, receive: 8 },
      connection: {
        id: 'c2',
        reused: false,
        serverIp: '10.0.0.2',
        tls: { protocol: 'TLSv1.2', alpn: 'http/1.1' },
      },
      response: { status: 401, statusText: 'Unauthorized' },
    });
    const diff = diffExchanges(left, right, {
      left: { request: Buffer.from('{"amount":1,"to":"x"}'), response: Buffer.from('{}') },
      right: { request: Buffer.from('{"to":"x","amount":1}'), response: Buffer.from('{}') },
    });
    expect(diff.same).toBe(false);
    expect(diff.summary).toEqual([
      'Status: 200 OK → 401 Unauthorized',
      'Request header X-Debug only on the right: 1',
      'Request header X-Signature: sha256=aa11 → sha256=bb22',
      'Query parameter account: 42 → 43',
      'Query parameter debug only on the right: 1',
      expect.stringMatching(/^Request body: same JSON, different key order — bytes first differ at offset 2/),
      'Timing Wait (TTFB): 30 ms → 900 ms',
      'Server IP: 10.0.0.1 → 10.0.0.2',
      'TLS version: TLSv1.3 → TLSv1.2',
      'ALPN: h2 → http/1.1',
    ]);
    expect(diff.timing.find((t) => t.phase === 'Wait (TTFB)')).toEqual({
      phase: 'Wait (TTFB)',
      leftMs: 30,
      rightMs: 900,
      deltaMs: 870,
    });
  });

  it('names the error class of a failed side', () => {
    const ok = makeExchange({ url: 'http://127.0.0.1:8080/api/items' });
    const failed = makeFailedExchange({ class: 'connect_refused', phase: 'connect', message: 'refused' });
    const diff = diffExchanges(ok, failed);
    expect(diff.summary[0]).toBe('Status: 200 OK → no response');
    expect(diff.summary[1]).toBe('Right failed with connect_refused (connect phase): refused');
    expect(diff.error).toMatchObject({ kind: 'added', right: 'connect_refused: refused' });
    // Missing response headers are not listed one by one: the status line says it.
    expect(diff.summary.some((s) => s.startsWith('Response header'))).toBe(false);
  });

  it('splits the URL into scheme, host, port and path', () => {
    const diff = diffExchanges(
      makeExchange({ url: 'https://a.test/v1/items' }),
      makeExchange({ url: 'http://a.test:8443/v2/items' }),
    );
    expect(diff.url.parts).toEqual([
      { name: 'scheme', kind: 'changed', left: 'https', right: 'http' },
      { name: 'host', kind: 'same', left: 'a.test', right: 'a.test' },
      { name: 'port', kind: 'changed', left: '443', right: '8443' },
      { name: 'path', kind: 'changed', left: '/v1/items', right: '/v2/items' },
    ]);
    expect(diff.summary).toContain('URL path: /v1/items → /v2/items');
  });

  it('query: order and encoding differences of the same parameters', () => {
    const reordered = diffExchanges(
      makeExchange({ url: 'http://a.test/?a=1&b=2' }),
      makeExchange({ url: 'http://a.test/?b=2&a=1' }),
    );
    expect(reordered.url.queryOrderChanged).toBe(true);
    expect(reordered.summary).toContain('Query parameters in a different order (same names and values)');
    const encoded = diffExchanges(
      makeExchange({ url: 'http://a.test/?q=a%20b' }),
      makeExchange({ url: 'http://a.test/?q=a+b' }),
    );
    expect(encoded.summary[0]).toBe('Query string encoded differently (same parameters): ?q=a%20b vs ?q=a+b');
    const duplicated = diffExchanges(
      makeExchange({ url: 'http://a.test/?tag=x' }),
      makeExchange({ url: 'http://a.test/?tag=x&tag=y' }),
    );
    expect(duplicated.url.query[0]).toMatchObject({ name: 'tag', kind: 'changed', left: 'x', right: 'x, y' });
  });

  it('headers: matched without regard to case; case, order and duplicates noted', () => {
    const left = makeExchange({
      requestHeaders: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'Accept', value: '*/*' },
        { name: 'X-Tag', value: 'a' },
      ],
    });
    const right = makeExchange({
      requestHeaders: [
        { name: 'accept', value: '*/*' },
        { name: 'content-type', value: 'application/json' },
        { name: 'X-Tag', value: 'a' },
        { name: 'X-Tag', value: 'b' },
      ],
    });
    const diff = diffExchanges(left, right);
    const rows = diff.requestHeaders.rows;
    expect(rows.find((r) => r.name === 'Content-Type')).toMatchObject({
      kind: 'same',
      leftName: 'Content-Type',
      rightName: 'content-type',
    });
    expect(rows.find((r) => r.name === 'X-Tag')).toMatchObject({
      kind: 'changed',
      leftValues: ['a'],
      rightValues: ['a', 'b'],
      note: 'sent 1× on the left, 2× on the right',
    });
    expect(diff.requestHeaders.orderChanged).toBe(true);
    expect(diff.requestHeaders.notes).toEqual([
      'Header order differs: from Content-Type on (left Content-Type, Accept, X-Tag…, right accept, content-type, X-Tag…).',
      'Header name case differs: Content-Type vs content-type, Accept vs accept.',
      'X-Tag appears 1× on the left and 2× on the right.',
    ]);
    expect(diff.summary).toEqual([
      'Request header X-Tag: a → a, b (sent 1× on the left, 2× on the right)',
      'Request header name case differs: Content-Type vs content-type, Accept vs accept',
      'Request headers in a different order',
    ]);
    expect(diff.same).toBe(false);
  });

  it('duplicate header values in another order', () => {
    const left = makeExchange({
      requestHeaders: headers({}).concat([
        { name: 'Via', value: 'a' },
        { name: 'Via', value: 'b' },
      ]),
    });
    const right = makeExchange({
      requestHeaders: [
        { name: 'Via', value: 'b' },
        { name: 'Via', value: 'a' },
      ],
    });
    const diff = diffExchanges(left, right);
    expect(diff.requestHeaders.rows[0]?.note).toBe('the 2 values appear in a different order');
    expect(diff.requestHeaders.notes).toContain('Via is repeated with its values in a different order.');
  });

  it('timing, connection and per-request headers alone do not make exchanges different', () => {
    const left = makeExchange({
      requestHeaders: headers({ Host: 'a', 'X-Request-ID': 'r1' }),
      responseHeaders: headers({ Date: 'Mon, 01 Jan 2024 00:00:00 GMT' }),
      timings: { wait: 10 },
      connection: { id: 'c1', reused: false, serverIp: '127.0.0.1' },
    });
    const right = makeExchange({
      requestHeaders: headers({ Host: 'a', 'X-Request-ID': 'r2' }),
      responseHeaders: headers({ Date: 'Mon, 01 Jan 2024 00:00:05 GMT' }),
      timings: { wait: 400 },
      connection: { id: 'c2', reused: true, serverIp: '127.0.0.1' },
    });
    const diff = diffExchanges(left, right);
    expect(diff.same).toBe(true);
    expect(diff.summary[0]).toBe('No material differences (only timing, connection or per-request headers).');
    expect(diff.summary).toContain('Connection: new → reused');
    expect(diff.summary.some((s) => s.startsWith('Request header X-Request-ID: r1 → r2'))).toBe(true);
  });
});

describe('a NetLens rule on one side', () => {
  it('is the first finding, naming the rule and what it did', () => {
    const injected = makeFailedExchange(
      {
        class: 'injected_fault',
        phase: 'wait',
        message: 'NetLens rule "Flaky" failed it',
        detail: 'connection_reset',
      },
      { rule: { ruleId: 'flaky', ruleName: 'Flaky', actions: ['reset before the response'] } },
    );
    const ok = makeExchange();
    const diff = diffExchanges(injected, ok);
    expect(diff.findings[0]).toMatchObject({ area: 'rule', material: true });
    expect(diff.summary[0]).toBe(
      'Left was changed on purpose by NetLens rule "Flaky" (reset before the response); right by no rule',
    );
    expect(diffExchanges(ok, ok).findings.some((f) => f.area === 'rule')).toBe(false);
  });
});
