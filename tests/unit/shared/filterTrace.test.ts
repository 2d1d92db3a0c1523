import { describe, expect, it } from 'vitest';
import { parseFilter, FILTER_KEYS } from '@shared/filter.js';
import { headers, makeExchange } from '@fixtures/exchangeFactory.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('trace: filter key', () => {
  const traced = makeExchange({
    requestHeaders: headers({ Host: 'a.test', traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }),
  });
  const otherTrace = makeExchange({
    requestHeaders: headers({ Host: 'a.test', traceparent: `00-${'1'.repeat(32)}-00f067aa0ba902b7-01` }),
  });
  const byRequestId = makeExchange({ requestHeaders: headers({ 'X-Request-ID': 'req-42' }) });
  const tagged = makeExchange({ traceId: TRACE });
  const untraced = makeExchange();

  it('is listed in the help table', () => {
    expect(FILTER_KEYS.trace?.example).toMatch(/^trace:/);
  });

  it('matches the traceparent trace-id, case-insensitively', () => {
    const { predicate, errors } = parseFilter(`trace:${TRACE.toUpperCase()}`);
    expect(errors).toEqual([]);
    expect([traced, otherTrace, byRequestId, tagged, untraced].map(predicate)).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it('matches X-Request-ID values', () => {
    const { predicate } = parseFilter('trace:req-42');
    expect(predicate(byRequestId)).toBe(true);
    expect(predicate(traced)).toBe(false);
  });

  it('negates', () => {
    const { predicate } = parseFilter(`-trace:${TRACE}`);
    expect(predicate(traced)).toBe(false);
    expect(predicate(untraced)).toBe(true);
  });

  it('needs a value', () => {
    expect(parseFilter('trace:').errors[0]?.message).toMatch(/needs a value/);
  });
});
