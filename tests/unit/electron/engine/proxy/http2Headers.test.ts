import { describe, expect, it } from 'vitest';
import {
  headerListBytes,
  headersObject,
  http1HeadOf,
  http2RequestHead,
  requestLineOf,
  withoutPseudoHeaders,
} from '@engine/proxy/http2Headers.js';

const H2_HEAD = [
  ':method',
  'POST',
  ':scheme',
  'https',
  ':authority',
  'api.local:8443',
  ':path',
  '/v1/items?x=1',
  'content-type',
  'application/json',
  'cookie',
  'a=1',
  'cookie',
  'b=2',
  'te',
  'trailers',
];

describe('HTTP/2 ↔ HTTP/1.1 heads (RFC 9113 §8.2–8.3)', () => {
  it('reads the request line off the pseudo-headers, which come first', () => {
    expect(requestLineOf(H2_HEAD)).toEqual({
      method: 'POST',
      scheme: 'https',
      authority: 'api.local:8443',
      path: '/v1/items?x=1',
    });
    // A pseudo-header after a regular field is not part of the request line.
    expect(requestLineOf(['x', '1', ':path', '/late']).path).toBeUndefined();
    expect(requestLineOf([':method', 'CONNECT', ':protocol', 'websocket']).protocol).toBe('websocket');
  });

  it('makes the HTTP/1.1 head: Host from :authority, cookie crumbs joined, TE dropped as hop-by-hop', () => {
    expect(http1HeadOf(H2_HEAD, 'api.local:8443')).toEqual([
      'host',
      'api.local:8443',
      'content-type',
      'application/json',
      'cookie',
      'a=1; b=2',
    ]);
    // A Host the client sent is kept, not doubled.
    expect(http1HeadOf([':path', '/', 'host', 'h:1'], 'other:2')).toEqual(['host', 'h:1']);
  });

  it('makes the HTTP/2 head: pseudo-headers first, lower-case names, no connection-specific fields', () => {
    const head = http2RequestHead({ method: 'GET', scheme: 'https', authority: 'h:443', path: '/p' }, [
      'Host',
      'h:443',
      'Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'Accept',
      '*/*',
      'TE',
      'trailers',
      'Transfer-Encoding',
      'chunked',
      'Proxy-Authorization',
      'Basic x',
    ]);
    expect(head).toEqual([
      ':method',
      'GET',
      ':scheme',
      'https',
      ':authority',
      'h:443',
      ':path',
      '/p',
      'accept',
      '*/*',
      'te',
      'trailers',
    ]);
    // TE other than "trailers" is forbidden in HTTP/2 (RFC 9113 §8.2.2).
    expect(
      http2RequestHead({ method: 'GET', scheme: 'http', authority: 'h', path: '/' }, ['TE', 'gzip']),
    ).not.toContain('te');
  });

  it("builds Node's header object: repeated names as arrays, forbidden fields left out", () => {
    const object = headersObject([
      'Set-Cookie',
      'a=1',
      'set-cookie',
      'b=2',
      'Connection',
      'close',
      'X-One',
      '1',
    ]);
    expect({ ...object }).toEqual({ 'set-cookie': ['a=1', 'b=2'], 'x-one': '1' });
  });

  it('drops the pseudo-headers for an HTTP/1.1 client, and leaves a head without them as it is', () => {
    expect(withoutPseudoHeaders([':status', '200', 'content-type', 'text/plain'])).toEqual([
      'content-type',
      'text/plain',
    ]);
    const plain = ['Content-Type', 'text/plain'];
    expect(withoutPseudoHeaders(plain)).toBe(plain);
  });

  it('measures a header list as SETTINGS_MAX_HEADER_LIST_SIZE does (name + value + 32 each)', () => {
    expect(headerListBytes([':path', '/', 'accept', '*/*'])).toBe(5 + 1 + 32 + 6 + 3 + 32);
  });
});
