import { describe, expect, it } from 'vitest';
import type { BodyPayload, BodySide, Exchange } from '@shared/model.js';
import type { HarEntry } from '@shared/har.js';
import { harTimings, harUrl, toHar } from '@engine/capture/harExport.js';
import { body, headers, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';

type Bodies = Record<string, Partial<Record<BodySide, BodyPayload>>>;

function payload(bytes: Buffer | string, extra: Partial<BodyPayload> = {}): BodyPayload {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return {
    base64: buffer.toString('base64'),
    decoded: true,
    truncated: false,
    sizeBytes: buffer.length,
    ...extra,
  };
}

async function exportOne(
  exchange: Exchange,
  bodies: Bodies = {},
  options: { redact?: boolean; maxBodyBytes?: number } = {},
): Promise<HarEntry> {
  const har = await toHar([exchange], {
    creatorVersion: '9.9.9',
    loadBody: async (id, side) => bodies[id]?.[side] ?? null,
    ...options,
  });
  expect(harSchemaErrors(har)).toEqual([]);
  expect(har.log.entries).toHaveLength(1);
  return har.log.entries[0]!;
}

const JSON_BODY = '{"items":[1,2,3]}';

function completeExchange(): Exchange {
  return makeExchange({
    method: 'POST',
    url: 'https://api.example.com/v1/items?page=2&q=a%20b',
    startedAtMs: Date.UTC(2025, 2, 14, 9, 30, 0, 125),
    timings: { blocked: 0.5, dns: 4, connect: 6, ssl: 12, send: 1, wait: 30, receive: 3.25 },
    durationMs: 56.75,
    connection: { id: 'conn-7', reused: false, serverIp: '203.0.113.9', serverPort: 443 },
    requestHeaders: headers({
      Host: 'api.example.com',
      'Content-Type': 'application/json',
      Cookie: 'sid=abc; theme=dark',
    }),
    request: { body: body(15, 'application/json') },
    responseHeaders: [
      { name: 'Content-Type', value: 'application/json; charset=utf-8' },
      { name: 'Content-Encoding', value: 'gzip' },
      {
        name: 'Set-Cookie',
        value: 'sid=new; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure; SameSite=Lax',
      },
      { name: 'Location', value: '/v1/items/9' },
    ],
    response: {
      status: 201,
      statusText: 'Created',
      body: {
        sizeBytes: 12,
        decodedSizeBytes: 17,
        capturedBytes: 17,
        truncated: false,
        contentEncoding: 'gzip',
      },
    },
  });
}

describe('toHar', () => {
  it('writes a HAR 1.2 log with NetLens as creator', async () => {
    const har = await toHar([], { creatorVersion: '1.2.3', loadBody: async () => null });
    expect(har).toEqual({
      log: { version: '1.2', creator: { name: 'NetLens', version: '1.2.3' }, entries: [] },
    });
    expect(harSchemaErrors(har)).toEqual([]);
  });

  it('maps a complete exchange: dates, request, response, cookies, query, sizes', async () => {
    const exchange = completeExchange();
    const entry = await exportOne(exchange, {
      [exchange.id]: { request: payload('{"name":"pear"}'), response: payload(JSON_BODY) },
    });
    expect(entry.startedDateTime).toBe('2025-03-14T09:30:00.125Z');
    expect(entry.serverIPAddress).toBe('203.0.113.9');
    expect(entry.connection).toBe('conn-7');
    expect(entry.request.method).toBe('POST');
    expect(entry.request.queryString).toEqual([
      { name: 'page', value: '2' },
      { name: 'q', value: 'a b' },
    ]);
    expect(entry.request.cookies).toEqual([
      { name: 'sid', value: 'abc' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(entry.request.postData).toEqual({ mimeType: 'application/json', text: '{"name":"pear"}' });
    expect(entry.request.bodySize).toBe(15);
    const requestHead =
      'POST /v1/items?page=2&q=a%20b HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\nCookie: sid=abc; theme=dark\r\n\r\n';
    expect(entry.request.headersSize).toBe(Buffer.byteLength(requestHead));

    expect(entry.response.status).toBe(201);
    // Resolved against the request URL (the Location header keeps the text as sent).
    expect(entry.response.redirectURL).toBe('https://api.example.com/v1/items/9');
    expect(entry.response.headers).toContainEqual({ name: 'Location', value: '/v1/items/9' });
    expect(entry.response.content).toEqual({
      size: 17,
      compression: 5,
      mimeType: 'application/json; charset=utf-8',
      text: JSON_BODY,
    });
    expect(entry.response.bodySize).toBe(12);
    expect(entry.response.cookies).toEqual([
      {
        name: 'sid',
        value: 'new',
        path: '/',
        expires: '2026-10-21T07:28:00.000Z',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      },
    ]);
    expect(entry._netlens).toMatchObject({
      id: exchange.id,
      connectionReused: false,
      kind: 'http',
      state: 'complete',
    });
    expect(entry._error).toBeUndefined();
  });

  it('counts ssl inside connect and sums the phases into time (HAR 1.2)', async () => {
    const entry = await exportOne(completeExchange());
    expect(entry.timings).toEqual({
      blocked: 0.5,
      dns: 4,
      connect: 18,
      ssl: 12,
      send: 1,
      wait: 30,
      receive: 3.25,
    });
    expect(entry.time).toBe(56.75);
  });

  it('writes -1 for dns, connect and ssl on a reused connection', async () => {
    const entry = await exportOne(
      makeExchange({
        timings: { send: 1, wait: 20, receive: 2 },
        connection: { id: 'conn-1', reused: true, serverIp: '127.0.0.1' },
      }),
    );
    expect(entry.timings).toEqual({
      blocked: -1,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 1,
      wait: 20,
      receive: 2,
    });
    expect(entry.time).toBe(23);
    expect(entry._netlens!.connectionReused).toBe(true);
  });

  it('exports a failed exchange with Chrome-style empty response, completed phases and _error', async () => {
    const exchange = makeFailedExchange(
      { detail: 'ETIMEDOUT', code: 'ETIMEDOUT' },
      { timings: { dns: 1, connect: 3000 }, url: 'https://auth.internal/login' },
    );
    const entry = await exportOne(exchange);
    expect(entry.response).toEqual({
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    });
    expect(entry.timings).toEqual({
      blocked: -1,
      dns: 1,
      connect: 3000,
      ssl: -1,
      send: 0,
      wait: 0,
      receive: 0,
    });
    expect(entry.time).toBe(3001);
    expect(entry._error).toEqual({
      class: 'connect_timeout',
      phase: 'connect',
      elapsedMs: 3001,
      message: exchange.error!.message,
      detail: 'ETIMEDOUT',
      code: 'ETIMEDOUT',
    });
    expect(entry._netlens).toMatchObject({ state: 'failed' });
  });

  it('keeps the response of an exchange that failed mid-body, with its _error', async () => {
    const exchange = makeExchange({
      state: 'failed',
      timings: { dns: 1, connect: 1, send: 1, wait: 5, receive: 30_000 },
      error: { class: 'body_timeout', phase: 'receive', elapsedMs: 30_008, message: 'stalled' },
      response: { body: { sizeBytes: 4, capturedBytes: 4, truncated: false } },
    });
    const entry = await exportOne(exchange, { [exchange.id]: { response: payload('{"a"') } });
    expect(entry.response.status).toBe(200);
    expect(entry.response.content.text).toBe('{"a"');
    expect(entry._error).toMatchObject({ class: 'body_timeout', phase: 'receive' });
  });

  it('base64-encodes binary bodies and text that is not UTF-8', async () => {
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const image = makeExchange({
      responseHeaders: headers({ 'Content-Type': 'image/gif' }),
      response: { body: body(gif.length, 'image/gif') },
    });
    const imageEntry = await exportOne(image, { [image.id]: { response: payload(gif) } });
    expect(imageEntry.response.content).toMatchObject({
      encoding: 'base64',
      text: gif.toString('base64'),
      size: 43,
    });

    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    const text = makeExchange({
      responseHeaders: headers({ 'Content-Type': 'text/plain; charset=iso-8859-1' }),
      response: { body: body(4) },
    });
    const textEntry = await exportOne(text, { [text.id]: { response: payload(latin1) } });
    expect(textEntry.response.content).toMatchObject({ encoding: 'base64', text: latin1.toString('base64') });
  });

  it('lists the params of a form body', async () => {
    const form = 'user=ada&note=hello+world%21';
    const exchange = makeExchange({
      method: 'POST',
      requestHeaders: headers({ 'Content-Type': 'application/x-www-form-urlencoded' }),
      request: { body: body(form.length) },
    });
    const entry = await exportOne(exchange, { [exchange.id]: { request: payload(form) } });
    expect(entry.request.postData).toEqual({
      mimeType: 'application/x-www-form-urlencoded',
      text: form,
      params: [
        { name: 'user', value: 'ada' },
        { name: 'note', value: 'hello world!' },
      ],
    });
  });

  it('redacts headers, cookies, query, JSON and form bodies, and leaves the exchange untouched', async () => {
    const exchange = makeExchange({
      method: 'POST',
      url: 'https://api.example.com/token?client_secret=s3&page=1',
      requestHeaders: headers({
        Authorization: 'Bearer abc',
        Cookie: 'sid=abc',
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
      request: { body: body(30) },
      responseHeaders: headers({ 'Content-Type': 'application/json', 'Set-Cookie': 'sid=xyz; HttpOnly' }),
      response: { body: body(40) },
    });
    const entry = await exportOne(
      exchange,
      {
        [exchange.id]: {
          request: payload('grant_type=password&password=pw'),
          response: payload('{"access_token":"t0k","expires_in":3600}'),
        },
      },
      { redact: true },
    );
    const raw = JSON.stringify(entry);
    for (const secret of ['abc', 's3', 'xyz', '=pw', 't0k']) expect(raw).not.toContain(secret);
    expect(entry.request.url).toBe('https://api.example.com/token?client_secret=%5Bredacted%5D&page=1');
    expect(entry.request.queryString).toContainEqual({ name: 'client_secret', value: '[redacted]' });
    expect(entry.request.headers).toContainEqual({ name: 'Authorization', value: 'Bearer [redacted]' });
    expect(entry.request.cookies).toEqual([{ name: 'sid', value: '[redacted]' }]);
    expect(entry.response.cookies[0]).toMatchObject({ name: 'sid', value: '[redacted]', httpOnly: true });
    expect(entry.request.postData!.params).toContainEqual({ name: 'password', value: '[redacted]' });
    expect(entry.request.postData!.params).toContainEqual({ name: 'grant_type', value: 'password' });
    expect(JSON.parse(entry.response.content.text!)).toEqual({
      access_token: '[redacted]',
      expires_in: 3600,
    });
    // Sizes describe what crossed the wire, redacted or not.
    expect(entry.request.bodySize).toBe(30);
    expect(exchange.request.headers[0]!.value).toBe('Bearer abc');
  });

  it('marks truncated bodies in _netlens.truncated and says so in a comment', async () => {
    const exchange = makeExchange({
      response: { body: { sizeBytes: 1000, capturedBytes: 10, truncated: true } },
    });
    const entry = await exportOne(exchange, {
      [exchange.id]: { response: payload('0123456789', { truncated: true }) },
    });
    expect(entry._netlens!.truncated).toEqual({ response: true });
    expect(entry.response.content.comment).toContain('truncated: the first 10 bytes only');
  });

  it('carries why a body was cut in _netlens.bodies and in the comment', async () => {
    const exchange = makeExchange({
      request: {
        body: { sizeBytes: 500, capturedBytes: 0, truncated: true, truncatedReason: 'disk_behind' },
      },
      response: { body: { sizeBytes: 1000, capturedBytes: 10, truncated: true, truncatedReason: 'cap' } },
    });
    const entry = await exportOne(exchange, {
      [exchange.id]: { response: payload('0123456789', { truncated: true }) },
    });
    expect(entry._netlens!.truncated).toEqual({ request: true, response: true });
    expect(entry._netlens!.bodies!.request.truncatedReason).toBe('disk_behind');
    expect(entry._netlens!.bodies!.response!.truncatedReason).toBe('cap');
    expect(entry.response.content.comment).toContain('truncated (capture cap): the first 10 bytes only');
  });

  it('survives a body that cannot be loaded, and leaves out bodies over maxBodyBytes', async () => {
    const broken = makeExchange({ response: { body: body(5) } });
    const big = makeExchange({ response: { body: body(100) } });
    const har = await toHar([broken, big], {
      creatorVersion: '1',
      maxBodyBytes: 50,
      loadBody: async (id) => {
        if (id === broken.id) throw new Error('spill file vanished');
        return payload('x'.repeat(100));
      },
    });
    expect(harSchemaErrors(har)).toEqual([]);
    expect(har.log.entries[0]!.response.content.comment).toBe('body unavailable: spill file vanished');
    expect(har.log.entries[1]!.response.content.text).toBeUndefined();
    expect(har.log.entries[1]!.response.content.comment).toContain(
      'larger than the export limit of 50 bytes',
    );
  });

  it('keeps undecodable bodies as received, base64, with a comment', async () => {
    const garbage = Buffer.from([0x1f, 0x8b, 0x00, 0x01]);
    const exchange = makeExchange({
      response: { body: { sizeBytes: 4, capturedBytes: 4, truncated: false, contentEncoding: 'gzip' } },
    });
    const entry = await exportOne(exchange, {
      [exchange.id]: { response: payload(garbage, { decoded: false }) },
    });
    expect(entry.response.content).toMatchObject({ text: garbage.toString('base64'), encoding: 'base64' });
    expect(entry.response.content.comment).toContain('could not be decoded');
  });

  it('carries retry, rule and trace data in _netlens', async () => {
    const entry = await exportOne(
      makeExchange({
        retry: { chainId: 'chain-1', attempt: 1 },
        rule: { ruleId: 'r1', ruleName: 'flaky', actions: ['reset after headers'] },
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      }),
    );
    expect(entry._netlens).toMatchObject({
      retry: { chainId: 'chain-1', attempt: 1 },
      rule: { id: 'r1', name: 'flaky', actions: ['reset after headers'] },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('exports a tunnel as a CONNECT entry without bodies', async () => {
    let loads = 0;
    const tunnel = makeExchange({
      kind: 'tunnel',
      method: 'CONNECT',
      url: 'https://pinned.example.com:443',
      requestHeaders: headers({ Host: 'pinned.example.com:443' }),
      responseHeaders: [],
      response: { status: 200, statusText: 'Connection Established', body: body(0) },
      tunnel: { reason: 'pass_through_host', bytesFromClient: 512, bytesFromServer: 4096 },
    });
    const har = await toHar([tunnel], {
      creatorVersion: '1',
      loadBody: async () => {
        loads += 1;
        return null;
      },
    });
    expect(harSchemaErrors(har)).toEqual([]);
    const entry = har.log.entries[0]!;
    expect(loads).toBe(0);
    expect(entry.request.method).toBe('CONNECT');
    expect(entry.request.headersSize).toBe(
      Buffer.byteLength('CONNECT pinned.example.com:443 HTTP/1.1\r\nHost: pinned.example.com:443\r\n\r\n'),
    );
    expect(entry._netlens).toMatchObject({
      kind: 'tunnel',
      tunnel: { reason: 'pass_through_host', bytesFromServer: 4096 },
    });
  });

  it("exports a WebSocket handshake with Chrome's _resourceType and the message counts", async () => {
    const ws = makeExchange({
      kind: 'websocket',
      url: 'ws://127.0.0.1:8080/live',
      response: { status: 101, statusText: 'Switching Protocols', body: body(0) },
      websocket: { messagesFromClient: 2, messagesFromServer: 5, bytesFromClient: 40, bytesFromServer: 900 },
    });
    const entry = await exportOne(ws);
    expect(entry._resourceType).toBe('websocket');
    expect(entry.response.status).toBe(101);
    expect(entry._netlens).toMatchObject({ kind: 'websocket', websocket: { messagesFromServer: 5 } });
  });

  it('writes a plain IP in serverIPAddress, or nothing when there is none', async () => {
    const ip = async (serverIp: string | undefined) =>
      (
        await exportOne(
          makeExchange({ connection: { id: 'c', reused: false, ...(serverIp ? { serverIp } : {}) } }),
        )
      ).serverIPAddress;
    expect(await ip('[::1]')).toBe('::1');
    expect(await ip('fe80::1%eth0')).toBe('fe80::1');
    expect(await ip('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(await ip('not-an-ip')).toBeUndefined();
    expect(await ip(undefined)).toBeUndefined();
  });

  it('exports a pending exchange as a request without response and without _error', async () => {
    const entry = await exportOne(makeExchange({ state: 'pending', response: null, timings: { dns: 1 } }));
    expect(entry.response.status).toBe(0);
    expect(entry._error).toBeUndefined();
    expect(entry._netlens!.state).toBe('pending');
  });
});

describe('HAR details (docs/har.md, "Decisions")', () => {
  it('bodySize is the body as received, content-coded, without chunked framing (HAR 1.2: equal to content.size when not compressed)', async () => {
    const chunked = makeExchange({
      responseHeaders: headers({ 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }),
      response: { body: body(11, 'text/plain') },
    });
    const entry = await exportOne(chunked, { [chunked.id]: { response: payload('hello world') } });
    expect(entry.response.bodySize).toBe(11);
    expect(entry.response.content.size).toBe(11);
    expect(entry.response.content.compression).toBe(0);
  });

  it('writes compression 0 for a body without Content-Encoding, the bytes saved for a decoded one, nothing when unknown', async () => {
    const plain = await exportOne(makeExchange({ response: { body: body(2, 'application/json') } }));
    expect(plain.response.content.compression).toBe(0);
    const gzip = await exportOne(completeExchange());
    expect(gzip.response.content).toMatchObject({ size: 17, compression: 5 });
    expect(gzip.response.bodySize).toBe(12);
    const undecodable = await exportOne(
      makeExchange({
        response: { body: { sizeBytes: 4, capturedBytes: 4, truncated: false, contentEncoding: 'br' } },
      }),
    );
    expect(undecodable.response.content).not.toHaveProperty('compression');
    expect(undecodable.response.content.size).toBe(4);
    const none = await exportOne(makeFailedExchange());
    expect(none.response.content).toEqual({ size: 0, mimeType: 'x-unknown' });
  });

  it('resolves a relative Location into an absolute redirectURL, and keeps an unresolvable one as sent', async () => {
    const redirect = (url: string, location: string) =>
      exportOne(
        makeExchange({
          url,
          status: 302,
          responseHeaders: headers({ Location: location }),
          response: { body: body(0) },
        }),
      ).then((entry) => entry.response.redirectURL);
    expect(await redirect('https://h.example/a/b?q=1', 'c')).toBe('https://h.example/a/c');
    expect(await redirect('https://h.example/a/b', '../x y')).toBe('https://h.example/x%20y');
    expect(await redirect('http://127.0.0.1:8080/a', '//cdn.example/z')).toBe('http://cdn.example/z');
    expect(await redirect('http://127.0.0.1:8080/a', 'https://other.example/')).toBe(
      'https://other.example/',
    );
    expect(await redirect('http://127.0.0.1:8080/a', 'http://[bad')).toBe('http://[bad');
    expect(await redirect('http://127.0.0.1:8080/a', '')).toBe('');
  });

  it('writes source and, when they differ from what went upstream, the client headers (redacted too)', async () => {
    const exchange = makeExchange({
      source: 'terminal#2',
      requestHeaders: headers({ Host: '127.0.0.1:8080', Authorization: 'Bearer abc' }),
    });
    exchange.request.clientHeaders = headers({
      Host: '127.0.0.1:8080',
      'Proxy-Connection': 'keep-alive',
      'Proxy-Authorization': 'Basic c2VjcmV0',
      Authorization: 'Bearer abc',
    });
    const entry = await exportOne(exchange);
    expect(entry._netlens).toMatchObject({
      source: 'terminal#2',
      clientHeaders: exchange.request.clientHeaders,
    });
    expect(entry.request.headers).toEqual(exchange.request.headers);
    const redacted = await exportOne(exchange, {}, { redact: true });
    expect(JSON.stringify(redacted)).not.toContain('c2VjcmV0');
    expect(JSON.stringify(redacted)).not.toContain('Bearer abc');
    expect(redacted._netlens!.clientHeaders).toContainEqual({
      name: 'Proxy-Connection',
      value: 'keep-alive',
    });
  });

  it('writes an unclassified failure with its class and the recorded words', async () => {
    const entry = await exportOne(
      makeFailedExchange({
        class: 'unclassified',
        detail: 'net::ERR_INTERNET_DISCONNECTED',
        code: 'ERR_INTERNET_DISCONNECTED',
      }),
    );
    expect(entry._error).toMatchObject({
      class: 'unclassified',
      detail: 'net::ERR_INTERNET_DISCONNECTED',
      code: 'ERR_INTERNET_DISCONNECTED',
    });
  });
});

describe('harTimings', () => {
  it('treats a connect without ssl as TCP only, and ssl without connect as the connect', () => {
    expect(harTimings({ timings: { connect: 5 } })).toMatchObject({ connect: 5, ssl: -1 });
    expect(harTimings({ timings: { ssl: 7 } })).toMatchObject({ connect: 7, ssl: 7 });
  });

  it('rounds to microseconds and ignores non-finite values', () => {
    expect(harTimings({ timings: { wait: 1 / 3, receive: Number.NaN } })).toMatchObject({
      wait: 0.333,
      receive: 0,
    });
  });
});

describe('harUrl', () => {
  it('percent-encodes what RFC 3986 does not allow, so the entry stays schema-valid', () => {
    expect(harUrl('http://h/a b|c{d}?q=[x]&r=ä#f g')).toBe(
      'http://h/a%20b%7Cc%7Bd%7D?q=%5Bx%5D&r=%C3%A4#f%20g',
    );
    expect(harUrl('http://h/100%')).toBe('http://h/100%25');
    expect(harUrl('http://[::1]:8080/ok?a=%20')).toBe('http://[::1]:8080/ok?a=%20');
  });

  it('keeps an exported entry valid for a raw request target', async () => {
    const entry = await exportOne(makeExchange({ url: 'http://127.0.0.1:8080/search?q=a b|c' }));
    expect(entry.request.url).toBe('http://127.0.0.1:8080/search?q=a%20b%7Cc');
    expect(entry.request.queryString).toEqual([{ name: 'q', value: 'a b|c' }]);
  });
});
