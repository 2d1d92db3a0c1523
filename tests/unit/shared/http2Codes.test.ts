import { describe, expect, it } from 'vitest';
import {
  http2CodeOfName,
  http2ErrorCode,
  http2FailureSentence,
  http2FrameDetail,
  parseHttp2Detail,
} from '@shared/http2Codes.js';
import { describeFailure } from '@shared/errorClasses.js';

describe('HTTP/2 error codes (RFC 9113 §7)', () => {
  it('names every code the RFC defines, by its number', () => {
    expect(http2ErrorCode(0)).toEqual({ code: 0, name: 'NO_ERROR' });
    expect(http2ErrorCode(7)).toEqual({ code: 7, name: 'REFUSED_STREAM' });
    expect(http2ErrorCode(8).name).toBe('CANCEL');
    expect(http2ErrorCode(0xb).name).toBe('ENHANCE_YOUR_CALM');
    expect(http2ErrorCode(0xd).name).toBe('HTTP_1_1_REQUIRED');
    expect(http2CodeOfName('FLOW_CONTROL_ERROR')).toBe(3);
  });

  it('keeps an unknown code as its hex number', () => {
    expect(http2ErrorCode(0x1f)).toEqual({ code: 0x1f, name: '0x1f' });
    expect(http2CodeOfName('NOT_A_CODE')).toBeUndefined();
  });

  it('writes a detail naming the frame, the code and the sender, and reads it back', () => {
    const detail = http2FrameDetail('GOAWAY', 11, 'server', 'too many streams');
    expect(detail).toBe('GOAWAY ENHANCE_YOUR_CALM (0xb) from the server: too many streams');
    expect(parseHttp2Detail(detail)).toMatchObject({
      frame: 'GOAWAY',
      name: 'ENHANCE_YOUR_CALM',
      from: 'from the server',
    });
    expect(http2FrameDetail('RST_STREAM', 8, 'netlens')).toBe('RST_STREAM CANCEL (0x8) sent by NetLens');
    expect(parseHttp2Detail('closed')).toBeUndefined();
    expect(parseHttp2Detail(undefined)).toBeUndefined();
  });

  it('says what a code means and what to check', () => {
    const sentence = http2FailureSentence(http2FrameDetail('RST_STREAM', 7, 'server'));
    expect(sentence?.what).toBe(
      'the server ended the stream with RST_STREAM REFUSED_STREAM: the server refused the stream before processing it',
    );
    expect(sentence?.fix).toMatch(/safe to retry/);
    expect(http2FailureSentence(http2FrameDetail('RST_STREAM', 0x2a, 'client'))?.fix).toMatch(
      /not one RFC 9113 names/,
    );
  });

  it("gives the classes' messages the frame's meaning", () => {
    const message = describeFailure('connection_reset', {
      host: 'api.local',
      port: 443,
      phase: 'receive',
      elapsedMs: 120,
      detail: http2FrameDetail('GOAWAY', 2, 'server', 'shutting down'),
    });
    expect(message).toMatch(/^The request to api\.local:443 failed while /);
    expect(message).toContain('the server ended the connection with GOAWAY INTERNAL_ERROR');
    expect(message).toContain("Check the sender's logs");
    // Another detail keeps the class's own message.
    expect(
      describeFailure('connection_reset', {
        host: 'h',
        port: 1,
        phase: 'wait',
        elapsedMs: 1,
        detail: 'closed',
      }),
    ).toMatch(/closed the connection without sending a response/);
  });
});
