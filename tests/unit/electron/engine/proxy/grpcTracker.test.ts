import { describe, expect, it } from 'vitest';
import { GrpcTracker } from '@engine/proxy/grpcTracker.js';

function frame(payload: string, flag = 0): Buffer {
  const bytes = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

describe('GrpcTracker', () => {
  it('is made only for gRPC content types, and names the method from the path', () => {
    expect(GrpcTracker.forRequest('application/json', '/a.B/C')).toBeUndefined();
    const tracker = GrpcTracker.forRequest('application/grpc', '/pkg.Greeter/SayHello')!;
    expect(tracker.info).toEqual({ service: 'pkg.Greeter', method: 'SayHello' });
  });

  it('counts messages however the chunks cut their prefixes, and reads the status from the trailers', () => {
    const tracker = GrpcTracker.forRequest('application/grpc+proto', '/pkg.Svc/Stream')!;
    tracker.requestHead([{ name: 'grpc-encoding', value: 'gzip' }]);
    const body = Buffer.concat([frame('first'), frame(''), frame('third message')]);
    // One byte at a time: every prefix split across chunks.
    for (let i = 0; i < body.length; i += 1) tracker.responseChunk(body.subarray(i, i + 1));
    tracker.requestChunk(frame('request'));
    tracker.responseTrailers([
      { name: 'grpc-status', value: '5' },
      { name: 'grpc-message', value: 'item%2042%20not%20found' },
    ]);
    expect(tracker.finish()).toEqual({
      service: 'pkg.Svc',
      method: 'Stream',
      encoding: 'gzip',
      requestMessages: 1,
      responseMessages: 3,
      status: 5,
      statusName: 'NOT_FOUND',
      message: 'item 42 not found',
    });
  });

  it("reads a trailers-only response's status from its head", () => {
    const tracker = GrpcTracker.forRequest('application/grpc', '/a.B/C')!;
    tracker.responseHead([{ name: 'grpc-status', value: '12' }]);
    expect(tracker.finish()).toMatchObject({ status: 12, statusName: 'UNIMPLEMENTED', responseMessages: 0 });
  });

  it("reads gRPC-Web's trailers frame, in binary and in -text (base64) bodies", () => {
    const body = Buffer.concat([frame('reply'), frame('grpc-status: 0\r\n', 0x80)]);
    const binary = GrpcTracker.forRequest('application/grpc-web+proto', '/a.B/C')!;
    binary.responseChunk(body);
    expect(binary.finish()).toMatchObject({
      web: 'binary',
      responseMessages: 1,
      status: 0,
      statusName: 'OK',
    });
    const text = GrpcTracker.forRequest('application/grpc-web-text', '/a.B/C')!;
    const base64 = Buffer.from(body.toString('base64'));
    text.responseChunk(base64.subarray(0, 7));
    text.responseChunk(base64.subarray(7));
    expect(text.finish()).toMatchObject({ web: 'text', responseMessages: 1, status: 0 });
  });
});
