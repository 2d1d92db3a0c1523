import { describe, expect, it } from 'vitest';
import { parseTraceparent, sameTrace, traceIdOf, traceRefOf } from '@shared/correlation.js';
import { headers, makeExchange } from '@fixtures/exchangeFactory.js';

// Examples from W3C Trace Context §3.2 and its test suite's invalid cases.
const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('parseTraceparent (W3C Trace Context)', () => {
  it('parses the four fields', () => {
    expect(parseTraceparent(VALID)).toEqual({
      version: '00',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it.each([
    ['uppercase hex', VALID.toUpperCase()],
    ['all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['version ff', VALID.replace(/^00/, 'ff')],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['extra field on version 00', `${VALID}-extra`],
    ['missing flags', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7'],
    ['non-hex', '00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01'],
  ])('rejects %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('accepts a future version with extra fields (§3.2.4)', () => {
    expect(parseTraceparent(`cc-${VALID.slice(3)}-what-the-future-holds`)?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });
});

describe('traceRefOf', () => {
  it('prefers traceparent over X-Correlation-ID over X-Request-ID', () => {
    const all = makeExchange({
      requestHeaders: headers({ 'X-Request-ID': 'r1', 'X-Correlation-ID': 'c1', traceparent: VALID }),
    });
    expect(traceRefOf(all)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', source: 'traceparent' });
    const two = makeExchange({ requestHeaders: headers({ 'x-request-id': 'r1', 'x-correlation-id': 'c1' }) });
    expect(traceRefOf(two)).toEqual({ traceId: 'c1', source: 'x-correlation-id' });
  });

  it('falls back to an invalid traceparent’s neighbours and to the response', () => {
    const invalid = makeExchange({
      requestHeaders: headers({ traceparent: 'garbage', 'X-Request-ID': 'r9' }),
    });
    expect(traceIdOf(invalid)).toBe('r9');
    const echoed = makeExchange({ responseHeaders: headers({ 'X-Request-Id': 'srv-1' }) });
    expect(traceRefOf(echoed)).toEqual({ traceId: 'srv-1', source: 'x-request-id' });
  });

  it('ignores empty or unprintable ids and returns undefined without headers', () => {
    expect(traceIdOf(makeExchange({ requestHeaders: headers({ 'X-Request-ID': '  ' }) }))).toBeUndefined();
    expect(traceIdOf(makeExchange({ requestHeaders: headers({ 'X-Request-ID': 'a b' }) }))).toBeUndefined();
    expect(traceIdOf(makeExchange())).toBeUndefined();
  });

  it('uses an exchange.traceId set by the engine', () => {
    expect(traceIdOf(makeExchange({ traceId: 'tagged' }))).toBe('tagged');
  });
});

describe('sameTrace', () => {
  it('lists the other exchanges of the trace in order', () => {
    const a = makeExchange({ requestHeaders: headers({ 'X-Request-ID': 't' }) });
    const b = makeExchange({ requestHeaders: headers({ 'X-Request-ID': 'other' }) });
    const c = makeExchange({ responseHeaders: headers({ 'X-Request-ID': 't' }) });
    expect(sameTrace([c, b, a], a).map((e) => e.id)).toEqual([c.id]);
    expect(sameTrace([a, b, c], b)).toEqual([]);
  });
});
