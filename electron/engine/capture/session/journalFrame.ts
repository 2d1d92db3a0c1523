import zlib from 'node:zlib';

/**
 * One record of a session journal on disk: `[length u32 LE][crc32 u32 LE][payload]`. The length
 * and the checksum make a torn tail (the process killed, or the power lost, in the middle of a
 * write) detectable: a frame whose length runs past the end of the file, or whose payload does
 * not match its checksum, ends the readable journal there.
 */
export const FRAME_HEADER_BYTES = 8;
/** No record is this large: a length beyond it is garbage, not a record. */
export const MAX_FRAME_PAYLOAD_BYTES = 256 * 1024 * 1024;

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(zlib.crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export interface ScannedFrame {
  /** Offset of the frame's header in the buffer. */
  offset: number;
  payload: Buffer;
}

export interface FrameScan {
  frames: ScannedFrame[];
  /** Bytes of whole, valid frames from the start: where the next frame goes. */
  validBytes: number;
  /** Bytes after validBytes that are not a valid frame (a torn or corrupt tail), 0 when none. */
  tornBytes: number;
  /** Why the scan stopped: the buffer ended on a frame boundary, in a frame, or at a bad frame. */
  stop: 'end' | 'incomplete' | 'corrupt';
}

/** Reads the frames of `buffer` (a segment read whole, or a part of it) up to the first bad one. */
export function scanFrames(buffer: Buffer, baseOffset = 0): FrameScan {
  const frames: ScannedFrame[] = [];
  let offset = 0;
  let stop: FrameScan['stop'] = 'end';
  while (offset < buffer.length) {
    if (offset + FRAME_HEADER_BYTES > buffer.length) {
      stop = 'incomplete';
      break;
    }
    const length = buffer.readUInt32LE(offset);
    const end = offset + FRAME_HEADER_BYTES + length;
    if (length > MAX_FRAME_PAYLOAD_BYTES) {
      stop = 'corrupt';
      break;
    }
    if (end > buffer.length) {
      stop = 'incomplete';
      break;
    }
    const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, end);
    if (zlib.crc32(payload) !== buffer.readUInt32LE(offset + 4)) {
      stop = 'corrupt';
      break;
    }
    frames.push({ offset: baseOffset + offset, payload });
    offset = end;
  }
  return { frames, validBytes: offset, tornBytes: buffer.length - offset, stop };
}
