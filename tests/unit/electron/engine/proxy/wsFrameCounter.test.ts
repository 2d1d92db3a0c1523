import { describe, expect, it } from 'vitest';
import { WsFrameCounter } from '@engine/proxy/wsFrameCounter.js';
import { FRAME_PREVIEW_BYTES, MAX_RECORDED_FRAMES, WsFrameLog } from '@engine/proxy/wsFrameLog.js';

function frame(opcode: number, payload: Buffer, { fin = true, masked = false } = {}): Buffer {
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const mask = masked ? 0x80 : 0;
  if (payload.length < 126) head.push(mask | payload.length);
  else if (payload.length < 65536) head.push(mask | 126, payload.length >> 8, payload.length & 0xff);
  else {
    head.push(mask | 127);
    for (let i = 7; i >= 0; i -= 1) head.push(Math.floor(payload.length / 2 ** (8 * i)) & 0xff);
  }
  const key = masked ? [1, 2, 3, 4] : [];
  return Buffer.concat([Buffer.from([...head, ...key]), payload]);
}

describe('WsFrameCounter', () => {
  it('counts messages, not frames or control frames, across any chunking', () => {
    const stream = Buffer.concat([
      frame(1, Buffer.from('hello'), { masked: true }),
      frame(2, Buffer.alloc(300), { fin: false }),
      frame(0, Buffer.alloc(70_000)),
      frame(9, Buffer.from('ping')),
      frame(1, Buffer.from('bye')),
      frame(8, Buffer.alloc(2)),
    ]);
    for (const size of [1, 3, 7, 1000, stream.length]) {
      const counter = new WsFrameCounter();
      for (let i = 0; i < stream.length; i += size) counter.push(stream.subarray(i, i + size));
      expect(counter.messages, `chunk size ${size}`).toBe(3);
      expect(counter.bytes).toBe(stream.length);
      expect(counter.invalid).toBe(false);
    }
  });

  it('stops counting when the bytes are not WebSocket frames', () => {
    const counter = new WsFrameCounter();
    counter.push(Buffer.from([0x83, 0x00]));
    counter.push(frame(1, Buffer.from('x')));
    expect(counter.invalid).toBe(true);
    expect(counter.messages).toBe(0);
  });
});

/** A frame as a client sends it: masked with `key` (RFC 6455 §5.3). */
function maskedFrame(opcode: number, payload: Buffer, key: number[], fin = true, rsv1 = false): Buffer {
  const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  const head: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  if (payload.length < 126) head.push(0x80 | payload.length);
  else head.push(0x80 | 126, payload.length >> 8, payload.length & 0xff);
  return Buffer.concat([Buffer.from([...head, ...key]), masked]);
}

describe('WsFrameCounter with a frame log', () => {
  it('logs every frame either way: direction, opcode, size, first bytes unmasked, across any chunking', () => {
    const key = [0x37, 0xfa, 0x21, 0x3d];
    const fromClient = Buffer.concat([
      maskedFrame(1, Buffer.from('héllo'), key),
      maskedFrame(2, Buffer.from([0, 1, 2, 255]), key),
      maskedFrame(1, Buffer.from('first '), key, false),
      maskedFrame(0, Buffer.from('second'), key),
      maskedFrame(1, Buffer.alloc(1000, 0x61), key),
    ]);
    const fromServer = Buffer.concat([frame(9, Buffer.from('ping')), frame(8, Buffer.from([0x03, 0xe8]))]);
    for (const size of [1, 5, 64, fromClient.length]) {
      let now = 1000;
      const log = new WsFrameLog(() => (now += 1));
      const client = new WsFrameCounter(log, 'send');
      const server = new WsFrameCounter(log, 'receive');
      for (let i = 0; i < fromClient.length; i += size) client.push(fromClient.subarray(i, i + size));
      server.push(fromServer);
      const frames = log.frames;
      expect(
        frames.map((f) => [f.direction, f.opcode, f.sizeBytes]),
        `chunk size ${size}`,
      ).toEqual([
        ['send', 1, 6],
        ['send', 2, 4],
        ['send', 1, 6],
        ['send', 1, 6],
        ['send', 1, 1000],
        ['receive', 9, 4],
        ['receive', 8, 2],
      ]);
      expect(frames[0]).toEqual({ direction: 'send', timeMs: 1001, opcode: 1, sizeBytes: 6, data: 'héllo' });
      expect(frames[1]).toMatchObject({
        data: Buffer.from([0, 1, 2, 255]).toString('base64'),
        encoding: 'base64',
      });
      expect(frames[2]).toMatchObject({ data: 'first ', fin: false });
      expect(frames[3]).toMatchObject({ data: 'second' });
      expect(frames[3]!.fin).toBeUndefined();
      expect(frames[4]).toMatchObject({ data: 'a'.repeat(FRAME_PREVIEW_BYTES), truncated: true });
      expect(frames[5]).toMatchObject({ data: Buffer.from('ping').toString('base64'), encoding: 'base64' });
      expect(client.messages).toBe(4);
    }
  });

  it('marks compressed frames (permessage-deflate) and keeps their bytes as base64', () => {
    const log = new WsFrameLog(() => 1);
    new WsFrameCounter(log, 'send').push(
      maskedFrame(1, Buffer.from([0xf2, 0x48, 0x05, 0x00]), [1, 2, 3, 4], true, true),
    );
    expect(log.frames[0]).toMatchObject({ opcode: 1, compressed: true, encoding: 'base64' });
  });

  it('keeps the first frames up to its limit and counts the rest', () => {
    const log = new WsFrameLog(() => 1);
    const counter = new WsFrameCounter(log, 'receive');
    const one = frame(1, Buffer.from('x'));
    for (let i = 0; i < MAX_RECORDED_FRAMES + 5; i += 1) counter.push(one);
    expect(log.frames).toHaveLength(MAX_RECORDED_FRAMES);
    expect(log.notRecorded).toBe(5);
    expect(counter.messages).toBe(MAX_RECORDED_FRAMES + 5);
  });
});
