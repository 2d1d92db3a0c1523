import type { WebSocketFrame } from '../../../shared/model.js';

/** Frames kept per WebSocket, both directions together; later ones are only counted. */
export const MAX_RECORDED_FRAMES = 1000;
/** Payload bytes kept per frame (the first ones): enough to recognise a message, bounded in memory. */
export const FRAME_PREVIEW_BYTES = 256;

/**
 * The message log of one WebSocket (RFC 6455 §5.2): every frame either way — data,
 * continuation and control frames — with its direction, time, opcode, size and first bytes,
 * up to MAX_RECORDED_FRAMES. Payloads beyond the preview are never held.
 */
export class WsFrameLog {
  readonly frames: WebSocketFrame[] = [];
  /** Frames seen after the log was full. */
  notRecorded = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get full(): boolean {
    return this.frames.length >= MAX_RECORDED_FRAMES;
  }

  add(
    direction: WebSocketFrame['direction'],
    opcode: number,
    sizeBytes: number,
    preview: Uint8Array,
    flags: { fin: boolean; compressed: boolean },
  ): void {
    if (this.full) {
      this.notRecorded += 1;
      return;
    }
    const frame: WebSocketFrame = { direction, timeMs: this.now(), opcode, sizeBytes, data: '' };
    const bytes = Buffer.from(preview.buffer, preview.byteOffset, preview.byteLength);
    // Text frames (and their continuations) are shown as text when the kept bytes are UTF-8;
    // a preview may cut a character in two: then base64, like binary frames.
    const text = opcode === 1 && !flags.compressed ? utf8(bytes) : undefined;
    if (text !== undefined) frame.data = text;
    else {
      frame.data = bytes.toString('base64');
      frame.encoding = 'base64';
    }
    if (preview.byteLength < sizeBytes) frame.truncated = true;
    if (!flags.fin) frame.fin = false;
    if (flags.compressed) frame.compressed = true;
    this.frames.push(frame);
  }
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
