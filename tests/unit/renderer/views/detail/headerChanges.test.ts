import { describe, expect, it } from 'vitest';
import { headerChanges } from '@renderer/views/detail/headerChanges';
import { headers } from '@fixtures/exchangeFactory';

describe('headerChanges', () => {
  it('names what the proxy removed, added and rewrote, in the client order', () => {
    const client = headers({
      Host: 'api.test',
      'Proxy-Connection': 'keep-alive',
      Accept: '*/*',
      'X-Env': 'dev',
    });
    const upstream = headers({ Host: 'api.test:8080', Accept: '*/*', 'X-Env': 'dev', Via: '1.1 netlens' });
    expect(headerChanges(client, upstream)).toEqual([
      { kind: 'changed', name: 'Host', from: 'api.test', to: 'api.test:8080' },
      { kind: 'removed', name: 'Proxy-Connection', value: 'keep-alive' },
      { kind: 'added', name: 'Via', value: '1.1 netlens' },
    ]);
  });

  it('ignores order and the letter case of names, but not of values', () => {
    const client = [
      { name: 'accept', value: 'a' },
      { name: 'X-A', value: 'Yes' },
    ];
    const upstream = [
      { name: 'X-A', value: 'yes' },
      { name: 'Accept', value: 'a' },
    ];
    expect(headerChanges(client, upstream)).toEqual([
      { kind: 'changed', name: 'X-A', from: 'Yes', to: 'yes' },
    ]);
    expect(headerChanges(upstream.slice().reverse(), upstream)).toEqual([]);
  });

  it('counts repeated fields: one of two Cookie lines dropped is one removal', () => {
    const client = [
      { name: 'Cookie', value: 'a=1' },
      { name: 'Cookie', value: 'b=2' },
    ];
    const upstream = [{ name: 'Cookie', value: 'b=2' }];
    expect(headerChanges(client, upstream)).toEqual([{ kind: 'removed', name: 'Cookie', value: 'a=1' }]);
  });
});
