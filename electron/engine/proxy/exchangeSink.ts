import type { Exchange, WebSocketFrame } from '../../../shared/model.js';
import type { BodyCapture } from '../capture/bodyCapture.js';

/**
 * Where the proxy reports what it sees. The engine implements it over the exchange store and
 * body store; when capture is off the proxy still forwards but reports nothing.
 */
export interface ExchangeSink {
  readonly capturing: boolean;
  nextSeq(): number;
  openBody(): BodyCapture;
  started(exchange: Exchange): void;
  progressed(exchange: Exchange): void;
  /**
   * New frames of an open WebSocket's log (`startIndex`: the first one's place in it), batched
   * by the proxy; the log itself is bounded (proxy/wsFrameLog.ts).
   */
  webSocketFrames?(id: string, startIndex: number, frames: WebSocketFrame[], framesNotRecorded: number): void;
  /** The exchange ended (complete or failed). The sink stores the captured bodies. */
  finished(exchange: Exchange, bodies: { request?: BodyCapture; response?: BodyCapture }): void;
}
