import type { WebSocketFrame } from '../../../shared/model.js';
import type { WsFrameLog } from './wsFrameLog.js';

/** How long new frames wait to go out together: a chatty WebSocket is a few events a second. */
export const FRAME_FEED_INTERVAL_MS = 100;

/**
 * Hands the new frames of an open WebSocket's log to a listener (the live message list), at most
 * once per interval, each frame once. The log is bounded, so is what this sends; frames past the
 * log's limit go out as the count of frames not recorded.
 */
export class WsFrameFeed {
  private sent = 0;
  private sentNotRecorded = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: WsFrameLog,
    private readonly emit: (startIndex: number, frames: WebSocketFrame[], framesNotRecorded: number) => void,
    private readonly intervalMs = FRAME_FEED_INTERVAL_MS,
  ) {}

  /** Frames were added to the log: send them with the next tick. */
  poke(): void {
    if (this.timer || !this.pending()) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending()) return;
    const startIndex = this.sent;
    const frames = this.log.frames.slice(startIndex);
    this.sent = this.log.frames.length;
    this.sentNotRecorded = this.log.notRecorded;
    this.emit(startIndex, frames, this.log.notRecorded);
  }

  /** The WebSocket closed: what is left goes out now, nothing after. */
  stop(): void {
    this.flush();
    this.poke = () => undefined;
  }

  private pending(): boolean {
    return this.log.frames.length > this.sent || this.log.notRecorded > this.sentNotRecorded;
  }
}
