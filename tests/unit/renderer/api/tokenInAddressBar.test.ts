import { describe, expect, it } from 'vitest';
import { forgetTokenInAddressBar, urlWithoutToken } from '@renderer/api/tokenInAddressBar.js';

describe('urlWithoutToken', () => {
  it('drops the token and keeps the path, the other parameters and the hash', () => {
    expect(urlWithoutToken('http://127.0.0.1:4000/?token=abc')).toBe('/');
    expect(urlWithoutToken('http://127.0.0.1:4000/index.html?a=1&token=abc&b=2#/traffic')).toBe(
      '/index.html?a=1&b=2#/traffic',
    );
  });

  it('has nothing to do without a token', () => {
    expect(urlWithoutToken('http://127.0.0.1:4000/#/x')).toBeUndefined();
    expect(urlWithoutToken('not a url')).toBeUndefined();
  });
});

describe('forgetTokenInAddressBar', () => {
  it('replaces the history entry (no new entry, state kept)', () => {
    const calls: unknown[][] = [];
    const history = { state: { s: 1 }, replaceState: (...args: unknown[]) => void calls.push(args) };
    forgetTokenInAddressBar({ href: 'http://127.0.0.1:4000/?token=abc#/traffic' }, history);
    expect(calls).toEqual([[{ s: 1 }, '', '/#/traffic']]);
    forgetTokenInAddressBar({ href: 'http://127.0.0.1:4000/#/traffic' }, history);
    expect(calls).toHaveLength(1);
  });
});
