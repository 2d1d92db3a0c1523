import { describe, expect, it } from 'vitest';
import {
  removeRawHeader,
  serializeHead,
  setRawHeader,
  stripHopByHop,
  toHeaderList,
  type LastHead,
} from '@engine/proxy/hopByHop.js';

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
    expect(stripHopByHop(raw)).toEqual(['X-Public', 'ok']);
  });

  it('removes listed fields next to the usual keep-alive listing, whatever their case', () => {
    const raw = ['Connection', 'Keep-Alive, X-Listed', 'x-listed', '1', 'Keep-Alive', 't=5', 'Y', '2'];
    expect(stripHopByHop(raw)).toEqual(['Y', '2']);
    expect(stripHopByHop(['connection', 'keep-alive', 'X-Listed', '1'])).toEqual(['X-Listed', '1']);
  });

  it('removes a listed field that comes before the Connection header, and one listed twice', () => {
    const raw = [
      'X-Early',
      '1',
      'A',
      'a',
      'Connection',
      'x-early',
      'X-Late',
      '2',
      'connection',
      'X-Late, close',
    ];
    expect(stripHopByHop(raw)).toEqual(['A', 'a']);
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

  it('toHeaderList with a memo shares a repeated head and the unchanged fields of a changed one', () => {
    // Fresh string objects each time, as the HTTP parser makes them.
    const fresh = (raw: string[]): string[] => raw.map((s) => Buffer.from(s).toString());
    const memo: { lastHead?: LastHead } = {};
    const head = [
      'Content-Type',
      'text/plain',
      'Date',
      'Sat, 21 Nov 2026 08:00:00 GMT',
      'X-Long',
      'v'.repeat(200),
    ];
    const first = toHeaderList(fresh(head), memo);
    expect(Object.isFrozen(first)).toBe(true);
    expect(toHeaderList(fresh(head), memo)).toBe(first);

    const changed = [...head];
    changed[3] = 'Sat, 21 Nov 2026 08:00:01 GMT';
    const second = toHeaderList(fresh(changed), memo);
    expect(second).not.toBe(first);
    expect(second).toEqual([
      { name: 'Content-Type', value: 'text/plain' },
      { name: 'Date', value: 'Sat, 21 Nov 2026 08:00:01 GMT' },
      { name: 'X-Long', value: 'v'.repeat(200) },
    ]);
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    // The memo now holds the changed head; a head of another length starts over.
    expect(toHeaderList(fresh(changed), memo)).toBe(second);
    expect(toHeaderList(fresh(['A', '1']), memo)).toEqual([{ name: 'A', value: '1' }]);
  });

  it('serializeHead writes a head ending in an empty line', () => {
    expect(serializeHead('HTTP/1.1 101 Switching Protocols', ['Upgrade', 'websocket'])).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    );
  });
});
