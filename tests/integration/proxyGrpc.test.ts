/**
 * gRPC made readable, with a real gRPC client and server (@grpc/grpc-js) on 127.0.0.1 talking
 * through NetLens (h2c with prior knowledge on the proxy port): unary and bidirectional streaming
 * calls, gzip-compressed messages, decoded raw and then with the .proto's names. And HTTP/2's
 * CONNECT: plain CONNECT in a stream answered 501 and recorded, extended CONNECT (RFC 8441)
 * refused with a stream error since NetLens never offers it.
 */
import fs from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_PROTO } from '@fixtures/echoProto.js';
import {
  echoClientThrough,
  say,
  startEchoServer,
  type EchoMessage as Message,
  type EchoServer,
  type EchoStub,
} from '@fixtures/echoService.js';
import { httpOrigin, startProxy, type TestProxy } from './proxyHarness.js';

describe('gRPC through NetLens, decoded', () => {
  let proxy: TestProxy;
  let server: EchoServer;

  beforeAll(async () => {
    proxy = await startProxy();
    server = await startEchoServer();
  });

  afterAll(async () => {
    server.close();
    await proxy.close();
  });

  function client(options: grpc.ChannelOptions = {}): EchoStub {
    return echoClientThrough(proxy.port, server.port, options);
  }

  it('a unary call with gzip messages: each message inflated and decoded, raw then with names', async () => {
    const echo = client({ 'grpc.default_compression_algorithm': 2 });
    const reply = await say(echo, {
      text: 'hello',
      count: 3,
      inner: { label: 'in', delta: -1 },
      mood: 'HAPPY',
    });
    echo.close();
    expect(reply.text).toBe('you said hello');
    const exchange = await proxy.finished((e) => e.request.url.endsWith('/netlens.test.Echo/Say'));
    expect(exchange.grpc).toMatchObject({
      status: 0,
      encoding: 'gzip',
      requestMessages: 1,
      responseMessages: 1,
    });

    const raw = (await proxy.engine.grpc.messages(exchange.id))!;
    expect(raw.schemaMethod).toBe(false);
    // The server has no reflection service: asked, it says so, and the call is decoded raw.
    expect(raw.reflection).toEqual({
      origin: `127.0.0.1:${server.port}`,
      problem: 'no reflection service (neither grpc.reflection.v1 nor v1alpha)',
    });
    expect(raw.names).toBeUndefined();
    expect(raw.request.messages).toHaveLength(1);
    const request = raw.request.messages[0]!;
    expect(request.compressed).toBe(true);
    expect(request.error).toBeUndefined();
    expect(request.decoded!.fields.map((f) => [f.number, f.kind, f.text])).toEqual([
      [1, 'string', 'hello'],
      [2, 'varint', '3'],
      [11, 'message', ''],
      [13, 'varint', '1'],
    ]);
    expect(raw.response.messages[0]!.decoded!.fields.map((f) => f.text)).toEqual([
      'you said hello',
      'a',
      'b',
    ]);

    await proxy.engine.grpc.loadProto('echo.proto', ECHO_PROTO);
    const named = (await proxy.engine.grpc.messages(exchange.id))!;
    expect(named.schemaMethod).toBe(true);
    expect(named.names).toEqual({ kind: 'proto', fileName: 'echo.proto' });
    expect(named.reflection).toBeUndefined();
    const fields = named.request.messages[0]!.decoded!.fields;
    expect(fields.map((f) => [f.name, f.text])).toEqual([
      ['text', 'hello'],
      ['count', '3'],
      ['inner', ''],
      ['mood', 'HAPPY'],
    ]);
    expect(fields[2]!.fields!.map((f) => [f.name, f.text])).toEqual([
      ['label', 'in'],
      ['delta', '-1'],
    ]);
    await proxy.engine.grpc.removeProto('echo.proto');
  });

  it('a bidirectional stream: every message each way, in order', async () => {
    const echo = client();
    const call = echo.Chat();
    const replies: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (reply: Message) => replies.push(String(reply.text)));
      call.on('end', resolve);
      call.on('error', reject);
    });
    for (const text of ['one', 'two', 'three']) call.write({ text });
    call.end();
    await done;
    echo.close();
    expect(replies).toEqual(['echo one', 'echo two', 'echo three']);
    const exchange = await proxy.finished((e) => e.request.url.endsWith('/netlens.test.Echo/Chat'));
    const view = (await proxy.engine.grpc.messages(exchange.id))!;
    expect(view.request.messages.map((m) => m.decoded!.fields[0]!.text)).toEqual(['one', 'two', 'three']);
    expect(view.response.messages.map((m) => m.decoded!.fields[0]!.text)).toEqual([
      'echo one',
      'echo two',
      'echo three',
    ]);
  });

  it('a bad .proto is refused with the reason', async () => {
    await expect(proxy.engine.grpc.loadProto('bad.proto', 'message {')).rejects.toThrow(
      /bad\.proto is not a \.proto file/,
    );
  });

  it('loaded .proto files are kept in the data dir for the next start; a broken one is named', async () => {
    await proxy.engine.grpc.loadProto('echo.proto', ECHO_PROTO);
    fs.writeFileSync(path.join(proxy.dataDir, 'protos', 'broken.proto'), 'message {');
    const next = await startProxy({}, { dataDir: proxy.dataDir });
    try {
      expect(next.engine.grpc.protos().files.map((f) => f.fileName)).toEqual(['echo.proto']);
      const notices = next.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
      expect(notices).toContainEqual(
        expect.stringMatching(
          /broken\.proto was not loaded: broken\.proto is not a \.proto file NetLens can read/,
        ),
      );
    } finally {
      await next.close();
    }
    await proxy.engine.grpc.removeProto('echo.proto');
    expect(fs.readdirSync(path.join(proxy.dataDir, 'protos'))).toEqual(['broken.proto']);
  });
});

describe('gRPC server reflection', () => {
  let proxy: TestProxy;
  let reflecting: EchoServer;
  let plain: EchoServer;

  beforeAll(async () => {
    proxy = await startProxy();
    reflecting = await startEchoServer({ reflection: true });
    plain = await startEchoServer();
  });

  afterAll(async () => {
    reflecting.close();
    plain.close();
    await proxy.close();
  });

  it("names the fields from the server's reflection, in the tab, NDJSON and HAR (imported back)", async () => {
    const echo = echoClientThrough(proxy.port, reflecting.port);
    await say(echo, {
      text: 'named',
      count: 7,
      inner: { label: 'x', delta: -2 },
      mood: 'GRUMPY',
      big: '9007199254740993',
    });
    echo.close();
    const exchange = await proxy.finished(
      (e) => e.request.url === `http://127.0.0.1:${reflecting.port}/netlens.test.Echo/Say`,
    );
    const view = (await proxy.engine.grpc.messages(exchange.id))!;
    expect(view.schemaMethod).toBe(true);
    expect(view.names).toEqual({ kind: 'reflection', origin: `127.0.0.1:${reflecting.port}` });
    const request = view.request.messages[0]!;
    expect(request.typeName).toBe('netlens.test.EchoRequest');
    expect(request.decoded!.fields.map((f) => [f.name, f.text])).toEqual([
      ['text', 'named'],
      ['count', '7'],
      ['big', '9007199254740993'],
      ['inner', ''],
      ['mood', 'GRUMPY'],
    ]);
    expect(request.decoded!.fields[3]!.fields!.map((f) => [f.name, f.text])).toEqual([
      ['label', 'x'],
      ['delta', '-2'],
    ]);
    // NetLens' own reflection call is not recorded as traffic.
    expect(proxy.engine.exchanges.list().filter((e) => e.request.url.includes('ServerReflection'))).toEqual(
      [],
    );

    const json = (await proxy.engine.grpc.messagesJson(exchange.id, { ask: true }))!;
    expect(json).toEqual({
      names: { kind: 'reflection', origin: `127.0.0.1:${reflecting.port}` },
      request: [
        {
          type: 'netlens.test.EchoRequest',
          fields: {
            text: 'named',
            count: 7,
            big: '9007199254740993',
            inner: { label: 'x', delta: -2 },
            mood: 'GRUMPY',
          },
        },
      ],
      response: [{ type: 'netlens.test.EchoReply', fields: { text: 'you said named', words: ['a', 'b'] } }],
    });

    const har = await proxy.engine.exportHar({ ids: [exchange.id] });
    const decoded = har.log.entries[0]!._netlens!.grpc!.decoded;
    expect(decoded).toEqual(json);
    const imported = await startProxy();
    try {
      await imported.engine.importHar(JSON.stringify(har));
      const again = await imported.engine.exportHar();
      expect(again.log.entries[0]!._netlens!.grpc!.decoded).toEqual(json);
    } finally {
      await imported.close();
    }
  });

  it('a server without reflection: said once, remembered, and the call still decodes raw', async () => {
    const echo = echoClientThrough(proxy.port, plain.port);
    await say(echo, { text: 'raw' });
    await say(echo, { text: 'raw again' });
    echo.close();
    const calls = await Promise.all(
      ['raw', 'raw again'].map(() =>
        proxy.finished((e) => e.request.url.startsWith(`http://127.0.0.1:${plain.port}/`)),
      ),
    );
    const first = (await proxy.engine.grpc.messages(calls[0]!.id))!;
    expect(first.schemaMethod).toBe(false);
    expect(first.reflection).toMatchObject({ origin: `127.0.0.1:${plain.port}` });
    expect(first.request.messages[0]!.decoded!.fields[0]).toMatchObject({ number: 1, text: 'raw' });
    const json = (await proxy.engine.grpc.messagesJson(calls[0]!.id, { ask: true }))!;
    expect(json.names).toBeUndefined();
    expect(json.request).toEqual([{ fields: { 1: 'raw' } }]);
    expect(json.response).toEqual([{ fields: { 1: 'you said raw', 2: ['a', 'b'] } }]);
  });
});

describe('CONNECT inside an HTTP/2 stream', () => {
  let proxy: TestProxy;
  let origin: Awaited<ReturnType<typeof httpOrigin>>;

  beforeAll(async () => {
    proxy = await startProxy();
    origin = await httpOrigin((_req, res) => res.end('plain'));
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
  });

  function stream(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders) {
    return new Promise<{ status?: number; body: string; rstCode?: number }>((resolve) => {
      const request = session.request(headers);
      const result: { status?: number; body: string; rstCode?: number } = { body: '' };
      request.on('response', (h) => (result.status = Number(h[':status'])));
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (result.body += chunk));
      request.on('error', () => undefined);
      request.on('close', () => {
        if (request.rstCode) result.rstCode = request.rstCode;
        resolve(result);
      });
      request.end();
    });
  }

  it('a plain CONNECT is answered 501 on its stream and recorded; the connection goes on', async () => {
    const session = http2.connect(proxy.url);
    session.on('error', () => undefined);
    try {
      const refused = await stream(session, {
        ':method': 'CONNECT',
        ':authority': `127.0.0.1:${origin.port}`,
      });
      expect(refused).toMatchObject({ status: 501 });
      expect(refused.body).toMatch(/CONNECT over HTTP\/2/);
      const next = await stream(session, {
        ':path': '/after',
        ':authority': `127.0.0.1:${origin.port}`,
        ':scheme': 'http',
      });
      expect(next.body).toBe('plain');
    } finally {
      session.close();
    }
    const recorded = await proxy.finished(
      (e) => e.request.method === 'CONNECT' && e.request.httpVersion === 'HTTP/2.0',
    );
    // Recorded as the failure it is (the 501 is NetLens' answer, not the server's).
    expect(recorded.error).toMatchObject({
      class: 'protocol_error',
      detail: expect.stringMatching(/CONNECT over HTTP\/2/),
    });
    expect(recorded.http2?.clientStreamId).toBe(1);
  });

  it('extended CONNECT (RFC 8441) is never offered, so a WebSocket over HTTP/2 gets a stream error', async () => {
    const session = http2.connect(proxy.url);
    session.on('error', () => undefined);
    try {
      const settings = await new Promise<http2.Settings>((resolve) =>
        session.once('remoteSettings', resolve),
      );
      expect(settings.enableConnectProtocol).toBe(false);
      const refused = await stream(session, {
        ':method': 'CONNECT',
        ':protocol': 'websocket',
        ':scheme': 'http',
        ':path': '/chat',
        ':authority': `127.0.0.1:${origin.port}`,
      });
      expect(refused.rstCode).toBe(http2.constants.NGHTTP2_PROTOCOL_ERROR);
      const next = await stream(session, {
        ':path': '/still',
        ':authority': `127.0.0.1:${origin.port}`,
        ':scheme': 'http',
      });
      expect(next.body).toBe('plain');
    } finally {
      session.close();
    }
  });
});
