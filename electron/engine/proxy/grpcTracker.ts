import type { GrpcInfo, Header } from '../../../shared/model.js';
import { decodeGrpcWebText, parseGrpcWebTrailers } from '../../../shared/grpcFrames.js';
import {
  decodeGrpcMessage,
  grpcContentKind,
  grpcMethodOfPath,
  grpcStatusName,
} from '../../../shared/grpcStatus.js';

/** A gRPC-Web trailers frame larger than this is not read (they are a few dozen bytes). */
const MAX_TRAILERS_FRAME_BYTES = 16 * 1024;

/**
 * Counts length-prefixed messages in one direction of a gRPC body as it streams, reading frame
 * headers only (payloads are skipped, never buffered), and keeps gRPC-Web's trailers frame.
 */
class FrameCounter {
  messages = 0;
  trailers: { name: string; value: string }[] | undefined;
  private header = new Uint8Array(5);
  private headerBytes = 0;
  private remaining = 0;
  private trailerFrame: Uint8Array | undefined;
  private trailerOffset = 0;
  /** base64 characters left over from the previous chunk (`-text`: decoded in groups of four). */
  private textCarry = '';

  constructor(private readonly text: boolean) {}

  push(chunk: Uint8Array): void {
    if (!this.text) {
      this.pushBytes(chunk);
      return;
    }
    const chars =
      this.textCarry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    // Whole groups of four now, the rest with the next chunk (a body has no whitespace).
    const cut = chars.length - (chars.length % 4);
    this.textCarry = chars.slice(cut);
    this.pushBytes(decodeGrpcWebText(chars.slice(0, cut)));
  }

  private pushBytes(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        if (this.trailerFrame) {
          this.trailerFrame.set(chunk.subarray(offset, offset + take), this.trailerOffset);
          this.trailerOffset += take;
        }
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) this.frameDone();
        continue;
      }
      this.header[this.headerBytes++] = chunk[offset++]!;
      if (this.headerBytes < 5) continue;
      this.headerBytes = 0;
      const h = this.header;
      const length = ((h[1]! << 24) >>> 0) + (h[2]! << 16) + (h[3]! << 8) + h[4]!;
      const isTrailers = (h[0]! & 0x80) !== 0;
      if (isTrailers && length <= MAX_TRAILERS_FRAME_BYTES) {
        this.trailerFrame = new Uint8Array(length);
        this.trailerOffset = 0;
      } else {
        this.trailerFrame = undefined;
        if (!isTrailers) this.messages += 1;
      }
      this.remaining = length;
      if (length === 0) this.frameDone();
    }
  }

  private frameDone(): void {
    if (this.trailerFrame) {
      this.trailers = parseGrpcWebTrailers(this.trailerFrame);
      this.trailerFrame = undefined;
    }
  }
}

/**
 * What NetLens learns of a gRPC or gRPC-Web call while it passes (GrpcInfo): the method from the
 * path, the messages each way, and the status from the trailers — HTTP/2 trailers, a
 * trailers-only response's head, or gRPC-Web's trailers frame. Made only for requests whose
 * content-type is `application/grpc*`.
 */
export class GrpcTracker {
  private readonly request: FrameCounter;
  private readonly response: FrameCounter;
  readonly info: GrpcInfo;

  static forRequest(contentType: string | undefined, path: string): GrpcTracker | undefined {
    const kind = grpcContentKind(contentType);
    if (!kind) return undefined;
    const method = grpcMethodOfPath(path) ?? { service: '', method: path };
    return new GrpcTracker(kind, method.service, method.method);
  }

  private constructor(kind: 'grpc' | 'web' | 'web-text', service: string, method: string) {
    this.info = { service, method };
    if (kind !== 'grpc') this.info.web = kind === 'web' ? 'binary' : 'text';
    this.request = new FrameCounter(kind === 'web-text');
    this.response = new FrameCounter(kind === 'web-text');
  }

  requestHead(headers: readonly Header[]): void {
    for (const { name, value } of headers) {
      if (name.toLowerCase() === 'grpc-encoding') this.info.encoding = value;
    }
  }

  requestChunk(chunk: Uint8Array): void {
    this.request.push(chunk);
  }

  responseChunk(chunk: Uint8Array): void {
    this.response.push(chunk);
  }

  /** A trailers-only response carries the status in its head (gRPC over HTTP/2, "Trailers-Only"). */
  responseHead(headers: readonly Header[]): void {
    this.readStatus(headers);
  }

  responseTrailers(trailers: readonly Header[]): void {
    this.readStatus(trailers);
  }

  /** The summary at the end of the call. */
  finish(): GrpcInfo {
    const info = this.info;
    info.requestMessages = this.request.messages;
    info.responseMessages = this.response.messages;
    if (this.response.trailers) this.readStatus(this.response.trailers);
    return info;
  }

  private readStatus(fields: readonly { name: string; value: string }[]): void {
    for (const { name, value } of fields) {
      const lower = name.toLowerCase();
      if (lower === 'grpc-status') {
        const status = Number(value.trim());
        if (Number.isInteger(status) && status >= 0) {
          this.info.status = status;
          this.info.statusName = grpcStatusName(status);
        }
      } else if (lower === 'grpc-message') {
        this.info.message = decodeGrpcMessage(value);
      }
    }
  }
}
