import type { WebSocketFrame } from '../../../shared/model.js';
import { FRAME_PREVIEW_BYTES, type WsFrameLog } from './wsFrameLog.js';

/**
 * Counts WebSocket messages in one direction of a stream by walking frame headers (RFC 6455
 * §5.2): payloads are skipped, never buffered — but for the first bytes of each frame when a
 * log is given (unmasked, for the message log). A message ends with a data or continuation
 * frame whose FIN bit is set; control frames (close, ping, pong) are not messages.
 */
export class WsFrameCounter {
  messages = 0;
  bytes = 0;
  private header: number[] = [];
  private needed = 2;
  private remainingPayload = 0;
  /** Set when the stream stops looking like WebSocket frames; counting stops, bytes go on. */
  invalid = false;
  /** The frame whose payload is passing, when it is being logged. */
  private current:
    | {
        opcode: number;
        fin: boolean;
        compressed: boolean;
        size: number;
        mask?: number[];
        preview: Uint8Array;
        kept: number;
        seen: number;
      }
    | undefined;

  constructor(
    private readonly log?: WsFrameLog,
    private readonly direction: WebSocketFrame['direction'] = 'send',
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.invalid) return;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remainingPayload > 0) {
        const skip = Math.min(this.remainingPayload, chunk.length - offset);
        if (this.current) this.keep(chunk, offset, skip);
        this.remainingPayload -= skip;
        offset += skip;
        if (this.remainingPayload === 0) this.frameDone();
        continue;
      }
      while (this.header.length < this.needed && offset < chunk.length) {
        this.header.push(chunk[offset]!);
        offset += 1;
        if (this.header.length === 2) this.needed = headerLength(this.header[1]!);
      }
      if (this.header.length < this.needed) return;
      this.frameHeaderComplete();
    }
  }

  private frameHeaderComplete(): void {
    const [first, second] = this.header as [number, number];
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    let length = second & 0x7f;
    if (length === 126) length = (this.header[2]! << 8) | this.header[3]!;
    else if (length === 127) {
      let value = 0;
      for (let i = 2; i < 10; i += 1) value = value * 256 + this.header[i]!;
      length = value;
    }
    if (opcode > 0x0a || (opcode > 0x02 && opcode < 0x08)) this.invalid = true;
    else if (fin && opcode <= 0x02) this.messages += 1;
    if (this.log && !this.invalid) {
      const masked = (second & 0x80) !== 0;
      // A continuation frame is shown as its message's type (a text message's fragments are text).
      const shownOpcode = opcode === 0 ? this.messageOpcode : opcode;
      if (opcode === 1 || opcode === 2) this.messageOpcode = opcode;
      this.current = {
        opcode: shownOpcode,
        fin,
        compressed: (first & 0x40) !== 0 || (opcode === 0 && this.messageCompressed),
        size: length,
        ...(masked ? { mask: this.header.slice(this.header.length - 4) } : {}),
        preview: new Uint8Array(Math.min(length, FRAME_PREVIEW_BYTES)),
        kept: 0,
        seen: 0,
      };
      if (opcode === 1 || opcode === 2) this.messageCompressed = (first & 0x40) !== 0;
    }
    this.remainingPayload = length;
    this.header = [];
    this.needed = 2;
    if (length === 0) this.frameDone();
  }

  /** The opcode and compression of the message being fragmented (RFC 6455 §5.4, §7692 §6). */
  private messageOpcode = 1;
  private messageCompressed = false;

  /** Copies the first payload bytes of the current frame, unmasked (RFC 6455 §5.3). */
  private keep(chunk: Buffer, offset: number, count: number): void {
    const frame = this.current!;
    const take = Math.min(count, frame.preview.length - frame.kept);
    for (let i = 0; i < take; i += 1) {
      const byte = chunk[offset + i]!;
      frame.preview[frame.kept + i] = frame.mask ? byte ^ frame.mask[(frame.seen + i) % 4]! : byte;
    }
    frame.kept += take;
    frame.seen += count;
  }

  private frameDone(): void {
    const frame = this.current;
    if (!frame) return;
    this.current = undefined;
    this.log!.add(this.direction, frame.opcode, frame.size, frame.preview, {
      fin: frame.fin,
      compressed: frame.compressed,
    });
  }
}

function headerLength(second: number): number {
  const masked = (second & 0x80) !== 0;
  const length = second & 0x7f;
  const extended = length === 126 ? 2 : length === 127 ? 8 : 0;
  return 2 + extended + (masked ? 4 : 0);
}
