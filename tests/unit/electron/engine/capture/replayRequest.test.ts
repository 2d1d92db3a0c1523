import { describe, expect, it } from 'vitest';
import { replayRequest } from '@engine/capture/replayRequest.js';
import { parseReplayRequest } from '@engine/api/captureHandlers.js';
import { ReplayLinks } from '@engine/capture/replayLinks.js';
import { headers, makeExchange } from '@fixtures/exchangeFactory.js';
import type { BodyPayload } from '@shared/model.js';

function payload(text: string, extra: Partial<BodyPayload> = {}): BodyPayload {
  return {
    base64: Buffer.from(text).toString('base64'),
    decoded: false,
    truncated: false,
    sizeBytes: text.length,
    ...extra,
  };
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

describe('replayRequest', () => {
  const original = makeExchange({
    method: 'POST',
    url: 'http://127.0.0.1:8080/api/items?x=1',
    requestHeaders: [
      { name: 'Host', value: '127.0.0.1:8080' },
      { name: 'Accept', value: '*/*' },
      { name: 'X-A', value: '1' },
      { name: 'X-A', value: '2' },
      { name: 'Content-Length', value: '7' },
      { name: 'Connection', value: 'keep-alive' },
    ],
  });

  it('keeps the recorded headers in order with duplicates; Host from the URL, length from the body', () => {
    const out = replayRequest(original, payload('{"a":1}'));
    expect(out.method).toBe('POST');
    expect(out.url.href).toBe('http://127.0.0.1:8080/api/items?x=1');
    expect(pairs(out.rawHeaders)).toEqual([
      ['Host', '127.0.0.1:8080'],
      ['Accept', '*/*'],
      ['X-A', '1'],
      ['X-A', '2'],
      ['Content-Length', '7'],
    ]);
    expect(out.body.toString()).toBe('{"a":1}');
  });

  it('applies an edit: method, URL (Host follows), headers replaced, body as UTF-8', () => {
    const out = replayRequest(original, null, {
      method: 'PATCH',
      url: 'https://api.invalid:9443/v2',
      headers: headers({ 'X-New': 'é', Host: 'ignored' }),
      body: 'naïve',
    });
    expect(out.method).toBe('PATCH');
    expect(pairs(out.rawHeaders)).toEqual([
      ['Host', 'api.invalid:9443'],
      ['X-New', 'é'],
      ['Content-Length', String(Buffer.byteLength('naïve'))],
    ]);
  });

  it('sends no Content-Length on a bodiless GET, and 0 on an empty POST', () => {
    const get = makeExchange({ method: 'GET' });
    expect(pairs(replayRequest(get, null).rawHeaders).map(([n]) => n)).not.toContain('Content-Length');
    expect(pairs(replayRequest(original, null, { body: '' }).rawHeaders)).toContainEqual([
      'Content-Length',
      '0',
    ]);
  });

  it('drops Content-Encoding when the stored body was decoded', () => {
    const gz = makeExchange({
      method: 'POST',
      requestHeaders: headers({ 'Content-Encoding': 'gzip' }),
      request: { body: { sizeBytes: 20, capturedBytes: 20, truncated: false, contentEncoding: 'gzip' } },
    });
    const out = replayRequest(gz, payload('plain', { decoded: true }));
    expect(out.rawHeaders.map((h) => h.toLowerCase())).not.toContain('content-encoding');
    expect(out.body.toString()).toBe('plain');
  });

  it('refuses what cannot be resent: a truncated body, a tunnel, a WebSocket, a bad edit', () => {
    expect(() => replayRequest(original, payload('abc', { truncated: true }))).toThrow(
      /captured only in part/,
    );
    expect(() => replayRequest(makeExchange({ kind: 'tunnel' }), null)).toThrow(/tunnel/);
    expect(() => replayRequest(makeExchange({ kind: 'websocket' }), null)).toThrow(/WebSocket/);
    expect(() => replayRequest(original, null, { url: 'not a url' })).toThrow(/not a URL/);
    expect(() => replayRequest(original, null, { headers: [{ name: 'X', value: 'a\r\nb' }] })).toThrow(
      /line breaks/,
    );
  });
});

describe('parseReplayRequest', () => {
  it('accepts an id and an edit; refuses unknown fields and bad values with a message', () => {
    expect(
      parseReplayRequest({ id: 'a', edit: { method: 'GET', headers: [{ name: 'A', value: 'b' }] } }),
    ).toEqual({
      id: 'a',
      edit: { method: 'GET', headers: [{ name: 'A', value: 'b' }] },
    });
    expect(() => parseReplayRequest({ id: 'a', other: 1 })).toThrow(/unknown field/);
    expect(() =>
      parseReplayRequest({ id: 'a', edit: { headers: [{ name: 'bad name', value: '' }] } }),
    ).toThrow(/not a header name/);
    expect(() => parseReplayRequest({ id: 'a', edit: { method: 42 } })).toThrow(/must be a string/);
  });
});

describe('ReplayLinks', () => {
  it('tags only the replay source on the announced port, and frees the port once finished', async () => {
    const links = new ReplayLinks();
    const { recorded } = links.expect(50000, 'orig');
    const other = makeExchange({
      source: 'manual',
      connection: { id: 'c', reused: false, clientPort: 50000 },
    });
    expect(links.tag(other).replayOf).toBeUndefined();
    const replay = makeExchange({
      source: 'replay',
      connection: { id: 'c', reused: false, clientPort: 50000 },
    });
    expect(links.tag(replay).replayOf).toBe('orig');
    expect(await recorded).toBe(replay.id);
    expect(links.tag(replay, true).replayOf).toBe('orig');
    expect(links.size).toBe(0);
    expect(links.tag(replay).replayOf).toBeUndefined();
  });
});
