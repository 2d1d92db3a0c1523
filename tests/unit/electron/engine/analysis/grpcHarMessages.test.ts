import { describe, expect, it } from 'vitest';
import { ECHO_PROTO } from '@fixtures/echoProto.js';
import { makeExchange } from '@fixtures/exchangeFactory.js';
import { protoFilesGrpcHarMessages } from '@engine/analysis/grpcHarMessages.js';
import type { BodyPayload, BodySide } from '@shared/model.js';

/** One gRPC frame: flag 0, 4-byte length, the message. */
function framed(message: number[]): string {
  return Buffer.from([0, 0, 0, 0, message.length, ...message]).toString('base64');
}

const exchange = makeExchange({
  method: 'POST',
  url: 'http://127.0.0.1:50051/netlens.test.Echo/Say',
  grpc: { service: 'netlens.test.Echo', method: 'Say', status: 0 },
});
exchange.request.body.sizeBytes = 9;
exchange.response!.body.sizeBytes = 0;
// EchoRequest { text: "hi", mood: GRUMPY }
const bodies: Record<BodySide, BodyPayload | null> = {
  request: {
    base64: framed([0x0a, 0x02, 0x68, 0x69, 0x68, 0x02]),
    decoded: false,
    truncated: false,
    sizeBytes: 11,
  },
  response: null,
};
const load = async (_id: string, side: BodySide) => bodies[side];

describe('protoFilesGrpcHarMessages (a saved session exported by the command)', () => {
  it('names the fields by a saved .proto that has the method', async () => {
    const decoded = await protoFilesGrpcHarMessages([{ fileName: 'echo.proto', text: ECHO_PROTO }])(
      exchange,
      load,
    );
    expect(decoded).toEqual({
      names: { kind: 'proto', fileName: 'echo.proto' },
      request: [{ type: 'netlens.test.EchoRequest', fields: { text: 'hi', mood: 'GRUMPY' } }],
      response: [],
    });
  });

  it('without one (or with a file that no longer parses), by field number', async () => {
    const decoded = await protoFilesGrpcHarMessages([{ fileName: 'broken.proto', text: 'message {' }])(
      exchange,
      load,
    );
    expect(decoded).toEqual({ request: [{ fields: { 1: 'hi', 13: 2 } }], response: [] });
  });
});
