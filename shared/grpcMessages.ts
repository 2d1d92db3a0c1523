/**
 * A gRPC call's messages, split by their length prefix, decompressed and decoded (the detail
 * pane's gRPC tab, `grpc:messages`). Decoding happens on request, from the stored bodies.
 */
import type { ProtoDecodeResult } from './protobufWire.js';

export interface GrpcMessageView {
  /** 0-based, per direction. */
  index: number;
  /** The length prefix's size. */
  lengthBytes: number;
  /** The message was compressed (flag bit 0) with the call's `grpc-encoding`. */
  compressed: boolean;
  /** Cut short: the body was captured only in part. */
  truncated?: boolean;
  /** Why it could not be decoded (an unknown encoding, a broken gzip stream). */
  error?: string;
  /** The message type from a loaded .proto, when one names this method. */
  typeName?: string;
  decoded?: ProtoDecodeResult;
}

export interface GrpcDirectionView {
  messages: GrpcMessageView[];
  /** Messages beyond the shown limit. */
  notShown: number;
  /** gRPC-Web's trailers frame, when the body carried one. */
  trailers?: { name: string; value: string }[];
  /** The body was not captured (capture off, or a body limit of 0), or is gone. */
  missing?: boolean;
  /** Bytes after the last whole message that do not make one. */
  leftoverBytes?: number;
}

/** Where a call's field names came from. */
export type GrpcNamesSource =
  | { kind: 'proto'; fileName: string }
  /** The server's reflection service (`host:port`). */
  | { kind: 'reflection'; origin: string };

export interface GrpcMessagesView {
  /** `package.Service/Method`, and whether a schema (a loaded .proto, or reflection) has it. */
  method: string;
  schemaMethod: boolean;
  /** Where the names came from, when `schemaMethod`. */
  names?: GrpcNamesSource;
  /** No loaded .proto has the method, and the server's reflection did not give it: why. */
  reflection?: { origin: string; problem: string };
  request: GrpcDirectionView;
  response: GrpcDirectionView;
}
