import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeGrpcExchange } from '@engine/analysis/grpcMessageDecoder.js';
import { ProtoSchemaRegistry } from '@engine/analysis/protoSchemaLoader.js';
import type { BodyPayload, BodySide, Exchange } from '@shared/model.js';
import { emptyProtoSchema } from '@shared/protoSchema.js';
import { ECHO_PROTO } from '@fixtures/echoProto.js';

const root = protobuf.parse(ECHO_PROTO, new protobuf.Root(), { keepCase: true }).root;
const EchoReply = root.lookupType('netlens.test.EchoReply');

function frame(payload: Uint8Array, flag = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

function exchange(
  extra: Partial<Exchange>,
  responseHeaders: { name: string; value: string }[] = [],
): Exchange {
  return {
    id: 'x1',
    request: {
      method: 'POST',
      url: 'https://127.0.0.1:1/netlens.test.Echo/Say',
      headers: [{ name: 'content-type', value: 'application/grpc' }],
      body: { sizeBytes: 1 },
    },
    response: { status: 200, statusText: 'OK', headers: responseHeaders, body: { sizeBytes: 1 } },
    grpc: { service: 'netlens.test.Echo', method: 'Say' },
    ...extra,
  } as unknown as Exchange;
}

function loader(bodies: Partial<Record<BodySide, Buffer>>) {
  return async (_id: string, side: BodySide): Promise<BodyPayload | null> => {
    const body = bodies[side];
    return body
      ? { base64: body.toString('base64'), decoded: false, truncated: false, sizeBytes: body.length }
      : null;
  };
}

describe('decodeGrpcExchange', () => {
  const reply = EchoReply.encode({ text: 'hi there', words: ['a', 'b'] }).finish();

  it('splits messages, inflates gzip ones (the response grpc-encoding), names fields from a .proto', async () => {
    const registry = new ProtoSchemaRegistry();
    registry.load('echo.proto', ECHO_PROTO);
    const response = Buffer.concat([frame(reply), frame(gzipSync(reply), 1)]);
    const view = await decodeGrpcExchange(
      exchange({}, [{ name: 'grpc-encoding', value: 'gzip' }]),
      loader({ request: frame(new Uint8Array([0x0a, 0x02, 0x68, 0x69])), response }),
      registry.schema(),
    );
    expect(view.method).toBe('netlens.test.Echo/Say');
    expect(view.schemaMethod).toBe(true);
    expect(view.request.messages[0]).toMatchObject({
      index: 0,
      typeName: 'netlens.test.EchoRequest',
      compressed: false,
    });
    expect(view.request.messages[0]!.decoded!.fields).toMatchObject([{ name: 'text', text: 'hi' }]);
    expect(view.response.messages).toHaveLength(2);
    for (const message of view.response.messages) {
      expect(message.error).toBeUndefined();
      expect(message.decoded!.fields.map((f) => [f.name, f.text])).toEqual([
        ['text', 'hi there'],
        ['words', 'a'],
        ['words', 'b'],
      ]);
    }
    expect(view.response.messages[1]!.compressed).toBe(true);
  });

  it('a compressed message with an unknown or missing encoding says so', async () => {
    const view = await decodeGrpcExchange(
      exchange({}, [{ name: 'grpc-encoding', value: 'snappy' }]),
      loader({ request: Buffer.alloc(0), response: frame(reply, 1) }),
      emptyProtoSchema(),
    );
    expect(view.response.messages[0]!.error).toMatch(
      /grpc-encoding snappy is not one NetLens can decompress/,
    );
    const broken = await decodeGrpcExchange(
      exchange({}, [{ name: 'grpc-encoding', value: 'gzip' }]),
      loader({ request: Buffer.alloc(0), response: frame(new Uint8Array([1, 2, 3]), 1) }),
      emptyProtoSchema(),
    );
    expect(broken.response.messages[0]!.error).toMatch(/^Could not decompress/);
  });

  it('gRPC-Web text: base64 runs, and the trailers frame', async () => {
    const trailers = Buffer.from('grpc-status: 0\r\ngrpc-message: fine\r\n');
    const body = frame(reply).toString('base64') + frame(trailers, 0x80).toString('base64');
    const view = await decodeGrpcExchange(
      exchange({ grpc: { service: 'netlens.test.Echo', method: 'Say', web: 'text' } }),
      loader({ request: Buffer.alloc(0), response: Buffer.from(body) }),
      emptyProtoSchema(),
    );
    expect(view.schemaMethod).toBe(false);
    expect(view.response.messages).toHaveLength(1);
    expect(view.response.messages[0]!.decoded!.fields).toMatchObject([
      { number: 1, kind: 'string', text: 'hi there' },
      { number: 2, text: 'a' },
      { number: 2, text: 'b' },
    ]);
    expect(view.response.trailers).toEqual([
      { name: 'grpc-status', value: '0' },
      { name: 'grpc-message', value: 'fine' },
    ]);
  });

  it('an empty body has no messages (a trailers-only response); one not stored is missing', async () => {
    const empty = exchange({});
    empty.response!.body.sizeBytes = 0;
    const view = await decodeGrpcExchange(empty, loader({}), emptyProtoSchema());
    expect(view.response).toEqual({ messages: [], notShown: 0 });
    expect(view.request.missing).toBe(true);
  });

  it('a body that was not captured is missing, a cut one marks its last message', async () => {
    const cut = frame(reply).subarray(0, 8);
    const view = await decodeGrpcExchange(exchange({}), loader({ response: cut }), emptyProtoSchema());
    expect(view.request.missing).toBe(true);
    expect(view.response.messages[0]).toMatchObject({ truncated: true });
  });
});
