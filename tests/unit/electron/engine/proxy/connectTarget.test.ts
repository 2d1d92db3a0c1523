import { describe, expect, it } from 'vitest';
import { parseAuthority } from '@engine/proxy/connectTarget.js';

describe('parseAuthority', () => {
  it('parses host:port and [v6]:port', () => {
    expect(parseAuthority('example.com:443')).toEqual({ host: 'example.com', port: 443 });
    expect(parseAuthority('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
    expect(parseAuthority('127.0.0.1:80')).toEqual({ host: '127.0.0.1', port: 80 });
  });

  it('rejects what is not an authority', () => {
    for (const bad of [
      undefined,
      '',
      'example.com',
      'example.com:0',
      'example.com:70000',
      '/path',
      'http://a:1',
      'a b:1',
      '::1:443',
    ]) {
      expect(parseAuthority(bad), String(bad)).toBeUndefined();
    }
  });
});
