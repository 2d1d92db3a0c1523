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
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_PROTO } from '@fixtures/echoProto.js';
import { httpOrigin, startProxy, type TestProxy } from './proxyHarness.js';

const root = protobuf.parse(ECHO_PROTO, new protobuf.Root(), { keepCase: true }).root;
root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
const EchoRequest = root.lookupType('netlens.test.EchoRequest');
const EchoReply = root.lookupType('netlens.test.EchoReply');

type Message = Record<string, unknown>;
const codec = (type: protobuf.Type) => ({
  serialize: (value: Message) => Buffer.from(type.encode(type.fromObject(value)).finish()),
  deserialize: (bytes: Buffer) => type.toObject(type.decode(bytes), { longs: String }) as Message,
});
const SERVICE: grpc.ServiceDefinition = {
  Say: {
    path: '/netlens.test.Echo/Say',
    requestStream: false,
    responseStream: false,
    requestSerialize: codec(EchoRequest).serialize,
    requestDeserialize: codec(EchoRequest).deserialize,
    responseSerialize: codec(EchoReply).serialize,
    responseDeserialize: codec(EchoReply).deserialize,
  },
  Chat: {
    path: '/netlens.test.Echo/Chat',
    requestStream: true,
    responseStream: true,
    requestSerialize: codec(EchoRequest).serialize,
    requestDeserialize: codec(EchoRequest).deserialize,
    responseSerialize: codec(EchoReply).serialize,
    responseDeserialize: codec(EchoReply).deserialize,
  },
};
const EchoClient = grpc.makeGenericClientConstructor(SERVICE, 'Echo');
interface EchoStub extends grpc.Client {
  Say(request: Message, callback: (error: grpc.ServiceError | null, reply: Message) => void): void;
  Chat(): grpc.ClientDuplexStream<Message, Message>;
}

describe('gRPC through NetLens, decoded', () => {
  let proxy: TestProxy;
  let server: grpc.Server;
  let port: number;

  beforeAll(async () => {
    proxy = await startProxy();
    server = new grpc.Server();
    server.addService(SERVICE, {
      Say: (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) =>
        callback(null, { text: `you said ${String(call.request.text)}`, words: ['a', 'b'] }),
      Chat: (call: grpc.ServerDuplexStream<Message, Message>) => {
        call.on('data', (request: Message) => call.write({ text: `echo ${String(request.text)}` }));
        call.on('end', () => call.end());
      },
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  });

  afterAll(async () => {
    server.forceShutdown();
    await proxy.close();
  });

  function client(options: grpc.ChannelOptions = {}): EchoStub {
    // h2c with prior knowledge to NetLens' port; :authority names the real server.
    return new EchoClient(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': `127.0.0.1:${port}`,
      ...options,
    }) as never;
  }

  it('a unary call with gzip messages: each message inflated and decoded, raw then with names', async () => {
    const echo = client({ 'grpc.default_compression_algorithm': 2 });
    const reply = await new Promise<Message>((resolve, reject) =>
      echo.Say(
        { text: 'hello', count: 3, inner: { label: 'in', delta: -1 }, mood: 'HAPPY' },
        (error: grpc.ServiceError | null, value: Message) => (error ? reject(error) : resolve(value)),
      ),
    );
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
