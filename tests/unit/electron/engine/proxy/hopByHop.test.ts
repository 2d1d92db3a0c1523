import { describe, expect, it } from 'vitest';
import {
  connectionOptions,
  removeRawHeader,
  serializeHead,
  setRawHeader,
  stripHopByHop,
  toHeaderList,
} from '../../../../../electron/engine/proxy/hopByHop.js';

describe('stripHopByHop', () => {
  it('removes the RFC 9110 §7.6.1 fields and Proxy-Authorization, keeping order and case of the rest', () => {
    const raw = [
      'Host',
      'example.com',
      'Connection',
      'keep-alive',
      'X-Keep',
      '1',
      'Proxy-Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'TE',
      'trailers',
      'Transfer-Encoding',
      'chunked',
      'Upgrade',
      'h2c',
      'Proxy-Authorization',
      'Basic abc',
      'accept',
      '*/*',
    ];
    expect(stripHopByHop(raw)).toEqual(['Host', 'example.com', 'X-Keep', '1', 'accept', '*/*']);
  });

  it('also removes the fields the Connection header names', () => {
    const raw = ['Connection', 'close, X-Private', 'x-private', 'secret', 'X-Public', 'ok'];
    expect(connectionOptions(raw)).toEqual(new Set(['close', 'x-private']));
    expect(stripHopByHop(raw)).toEqual(['X-Public', 'ok']);
  });

  it('removes listed fields next to the usual keep-alive listing, whatever their case', () => {
    const raw = ['Connection', 'Keep-Alive, X-Listed', 'x-listed', '1', 'Keep-Alive', 't=5', 'Y', '2'];
    expect(stripHopByHop(raw)).toEqual(['Y', '2']);
    expect(stripHopByHop(['connection', 'keep-alive', 'X-Listed', '1'])).toEqual(['X-Listed', '1']);
  });

  it('keeps fields it is asked to keep (an Upgrade handshake)', () => {
    const raw = ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'];
    expect(stripHopByHop(raw, { keep: new Set(['connection', 'upgrade']) })).toEqual(raw);
  });
});

describe('raw header edits', () => {
  it('setRawHeader replaces the first occurrence in place, drops duplicates, appends when absent', () => {
    expect(setRawHeader(['A', '1', 'host', 'old', 'B', '2', 'Host', 'dup'], 'Host', 'new')).toEqual([
      'A',
      '1',
      'host',
      'new',
      'B',
      '2',
    ]);
    expect(setRawHeader(['A', '1'], 'Host', 'h')).toEqual(['A', '1', 'Host', 'h']);
  });

  it('removeRawHeader removes every occurrence, case-insensitively', () => {
    expect(
      removeRawHeader(['Content-Length', '5', 'X', 'y', 'content-length', '6'], 'content-length'),
    ).toEqual(['X', 'y']);
  });

  it('toHeaderList keeps duplicates, order and case', () => {
    expect(toHeaderList(['Set-Cookie', 'a=1', 'set-cookie', 'b=2'])).toEqual([
      { name: 'Set-Cookie', value: 'a=1' },
      { name: 'set-cookie', value: 'b=2' },
    ]);
  });

  it('serializeHead writes a head ending in an empty line', () => {
    expect(serializeHead('HTTP/1.1 101 Switching Protocols', ['Upgrade', 'websocket'])).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    );
  });
});
