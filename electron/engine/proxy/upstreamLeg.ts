import type { Header } from '../../../shared/model.js';
import type { UpstreamHttp2Facts } from './exchangeRecorder.js';
import type { LifecycleEvent } from './lifecycleMessages.js';
import type { UpstreamTarget } from './upstreamTarget.js';

export type { UpstreamHttp2Facts };

/**
 * The upstream half of an exchange, whatever protocol carries it (HTTP/1.1 on a pooled socket,
 * or a stream of a pooled HTTP/2 session): a client-side adapter (HTTP/1.1 or HTTP/2) forwards
 * the lifecycle's upstream commands to it, and it reports what happens upstream as lifecycle
 * events. Which leg an attempt gets is the adapter's choice (http1Adapter.ts, http2Adapter.ts).
 */
export interface UpstreamLeg {
  /** Open the request (the lifecycle's `openUpstream`). */
  open(): void;
  /** Forward a chunk of the request body; reports `upstreamBlocked` when the upstream buffer is full. */
  write(chunk: Buffer): void;
  /** The request body ended (with the client's trailer fields, when it sent some). */
  end(trailers?: readonly string[]): void;
  pauseResponse(): void;
  resumeResponse(): void;
  /** The response was relayed whole; `discard`: the request was not fully sent, do not reuse. */
  finished(discard: boolean): void;
  /** Abandon the request and its response. */
  abort(): void;
  /** The RST_STREAM code the server ended the stream with, when it did (mirrored to an HTTP/2 client). */
  readonly serverResetCode: number | undefined;
}

/** What a leg needs to know about the request it carries. */
export interface UpstreamRequestHead {
  method: string;
  target: UpstreamTarget;
  /**
   * The head in its HTTP/1.1 form (hop-by-hop fields removed, Host set, this hop's Connection
   * field): sent as is over HTTP/1.1, turned into pseudo-headers over HTTP/2.
   */
  http1Head: string[];
  withBody: boolean;
  /** The client asked for 100 Continue. */
  expectsContinue: boolean;
}

/** Where a leg reports: the exchange's lifecycle, and the record's request head once it is known. */
export interface LegReporter {
  handle(event: LifecycleEvent): void;
  /** The exchange ended: later events of this leg are stale. */
  readonly settled: boolean;
  /** The head as it went upstream, when the protocol made it differ from the one recorded at start. */
  sentHead(headers: Header[], httpVersion: string): void;
  /** HTTP/2 facts of the upstream stream (its id, the server's settings, a reset, a GOAWAY). */
  upstreamHttp2(update: UpstreamHttp2Facts): void;
}
