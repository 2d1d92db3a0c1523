import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BodyPayload, BodySide, Exchange } from '@shared/model.js';
import { toHar } from '@engine/capture/harExport.js';
import { HarImportError, jsonErrorOffset, parseHar } from '@engine/capture/harImport.js';
import { body, headers, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';
import { fixturePath } from '@fixtures/paths.js';

const fixtures = fixturePath('har');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

function minimalEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: '2025-01-01T00:00:00.000Z',
    time: 10,
    request: {
      method: 'GET',
      url: 'http://127.0.0.1:8080/',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'text/plain' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 1, wait: 8, receive: 1 },
    ...overrides,
  };
}

const har = (entries: unknown[]) =>
  JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } });

describe('parseHar: NetLens round trip', () => {
  it('gives back the exchanges and bodies it exported', async () => {
    const ok = makeExchange({
      method: 'POST',
      url: 'https://api.example.com/v1/items?page=2',
      timings: { blocked: 1, dns: 4, connect: 6, ssl: 12, send: 1, wait: 30, receive: 3 },
      durationMs: 57,
      requestHeaders: headers({ Host: 'api.example.com', 'Content-Type': 'application/json' }),
      request: {
        body: { sizeBytes: 13, capturedBytes: 13, truncated: false, contentType: 'application/json' },
      },
      responseHeaders: headers({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }),
      response: {
        status: 201,
        statusText: 'Created',
        body: {
          sizeBytes: 30,
          decodedSizeBytes: 17,
          capturedBytes: 17,
          truncated: false,
          contentType: 'application/json',
          contentEncoding: 'gzip',
        },
      },
      connection: {
        id: 'conn-a',
        reused: false,
        serverIp: '203.0.113.9',
        serverPort: 443,
        clientAddress: '127.0.0.1',
        clientPort: 50123,
        tls: {
          protocol: 'TLSv1.3',
          cipher: 'TLS_AES_128_GCM_SHA256',
          alpn: 'http/1.1',
          servername: 'api.example.com',
          certificate: {
            subject: 'CN=api.example.com',
            issuer: 'CN=Example CA',
            subjectAltNames: ['DNS:api.example.com'],
            validFromMs: 1_700_000_000_000,
            validToMs: 1_800_000_000_000,
            fingerprint256: 'AA:BB',
          },
        },
        clientTls: { protocol: 'TLSv1.3', servername: 'api.example.com' },
      },
      retry: { chainId: 'chain-9', attempt: 2 },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    const reused = makeExchange({
      timings: { send: 1, wait: 9, receive: 1 },
      durationMs: 11,
      connection: { id: 'conn-a', reused: true, serverIp: '203.0.113.9', serverPort: 443 },
      rule: { ruleId: 'r1', ruleName: 'slow', action: 'delay 500 ms' },
    });
    const failed = makeFailedExchange({ detail: 'ETIMEDOUT', code: 'ETIMEDOUT' }, { durationMs: 3001 });
    const truncated = makeExchange({
      durationMs: 5,
      response: { body: { sizeBytes: 100, capturedBytes: 10, truncated: true } },
    });
    const tunnel = makeExchange({
      kind: 'tunnel',
      method: 'CONNECT',
      url: 'https://pinned.example.com:443',
      durationMs: 900,
      response: { status: 200, statusText: 'Connection Established', body: body(0) },
      tunnel: { reason: 'pass_through_host', bytesFromClient: 10, bytesFromServer: 20 },
    });
    const ws = makeExchange({
      kind: 'websocket',
      url: 'ws://127.0.0.1:8080/live',
      durationMs: 3,
      response: { status: 101, statusText: 'Switching Protocols', body: body(0) },
      websocket: {
        messagesFromClient: 1,
        messagesFromServer: 2,
        bytesFromClient: 3,
        bytesFromServer: 4,
        closedAtMs: 5,
      },
    });
    const originals = [ok, reused, failed, truncated, tunnel, ws];
    const bodies: Record<string, Partial<Record<BodySide, BodyPayload>>> = {
      [ok.id]: {
        request: {
          base64: Buffer.from('{"name":"x"}\n').toString('base64'),
          decoded: true,
          truncated: false,
          sizeBytes: 13,
        },
        response: {
          base64: Buffer.from('{"items":[1,2,3]}').toString('base64'),
          decoded: true,
          truncated: false,
          sizeBytes: 17,
        },
      },
      [truncated.id]: {
        response: {
          base64: Buffer.from('0123456789').toString('base64'),
          decoded: true,
          truncated: true,
          sizeBytes: 10,
        },
      },
    };
    const document = await toHar(originals, {
      creatorVersion: '0.1.0',
      loadBody: async (id, side) => bodies[id]?.[side] ?? null,
    });
    expect(harSchemaErrors(document)).toEqual([]);

    const imported = parseHar(JSON.stringify(document, null, 2));
    expect(imported.skipped).toEqual([]);
    expect(imported.exchanges).toEqual(originals);
    expect(imported.bodies.get(ok.id)?.request?.toString()).toBe('{"name":"x"}\n');
    expect(imported.bodies.get(ok.id)?.response?.toString()).toBe('{"items":[1,2,3]}');
    expect(imported.bodies.get(truncated.id)?.response?.toString()).toBe('0123456789');
    expect(imported.bodies.has(failed.id)).toBe(false);
  });
});

describe('parseHar: other tools', () => {
  it("imports Chrome's HAR: h2, bracketed IPv6, ssl inside connect, net::ERR strings, base64, WebSockets", () => {
    const { exchanges, bodies, skipped } = parseHar(fixture('chrome.har'));
    expect(skipped).toEqual([]);
    expect(exchanges.map((e) => e.kind)).toEqual(['http', 'http', 'http', 'http', 'websocket']);
    const [page, post, pixel, refused, ws] = exchanges as [Exchange, Exchange, Exchange, Exchange, Exchange];

    expect(page.startedAtMs).toBe(Date.parse('2025-03-14T09:26:53.118Z'));
    expect(page.connection).toMatchObject({
      id: '48211',
      reused: false,
      serverIp: '2001:db8::17',
      serverPort: 443,
    });
    expect(page.timings.connect).toBeCloseTo(23.7, 6);
    expect(page.timings).toMatchObject({
      blocked: 3.11,
      dns: 21.5,
      ssl: 38.2,
      send: 0.4,
      wait: 95.3,
      receive: 5.21,
    });
    expect(page.durationMs).toBe(187.42);
    expect(page.request.headers[0]).toEqual({ name: ':authority', value: 'shop.example.com' });
    expect(page.response!.body).toMatchObject({ sizeBytes: 43, decodedSizeBytes: 62, contentEncoding: 'br' });
    expect(bodies.get(page.id)?.response?.toString()).toContain('<h1>Welcome back</h1>');

    expect(post.connection.reused).toBe(true);
    expect(post.timings.dns).toBeUndefined();
    expect(bodies.get(post.id)?.request?.toString()).toBe('{"sku":"A-100","quantity":2}');

    expect(bodies.get(pixel.id)?.response?.subarray(0, 6).toString()).toBe('GIF89a');

    expect(refused.state).toBe('failed');
    expect(refused.response).toBeUndefined();
    expect(refused.error).toMatchObject({
      class: 'connect_refused',
      phase: 'connect',
      detail: 'net::ERR_CONNECTION_REFUSED',
    });
    expect(refused.error!.message).toContain('127.0.0.1:9');
    expect(refused.connection.serverIp).toBeUndefined();

    expect(ws.websocket).toEqual({
      messagesFromClient: 1,
      messagesFromServer: 2,
      bytesFromClient: 20,
      bytesFromServer: 22,
    });
    expect(ws.response!.status).toBe(101);
  });

  it("imports Firefox's HAR: local-time dates, 0 timings, content without text, a request without response", () => {
    const { exchanges, bodies, skipped } = parseHar(fixture('firefox.har'));
    expect(skipped).toEqual([]);
    const [doc, cached, blocked] = exchanges as [Exchange, Exchange, Exchange];
    expect(doc.startedAtMs).toBe(Date.parse('2025-03-14T09:26:53.118Z'));
    expect(doc.timings).toEqual({ blocked: 0, dns: 14, connect: 9, ssl: 22, send: 0, wait: 73, receive: 4 });
    expect(doc.response!.body.sizeBytes).toBe(5308);
    expect(bodies.has(doc.id)).toBe(false);
    expect(cached.response!.status).toBe(304);
    expect(blocked.state).toBe('failed');
    expect(blocked.error).toMatchObject({ class: 'client_aborted', detail: 'no response in HAR' });
    expect(blocked.error!.message).toContain('tracker.example.net:443');
  });

  it("imports mitmproxy's HAR: null timings, ssl outside connect, microsecond dates, form params, error text", () => {
    const { exchanges, bodies, skipped } = parseHar(fixture('mitmproxy.har'));
    expect(skipped).toEqual([]);
    const [login, me, refused] = exchanges as [Exchange, Exchange, Exchange];
    expect(login.startedAtMs).toBe(Date.parse('2025-03-14T09:30:00.125Z'));
    // mitmproxy measures the TLS handshake after the TCP connect, not inside it.
    expect(login.timings).toEqual({ connect: 40, ssl: 25, send: 1.5, wait: 50, receive: 2 });
    expect(login.connection.serverIp).toBe('198.51.100.20');
    expect(bodies.get(login.id)?.request?.toString()).toBe('user=ada&password=correct+horse');
    expect(bodies.get(login.id)?.response?.toString()).toBe('{"user":"ada","roles":["admin"]}');
    expect(me.timings.connect).toBeUndefined();
    expect(refused.state).toBe('failed');
    expect(refused.timings).toEqual({});
    expect(refused.error).toMatchObject({ class: 'connect_refused', phase: 'connect' });
  });

  it("imports Charles' HAR: null redirectURL, offsets, postData with params only, no connection id", () => {
    const { exchanges, bodies, skipped } = parseHar(fixture('charles.har'));
    expect(skipped).toEqual([]);
    const [status, subscribe] = exchanges as [Exchange, Exchange];
    expect(status.startedAtMs).toBe(Date.parse('2025-03-14T09:37:42.482Z'));
    expect(status.timings).toEqual({ dns: 43, connect: 11, ssl: 26, send: 1, wait: 24, receive: 2 });
    expect(status.durationMs).toBe(107);
    expect(status.connection.id).toBe('har-conn-0');
    expect(bodies.get(status.id)?.response?.toString()).toBe('all systems\n');
    expect(subscribe.response!.status).toBe(303);
    expect(bodies.get(subscribe.id)?.request?.toString()).toBe('email=ops%40example.com');
  });

  it('accepts files that the HAR schema rejects, as the tools really write them', () => {
    // Chrome brackets IPv6, mitmproxy writes null timings and empty content, Charles null redirectURL.
    for (const name of ['chrome.har', 'mitmproxy.har', 'charles.har']) {
      expect(harSchemaErrors(JSON.parse(fixture(name))).length).toBeGreaterThan(0);
      expect(parseHar(fixture(name)).skipped).toEqual([]);
    }
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(parseHar(`\uFEFF${har([minimalEntry()])}`).exchanges).toHaveLength(1);
  });
});

describe('parseHar: malformed files', () => {
  const rejects = (text: string, message: string | RegExp) => {
    let caught: unknown;
    try {
      parseHar(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HarImportError);
    expect((caught as Error).message).toMatch(message);
  };

  it('names what is wrong with the file as a whole', () => {
    rejects('', 'The file is empty');
    rejects('{"log": {"entries": [}', /^The file is not valid JSON: .*\(line 1, column \d+\)\.$/);
    rejects('[1, 2]', 'The file is an array, not a HAR object');
    rejects('{"entries": []}', /^log is missing: this JSON is not a HAR file/);
    rejects('{"log": "x"}', 'log is a string, not an object.');
    rejects('{"log": {"version": "1.2"}}', 'log.entries is missing.');
    rejects('{"log": {"entries": {}}}', 'log.entries is an object, not an array.');
  });

  it('skips a bad entry with the reason and where, and imports the rest', () => {
    const noUrl = minimalEntry();
    delete (noUrl.request as Record<string, unknown>).url;
    const badDate = minimalEntry({ startedDateTime: 'yesterday' });
    const badHeaders = minimalEntry();
    (badHeaders.request as Record<string, unknown>).headers = 'Accept: */*';
    const result = parseHar(
      har([minimalEntry(), noUrl, 42, badDate, minimalEntry({ request: null }), badHeaders, minimalEntry()]),
    );
    expect(result.exchanges.map((e) => e.id)).toEqual(['har-0', 'har-6']);
    expect(result.skipped).toEqual([
      { index: 1, reason: 'log.entries[1].request.url is missing' },
      { index: 2, reason: 'log.entries[2] is a number, not an object' },
      { index: 3, reason: 'log.entries[3].startedDateTime "yesterday" is not a date' },
      { index: 4, reason: 'log.entries[4].request is missing' },
      { index: 5, reason: 'log.entries[5].request.headers is a string, not an array' },
    ]);
  });

  it('tolerates missing optional parts: response, timings, headers, content', () => {
    const bare = minimalEntry({ response: undefined, timings: undefined });
    delete (bare.request as Record<string, unknown>).headers;
    const [exchange] = parseHar(har([bare])).exchanges;
    expect(exchange).toMatchObject({ state: 'failed', timings: {}, request: { headers: [] } });
    expect(exchange!.durationMs).toBe(10);
  });

  it('keeps ids unique when a file repeats an _netlens.id', () => {
    const a = minimalEntry({ _netlens: { id: 'same', connectionReused: false } });
    const b = minimalEntry({ _netlens: { id: 'same', connectionReused: false } });
    expect(parseHar(har([a, b])).exchanges.map((e) => e.id)).toEqual(['same', 'same-1']);
  });

  it('copies only well-typed NetLens fields from a crafted file', () => {
    const crafted = minimalEntry({
      _netlens: {
        id: 'x',
        connectionReused: false,
        seq: 'nine',
        state: 'exploded',
        connectionInfo: {
          serverIp: { toString: 'x' },
          clientPort: '80',
          tls: { protocol: 7, cipher: 'AES' },
        },
        tunnel: { reason: 'because', bytesFromClient: 1 },
        websocket: { messagesFromClient: 'many', bytesFromServer: 10 },
        rule: { id: 'r', name: { evil: true }, action: 'x' },
        retry: { chainId: 'c', attempt: 'first' },
        traceId: 42,
      },
      _error: { class: 'not_a_class', message: 'x' },
    });
    const [exchange] = parseHar(har([crafted])).exchanges;
    expect(exchange!.seq).toBe(1);
    expect(exchange!.state).toBe('complete');
    expect(exchange!.connection).toEqual({
      id: 'har-conn-0',
      reused: false,
      tls: { cipher: 'AES' },
      serverPort: 8080,
    });
    expect(exchange!.tunnel).toBeUndefined();
    expect(exchange!.websocket).toEqual({
      messagesFromClient: 0,
      messagesFromServer: 0,
      bytesFromClient: 0,
      bytesFromServer: 10,
    });
    expect(exchange!.rule).toBeUndefined();
    expect(exchange!.retry).toBeUndefined();
    expect(exchange!.traceId).toBeUndefined();
    expect(exchange!.error).toBeUndefined();
  });

  it('uses the given id prefix for entries without a NetLens id', () => {
    expect(parseHar(har([minimalEntry()]), { idPrefix: 'import-3-' }).exchanges[0]!.id).toBe('import-3-0');
  });
});

describe('jsonErrorOffset', () => {
  it('returns -1 for valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0']) {
      expect(jsonErrorOffset(text)).toBe(-1);
    }
  });

  it('points at the first character that makes JSON invalid', () => {
    expect(jsonErrorOffset('{"a": [}')).toBe(7);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset("{'a': 1}")).toBe(1);
    expect(jsonErrorOffset('[1, 2] x')).toBe(7);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": "unterminated')).toBe(19);
  });

  it('gives line and column in the import error', () => {
    expect(() => parseHar('{\n  "log": {\n    "entries": [,]\n  }\n}')).toThrow(/\(line 3, column 17\)\.$/);
  });
});
