import { describe, expect, it } from 'vitest';
import { decodeGrpcWebText, parseGrpcWebTrailers, splitGrpcFrames } from '@shared/grpcFrames.js';
import {
  decodeGrpcMessage,
  grpcContentKind,
  grpcDiagnosis,
  grpcMethodOfPath,
  grpcStatusName,
  grpcStatusOfName,
  isGrpcFailure,
} from '@shared/grpcStatus.js';

function frame(payload: Uint8Array | string, flag = 0): Uint8Array {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const out = new Uint8Array(5 + bytes.length);
  out[0] = flag;
  new DataView(out.buffer).setUint32(1, bytes.length);
  out.set(bytes, 5);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('gRPC length-prefixed messages', () => {
  it('splits a body into its messages by the 5-byte prefix', () => {
    const { frames, leftoverBytes } = splitGrpcFrames(concat(frame('one'), frame('', 0), frame('three', 1)));
    expect(frames.map((f) => new TextDecoder().decode(f.payload))).toEqual(['one', '', 'three']);
    expect(frames.map((f) => f.compressed)).toEqual([false, false, true]);
    expect(frames.map((f) => f.length)).toEqual([3, 0, 5]);
    expect(leftoverBytes).toBe(0);
  });

  it('keeps a message cut short by the capture, and counts a partial prefix as leftover', () => {
    const body = concat(frame('complete'), frame('cut here').subarray(0, 8));
    const { frames } = splitGrpcFrames(body);
    expect(frames).toHaveLength(2);
    expect(frames[1]!.length).toBe(8);
    expect(new TextDecoder().decode(frames[1]!.payload)).toBe('cut');
    expect(splitGrpcFrames(concat(frame('a'), new Uint8Array([0, 0]))).leftoverBytes).toBe(2);
  });

  it("reads gRPC-Web's trailers frame (flag 0x80) and -text bodies in several base64 runs", () => {
    const trailers = frame('grpc-status: 5\r\ngrpc-message: no such item\r\n', 0x80);
    const { frames } = splitGrpcFrames(concat(frame('x'), trailers));
    expect(frames[1]!.trailers).toBe(true);
    expect(parseGrpcWebTrailers(frames[1]!.payload)).toEqual([
      { name: 'grpc-status', value: '5' },
      { name: 'grpc-message', value: 'no such item' },
    ]);
    const text = Buffer.from(frame('hi')).toString('base64') + Buffer.from(trailers).toString('base64');
    expect(Buffer.from(decodeGrpcWebText(text))).toEqual(Buffer.from(concat(frame('hi'), trailers)));
  });
});

describe('gRPC status and content type', () => {
  it('recognises gRPC and gRPC-Web content types only', () => {
    expect(grpcContentKind('application/grpc')).toBe('grpc');
    expect(grpcContentKind('application/grpc+proto; charset=x')).toBe('grpc');
    expect(grpcContentKind('application/grpc-web+proto')).toBe('web');
    expect(grpcContentKind('application/grpc-web-text')).toBe('web-text');
    expect(grpcContentKind('application/grpcx')).toBeUndefined();
    expect(grpcContentKind('application/json')).toBeUndefined();
    expect(grpcContentKind(undefined)).toBeUndefined();
  });

  it('reads the service and method off the path', () => {
    expect(grpcMethodOfPath('/helloworld.Greeter/SayHello')).toEqual({
      service: 'helloworld.Greeter',
      method: 'SayHello',
    });
    expect(grpcMethodOfPath('/not/a/method')).toBeUndefined();
  });

  it('names statuses, decodes grpc-message and says what to check for a failure', () => {
    expect(grpcStatusName(14)).toBe('UNAVAILABLE');
    expect(grpcStatusName(99)).toBe('status 99');
    expect(grpcStatusOfName('deadline_exceeded')).toBe(4);
    expect(decodeGrpcMessage('backend%20down')).toBe('backend down');
    expect(decodeGrpcMessage('100%')).toBe('100%');
    expect(isGrpcFailure({ service: 's', method: 'm', status: 0 })).toBe(false);
    expect(isGrpcFailure({ service: 's', method: 'm' })).toBe(false);
    const call = { service: 'pkg.Svc', method: 'Get', status: 4, message: 'slow' };
    expect(isGrpcFailure(call)).toBe(true);
    expect(grpcDiagnosis(call)).toMatch(
      /^The gRPC call pkg\.Svc\/Get ended with DEADLINE_EXCEEDED \(4\): "slow"\. .*deadline/,
    );
  });
});
