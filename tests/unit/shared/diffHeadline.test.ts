import { describe, expect, it } from 'vitest';
import { diffExchanges } from '@engine/analysis/exchangeDiff.js';
import { diffHeadline } from '@shared/diffHeadline.js';
import { headers, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

const json = (text: string) => Buffer.from(text);

describe('diffHeadline', () => {
  it('names the header the failing request lacked, its status and the response body keys', () => {
    const ok = makeExchange({
      requestHeaders: headers({ Host: '127.0.0.1:8080', Authorization: 'Bearer t', 'X-Request-ID': 'a1' }),
    });
    const failing = makeExchange({
      requestHeaders: headers({ Host: '127.0.0.1:8080', 'X-Request-ID': 'b2' }),
      status: 401,
      response: { statusText: 'Unauthorized' },
    });
    const diff = diffExchanges(failing, ok, {
      left: { response: json('{"error":"no token","code":7}') },
      right: { response: json('{"items":[],"code":0}') },
    });
    expect(diff.headline).toBe(
      'The failing request was sent without Authorization and got 401 Unauthorized where the successful one got 200 OK; ' +
        'the response body differs in 3 keys.',
    );
    // The request id changes on every request: it is never named as a cause.
    expect(diff.headline).not.toContain('X-Request-ID');
  });

  it('takes the failing side as its subject when it is on the right', () => {
    const ok = makeExchange({ method: 'POST' });
    const failing = makeExchange({
      method: 'POST',
      status: 500,
      response: { statusText: 'Internal Server Error' },
    });
    const diff = diffExchanges(ok, failing, {
      left: { request: json('{"a":1,"b":2}') },
      right: { request: json('{"b":2,"a":1}') },
    });
    expect(diff.headline).toBe(
      'The failing request had a request body that differs only in key order (same JSON, different bytes) ' +
        'and got 500 Internal Server Error where the successful one got 200 OK.',
    );
  });

  it('says the request did not differ when only the outcome did', () => {
    const ok = makeExchange({ url: 'http://127.0.0.1:8080/api/items' });
    const failing = makeFailedExchange(
      { class: 'connect_refused' },
      { url: 'http://127.0.0.1:8080/api/items' },
    );
    const diff = diffExchanges(failing, ok);
    expect(diff.headline).toBe(
      'The failing request failed with connect_refused where the successful one got 200 OK, with no material difference in the request.',
    );
  });

  it('says "left" and "right" when neither side failed, and names extra headers and changed values', () => {
    const left = makeExchange({ requestHeaders: headers({ Accept: 'application/json', 'X-Debug': '1' }) });
    const right = makeExchange({
      requestHeaders: headers({ Accept: 'text/html' }),
      status: 204,
      response: { statusText: 'No Content' },
    });
    expect(diffExchanges(left, right).headline).toBe(
      'The left request was sent with X-Debug and had a different Accept, and got 200 OK where the right one got 204 No Content.',
    );
  });

  it('names at most three headers, then how many more', () => {
    const full = headers({ A: '1', B: '2', C: '3', D: '4', E: '5' });
    const ok = makeExchange({ requestHeaders: full });
    const failing = makeExchange({ requestHeaders: [], status: 403, response: { statusText: 'Forbidden' } });
    expect(diffExchanges(failing, ok).headline).toMatch(
      /^The failing request was sent without A, B, C and 2 more and got 403/,
    );
  });

  it('says when nothing material differs, and when nothing differs at all', () => {
    const a = makeExchange({ responseHeaders: headers({ Date: 'Mon, 07 Dec 2026 10:00:00 GMT' }) });
    const b = makeExchange({ responseHeaders: headers({ Date: 'Mon, 07 Dec 2026 10:00:01 GMT' }) });
    expect(diffExchanges(a, b).headline).toBe(
      'No material difference: only timing, connection facts or headers that change on every request differ.',
    );
    expect(diffExchanges(a, a).headline).toBe('The two exchanges are the same.');
  });

  it('is a pure function of the diff (the CLI and the UI read the same sentence)', () => {
    const ok = makeExchange();
    const failing = makeExchange({ status: 404, response: { statusText: 'Not Found' } });
    const { headline, ...rest } = diffExchanges(failing, ok);
    expect(diffHeadline(rest)).toBe(headline);
  });
});
