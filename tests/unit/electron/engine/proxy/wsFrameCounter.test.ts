import { describe, expect, it } from 'vitest';
import { WsFrameCounter } from '@engine/proxy/wsFrameCounter.js';

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
