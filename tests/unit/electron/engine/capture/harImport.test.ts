import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BodyPayload, BodySide, Exchange } from '@shared/model.js';
import { toHar } from '@engine/capture/harExport.js';
import { HarImportError, HarImporter, parseHar } from '@engine/capture/harImport.js';
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
  it('keeps why a body was cut, and ignores a reason it does not know', async () => {
    const exchange = makeExchange({
      response: {
        body: { sizeBytes: 1000, capturedBytes: 0, truncated: true, truncatedReason: 'disk_error' },
      },
    });
    const har = await toHar([exchange], { creatorVersion: '1', loadBody: async () => null });
    const parsed = parseHar(JSON.stringify(har));
    expect(parsed.exchanges[0]!.response!.body).toMatchObject({
      truncated: true,
      truncatedReason: 'disk_error',
    });

    const entry = har.log.entries[0] as unknown as {
      _netlens: { bodies: { response: Record<string, unknown> } };
    };
    entry._netlens.bodies.response.truncatedReason = 'cosmic_rays';
    const newer = parseHar(JSON.stringify(har));
    expect(newer.skipped).toEqual([]);
    expect(newer.exchanges[0]!.response!.body.truncated).toBe(true);
    expect(newer.exchanges[0]!.response!.body.truncatedReason).toBeUndefined();
  });

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
      source: 'chromium#1',
    });
    ok.request.clientHeaders = headers({
      Host: 'api.example.com',
      'Proxy-Connection': 'keep-alive',
      'Content-Type': 'application/json',
    });
    ok.response!.headers.push({ name: 'Location', value: '/v1/items/9' });
    const reused = makeExchange({
      timings: { send: 1, wait: 9, receive: 1 },
      durationMs: 11,
      connection: { id: 'conn-a', reused: true, serverIp: '203.0.113.9', serverPort: 443 },
      rule: { ruleId: 'r1', ruleName: 'slow', actions: ['delay 500 ms'] },
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

    // export → import → export gives the same file.
    const again = await toHar(imported.exchanges, {
      creatorVersion: '0.1.0',
      loadBody: async (id, side) => importedPayload(imported, id, side),
    });
    expect(JSON.stringify(again, null, 2)).toBe(JSON.stringify(document, null, 2));
  });

  it('round-trips exactly apart from ids that collide, and a foreign failure keeps its class', async () => {
    const first = makeExchange({ durationMs: 5 });
    const second = makeExchange({ durationMs: 6 });
    second.id = first.id;
    const imported = parseHar(
      JSON.stringify(await toHar([first, second], { creatorVersion: '1', loadBody: async () => null })),
    );
    expect(imported.exchanges.map((e) => e.id)).toEqual([first.id, `${first.id}-1`]);

    const chrome = parseHar(fixture('chrome.har'));
    const once = await toHar(chrome.exchanges, {
      creatorVersion: '1',
      loadBody: async (id, side) => importedPayload(chrome, id, side),
    });
    expect(harSchemaErrors(once)).toEqual([]);
    const twice = await toHar(parseHar(JSON.stringify(once)).exchanges, {
      creatorVersion: '1',
      loadBody: async (id, side) => importedPayload(chrome, id, side),
    });
    expect(twice).toEqual(once);
    expect(once.log.entries[3]!._error).toMatchObject({
      class: 'connect_refused',
      code: 'ERR_CONNECTION_REFUSED',
    });
  });
});

describe('parseHar: what NetLens may write', () => {
  it('reads back empty names: a rule without a name, a certificate without a subject', async () => {
    const exchange = makeExchange({
      rule: { ruleId: '', ruleName: '', actions: ['delay 5 ms'] },
      connection: {
        id: 'c',
        reused: false,
        tls: {
          certificate: {
            subject: '',
            issuer: 'CN=CA',
            subjectAltNames: ['DNS:h'],
            validFromMs: 1,
            validToMs: 2,
          },
        },
      },
    });
    const imported = parseHar(
      JSON.stringify(await toHar([exchange], { creatorVersion: '1', loadBody: async () => null })),
    );
    expect(imported.skipped).toEqual([]);
    expect(imported.exchanges[0]).toEqual(exchange);
  });
});

/** A body as the engine's store gives it back after an import: decoded bytes. */
function importedPayload(
  imported: ReturnType<typeof parseHar>,
  id: string,
  side: BodySide,
): BodyPayload | null {
  const bytes = imported.bodies.get(id)?.[side];
  if (!bytes) return null;
  const exchange = imported.exchanges.find((e) => e.id === id)!;
  const truncated = (side === 'request' ? exchange.request.body : exchange.response!.body).truncated;
  return { base64: bytes.toString('base64'), decoded: true, truncated, sizeBytes: bytes.length };
}

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
      frames: [
        { direction: 'send', timeMs: 1741944414100, opcode: 1, sizeBytes: 20, data: '{"subscribe":"cart"}' },
        { direction: 'receive', timeMs: 1741944414200, opcode: 1, sizeBytes: 11, data: '{"ok":true}' },
        { direction: 'receive', timeMs: 1741944415000, opcode: 1, sizeBytes: 11, data: '{"items":2}' },
      ],
    });
    expect(ws.response!.status).toBe(101);
  });

  it("imports Firefox's HAR: local-time dates, 0 timings, content without text, a request without response", () => {
    const { exchanges, bodies, skipped } = parseHar(fixture('firefox.har'));
    expect(skipped).toEqual([]);
    const [doc, cached, blocked] = exchanges as [Exchange, Exchange, Exchange];
    expect(doc.startedAtMs).toBe(Date.parse('2025-03-14T09:26:53.118Z'));
    expect(doc.timings).toEqual({ blocked: 0, dns: 14, connect: 9, ssl: 22, send: 0, wait: 73, receive: 4 });
    // Firefox's bodySize (5308) counts the head too (5120 + headersSize 188): content.size is the body.
    expect(doc.response!.body.sizeBytes).toBe(5120);
    expect(doc.response!.body.decodedSizeBytes).toBeUndefined();
    expect(bodies.has(doc.id)).toBe(false);
    expect(cached.response!.status).toBe(304);
    // No response and no error: Firefox saw none, and NetLens does not guess why.
    expect(blocked.state).toBe('failed');
    expect(blocked.error).toMatchObject({ class: 'unclassified', detail: 'no response in HAR' });
    expect(blocked.error!.message).toContain('tracker.example.net:443');
    expect(blocked.error!.message).toContain('Firefox recorded no response and no error');
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
    // [Errno 111] from asyncio's connect is Linux' ECONNREFUSED.
    expect(refused.error).toMatchObject({
      class: 'connect_refused',
      phase: 'connect',
      code: 'ECONNREFUSED',
      detail: "[Errno 111] Connect call failed ('127.0.0.1', 9)",
    });
    // mitmproxy's content.size is the encoded size; the decoded text says what it decodes to.
    expect(login.response!.body).toMatchObject({
      sizeBytes: 34,
      decodedSizeBytes: 32,
      contentEncoding: 'gzip',
    });
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
    expect((caught as HarImportError).code).toBe('bad_har');
    expect((caught as Error).message).toMatch(message);
  };

  it('names what is wrong with the file as a whole, by its JSON path', () => {
    rejects('', 'The file is empty');
    rejects('{"log": {"entries": [}', 'The file is not valid JSON: expected a value (line 1, column 22).');
    rejects('{"log": {"entries": [', /^The file is not valid JSON: the text ends early \(expected a value\)/);
    rejects('[1, 2]', 'The file is an array, not a HAR object');
    rejects('{"entries": []}', /^log: missing; this JSON is not a HAR file/);
    rejects('{"log": "x"}', 'log: expected an object, got "x".');
    rejects('{"log": {"version": "1.2"}}', 'log.entries: missing (expected an array).');
    rejects('{"log": {"entries": {}}}', 'log.entries: expected an array, got an object.');
    rejects('{"log": {"creator": 7, "entries": []}}', 'log.creator: expected an object, got 7.');
  });

  it('never quotes the file in a JSON error (it may hold secrets)', () => {
    let message = '';
    try {
      parseHar(
        '{"log": {"entries": [{"request": {"headers": [{"name": "Authorization", "value": "Bearer s3cr3t"}]}} x]}}',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^The file is not valid JSON: expected ',' or '\]' \(line 1, column \d+\)\.$/);
    expect(message).not.toContain('s3cr3t');
  });

  it('skips a bad entry with the JSON path and what is wrong, and imports the rest', () => {
    const noUrl = minimalEntry();
    delete (noUrl.request as Record<string, unknown>).url;
    const badDate = minimalEntry({ startedDateTime: 'yesterday' });
    const badHeaders = minimalEntry();
    (badHeaders.request as Record<string, unknown>).headers = 'Accept: */*';
    const badWait = minimalEntry({ timings: { send: 1, wait: 'abc', receive: 1 } });
    const badHeader = minimalEntry();
    (badHeader.response as Record<string, unknown>).headers = [{ name: 'X', value: 5 }];
    const badStatus = minimalEntry();
    (badStatus.response as Record<string, unknown>).status = '200';
    const result = parseHar(
      har([
        minimalEntry(),
        noUrl,
        42,
        badDate,
        minimalEntry({ request: null }),
        badHeaders,
        badWait,
        badHeader,
        badStatus,
        minimalEntry(),
      ]),
    );
    expect(result.exchanges.map((e) => e.id)).toEqual(['har-0', 'har-9']);
    expect(result.skipped).toEqual([
      { index: 1, reason: 'log.entries[1].request.url: missing (expected a URL)' },
      { index: 2, reason: 'log.entries[2]: expected an object, got 42' },
      {
        index: 3,
        reason: 'log.entries[3].startedDateTime: expected an ISO 8601 date and time, got "yesterday"',
      },
      { index: 4, reason: 'log.entries[4].request: expected an object, got null' },
      { index: 5, reason: 'log.entries[5].request.headers: expected an array, got "Accept: */*"' },
      { index: 6, reason: 'log.entries[6].timings.wait: expected a number, got "abc"' },
      { index: 7, reason: 'log.entries[7].response.headers[0].value: expected a string, got 5' },
      { index: 8, reason: 'log.entries[8].response.status: expected a whole number ≥ 0, got "200"' },
    ]);
  });

  it('shortens a long bad value in the reason', () => {
    const [skipped] = parseHar(har([minimalEntry({ startedDateTime: 'x'.repeat(10_000) })])).skipped;
    expect(skipped!.reason.length).toBeLessThan(120);
  });

  it('tolerates missing optional parts and nulls: response, timings, headers, content', () => {
    const bare = minimalEntry({ response: undefined, timings: undefined });
    delete (bare.request as Record<string, unknown>).headers;
    const nulls = minimalEntry({ timings: { send: null, wait: 8, receive: null }, serverIPAddress: null });
    (nulls.response as Record<string, unknown>).content = {};
    (nulls.response as Record<string, unknown>).redirectURL = null;
    const { exchanges, skipped } = parseHar(har([bare, nulls]));
    expect(skipped).toEqual([]);
    expect(exchanges[0]).toMatchObject({ state: 'failed', timings: {}, request: { headers: [] } });
    expect(exchanges[0]!.durationMs).toBe(10);
    expect(exchanges[1]!.timings).toEqual({ wait: 8 });
    expect(exchanges[1]!.connection.serverIp).toBeUndefined();
  });

  it('keeps ids unique when a file repeats an _netlens.id', () => {
    const a = minimalEntry({ _netlens: { id: 'same', connectionReused: false } });
    const b = minimalEntry({ _netlens: { id: 'same', connectionReused: false } });
    expect(parseHar(har([a, b])).exchanges.map((e) => e.id)).toEqual(['same', 'same-1']);
  });

  it('rejects an entry whose NetLens fields are not what NetLens writes, naming the field', () => {
    const crafted: [Record<string, unknown>, string][] = [
      [
        { _netlens: { id: 'x', connectionReused: false, seq: 'nine' } },
        '_netlens.seq: expected a whole number ≥ 0, got "nine"',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, state: 'exploded' } },
        '_netlens.state: expected one of pending, complete, failed, got "exploded"',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, connectionInfo: { serverIp: { toString: 'x' } } } },
        '_netlens.connectionInfo.serverIp: expected a string, got an object',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, connectionInfo: { tls: { protocol: 7 } } } },
        '_netlens.connectionInfo.tls.protocol: expected a string, got 7',
      ],
      [
        {
          _netlens: {
            id: 'x',
            connectionReused: false,
            http2: { reset: { code: 2, name: 'INTERNAL_ERROR', by: 'nobody' } },
          },
        },
        '_netlens.http2.reset.by: expected one of client, server, netlens, got "nobody"',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, grpc: { service: 'a.B' } } },
        '_netlens.grpc.method: missing (expected a string)',
      ],
      [
        {
          _netlens: {
            id: 'x',
            connectionReused: false,
            grpc: { service: 'a.B', method: 'M', decoded: { request: [{ fields: 'text' }] } },
          },
        },
        '_netlens.grpc.decoded.request[0].fields: expected an object, got "text"',
      ],
      [
        {
          _netlens: {
            id: 'x',
            connectionReused: false,
            grpc: { service: 'a.B', method: 'M', decoded: { names: { kind: 'reflection' } } },
          },
        },
        '_netlens.grpc.decoded.names.origin: missing (expected a string)',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, tunnel: { reason: 'because' } } },
        '_netlens.tunnel.reason: expected one of pass_through_host, client_rejected_certificate, not_tls, tcp_proxy, got "because"',
      ],
      [
        {
          _netlens: {
            id: 'x',
            connectionReused: false,
            rule: { id: 'r', name: { evil: true }, actions: [] },
          },
        },
        '_netlens.rule.name: expected a string, got an object',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, retry: { chainId: 'c', attempt: 'first' } } },
        '_netlens.retry.attempt: expected a whole number ≥ 1, got "first"',
      ],
      [
        { _netlens: { id: 'x', connectionReused: false, traceId: 42 } },
        '_netlens.traceId: expected a string, got 42',
      ],
      [{ _netlens: { connectionReused: false } }, '_netlens.id: missing (expected an exchange id)'],
      [{ _netlens: 'x' }, '_netlens: expected an object, got "x"'],
      [
        { _error: { class: 'not_a_class', phase: 'wait', elapsedMs: 1 } },
        '_error.class: expected one of dns_not_found',
      ],
      [
        { _error: 5 },
        "_error: expected an object (NetLens' diagnosis) or a string (Chrome's error name), got 5",
      ],
    ];
    const { exchanges, skipped } = parseHar(har(crafted.map(([fields]) => minimalEntry(fields))));
    expect(exchanges).toEqual([]);
    expect(skipped).toHaveLength(crafted.length);
    crafted.forEach(([, reason], i) => expect(skipped[i]!.reason).toContain(`log.entries[${i}].${reason}`));
  });

  it('reads the fields of NetLens 0.1 files: rule.action and _netlens.errorCode', () => {
    const old = minimalEntry({
      _netlens: {
        id: 'old',
        connectionReused: false,
        rule: { id: 'r', name: 'slow', action: 'delay 5 ms' },
        errorCode: 'ECONNRESET',
      },
      _error: { class: 'connection_reset', phase: 'wait', elapsedMs: 3, message: 'reset' },
    });
    const [exchange] = parseHar(har([old])).exchanges;
    expect(exchange!.rule).toEqual({ ruleId: 'r', ruleName: 'slow', actions: ['delay 5 ms'] });
    expect(exchange!.error).toMatchObject({ class: 'connection_reset', code: 'ECONNRESET' });
  });

  it('uses the given id prefix for entries without a NetLens id', () => {
    expect(parseHar(har([minimalEntry()]), { idPrefix: 'import-3-' }).exchanges[0]!.id).toBe('import-3-0');
  });
});

describe('parseHar: failures recorded by other tools', () => {
  function failed(
    tool: string,
    error: string,
    timings: Record<string, unknown> = { connect: 3, send: 0, wait: 0, receive: 0 },
  ) {
    const entry = minimalEntry({ timings, time: 3 });
    entry.response = {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: {},
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _error: error,
    };
    const text = JSON.stringify({
      log: { version: '1.2', creator: { name: tool, version: '1' }, entries: [entry] },
    });
    return parseHar(text).exchanges[0]!;
  }

  it("maps mitmproxy's [Errno 60] Connect call failed to a connect timeout (ETIMEDOUT on macOS), not a refusal", () => {
    const exchange = failed('mitmproxy exporthar', "[Errno 60] Connect call failed ('203.0.113.7', 443)");
    expect(exchange.error).toMatchObject({ class: 'connect_timeout', phase: 'connect', code: 'ETIMEDOUT' });
    expect(exchange.error!.detail).toBe("[Errno 60] Connect call failed ('203.0.113.7', 443)");
  });

  it("keeps Chrome's ERR_INTERNET_DISCONNECTED unclassified, with its name and words", () => {
    const exchange = failed('WebInspector', 'net::ERR_INTERNET_DISCONNECTED', {
      blocked: 1.5,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait: 0,
      receive: 0,
    });
    expect(exchange.state).toBe('failed');
    expect(exchange.error).toMatchObject({
      class: 'unclassified',
      code: 'ERR_INTERNET_DISCONNECTED',
      detail: 'net::ERR_INTERNET_DISCONNECTED',
      phase: 'dns',
    });
    expect(exchange.error!.message).toContain('does not say why for certain');
    expect(exchange.error!.message).toContain('net::ERR_INTERNET_DISCONNECTED');
  });

  it('keeps a free text that names no cause unclassified, in the phase the timings show', () => {
    const exchange = failed('some tool', 'connection failed somehow', {
      dns: 2,
      connect: 40,
      send: 0,
      wait: 0,
      receive: 0,
    });
    expect(exchange.error).toMatchObject({
      class: 'unclassified',
      phase: 'connect',
      detail: 'connection failed somehow',
    });
    expect(exchange.error!.code).toBeUndefined();
  });

  it('keeps the certificate problem as the detail and the Chrome name as the code', () => {
    const exchange = failed('WebInspector', 'net::ERR_CERT_COMMON_NAME_INVALID');
    expect(exchange.error).toMatchObject({
      class: 'tls_cert_invalid',
      phase: 'tls',
      detail: 'hostname_mismatch',
      code: 'ERR_CERT_COMMON_NAME_INVALID',
    });
  });

  it('reads an entry-level _error string (older Chrome) as the failure', () => {
    const entry = minimalEntry({
      _error: 'net::ERR_NAME_NOT_RESOLVED',
      timings: { send: 0, wait: 0, receive: 0 },
    });
    entry.response = {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: {},
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    };
    const [exchange] = parseHar(har([entry])).exchanges;
    expect(exchange!.error).toMatchObject({
      class: 'dns_not_found',
      phase: 'dns',
      code: 'ERR_NAME_NOT_RESOLVED',
    });
  });
});

describe('HarImporter', () => {
  it('imports entry by entry, holding only the log head (a streaming reader feeds it the same way)', () => {
    const importer = new HarImporter({
      version: '1.2',
      creator: { name: 'mitmproxy exporthar', version: '0.1' },
    });
    expect(importer.head.creator.name).toBe('mitmproxy exporthar');
    const first = importer.add(
      minimalEntry({ timings: { connect: 40, ssl: 25, send: 1, wait: 2, receive: 3 } }),
    );
    // mitmproxy: ssl is outside connect, so connect stays 40.
    expect(first!.exchange.timings).toMatchObject({ connect: 40, ssl: 25 });
    expect(importer.add('not an entry')).toBeUndefined();
    expect(importer.add(minimalEntry())!.exchange.id).toBe('har-2');
    expect(importer.skipped).toEqual([
      { index: 1, reason: 'log.entries[1]: expected an object, got "not an entry"' },
    ]);
  });

  it("rejects a log head that is not HAR's", () => {
    expect(() => new HarImporter({ creator: { name: 5 } })).toThrow(
      'log.creator.name: expected a string, got 5.',
    );
  });
});

describe('parseHar: HTTP/2 and gRPC', () => {
  it('round-trips the streams, resets, GOAWAY, server settings, trailers and the gRPC call', async () => {
    const exchange = makeExchange({
      method: 'POST',
      url: 'https://127.0.0.1:50051/echo.Echo/Say',
      request: {
        httpVersion: 'HTTP/2.0',
        trailers: [{ name: 'x-checksum', value: 'abc' }],
      },
      response: {
        httpVersion: 'HTTP/2.0',
        headers: [
          { name: ':status', value: '200' },
          { name: 'content-type', value: 'application/grpc' },
        ],
        trailers: [
          { name: 'grpc-status', value: '14' },
          { name: 'grpc-message', value: 'backend%20down' },
        ],
      },
      http2: {
        clientStreamId: 3,
        clientConnectionId: 'k2',
        upstreamStreamId: 1,
        priority: { weight: 220, urgency: 1, incremental: true },
        reset: { by: 'server', code: 2, name: 'INTERNAL_ERROR' },
        goAway: { by: 'server', code: 11, name: 'ENHANCE_YOUR_CALM', lastStreamId: 1, debug: 'busy' },
        serverSettings: { maxConcurrentStreams: 100, initialWindowSize: 65535, enablePush: false },
      },
      grpc: {
        service: 'echo.Echo',
        method: 'Say',
        requestMessages: 1,
        responseMessages: 0,
        status: 14,
        statusName: 'UNAVAILABLE',
        message: 'backend down',
        decoded: {
          names: { kind: 'proto', fileName: 'echo.proto' },
          request: [{ type: 'echo.EchoRequest', fields: { text: 'hi', n: ['1'] } }],
          response: [{ error: 'Could not decompress: snappy', truncated: true }],
          notShown: { response: 2 },
        },
      },
    });
    const document = await toHar([exchange], { creatorVersion: '1', loadBody: async () => null });
    expect(harSchemaErrors(document)).toEqual([]);
    const entry = document.log.entries[0]!;
    expect(entry.request.httpVersion).toBe('HTTP/2.0');
    expect(entry._netlens?.http2?.clientStreamId).toBe(3);
    expect(entry._netlens?.trailers?.response).toEqual([
      { name: 'grpc-status', value: '14' },
      { name: 'grpc-message', value: 'backend%20down' },
    ]);
    const imported = parseHar(JSON.stringify(document));
    expect(imported.skipped).toEqual([]);
    expect(imported.exchanges[0]).toEqual(exchange);
  });

  it("round-trips a WebSocket's frame log, and writes Chrome's _webSocketMessages from it", async () => {
    const exchange = makeExchange({
      kind: 'websocket',
      url: 'http://127.0.0.1:8080/chat',
      response: { status: 101, statusText: 'Switching Protocols', body: body(0) },
      websocket: {
        messagesFromClient: 1,
        messagesFromServer: 1,
        bytesFromClient: 11,
        bytesFromServer: 8,
        closedAtMs: 1_700_000_001_000,
        frames: [
          { direction: 'send', timeMs: 1_700_000_000_500, opcode: 1, sizeBytes: 5, data: 'hello' },
          {
            direction: 'receive',
            timeMs: 1_700_000_000_600,
            opcode: 2,
            sizeBytes: 2,
            data: 'AAE=',
            encoding: 'base64',
          },
          {
            direction: 'send',
            timeMs: 1_700_000_000_700,
            opcode: 8,
            sizeBytes: 2,
            data: 'A+g=',
            encoding: 'base64',
          },
        ],
        framesNotRecorded: 3,
      },
    });
    const document = await toHar([exchange], { creatorVersion: '1', loadBody: async () => null });
    expect(harSchemaErrors(document)).toEqual([]);
    expect(document.log.entries[0]!._webSocketMessages).toEqual([
      { type: 'send', time: 1_700_000_000.5, opcode: 1, data: 'hello' },
      { type: 'receive', time: 1_700_000_000.6, opcode: 2, data: 'AAE=' },
    ]);
    const imported = parseHar(JSON.stringify(document));
    expect(imported.exchanges[0]).toEqual(exchange);
  });
});
