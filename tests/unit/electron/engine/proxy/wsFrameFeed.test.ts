import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketFrame } from '@shared/model.js';
import { WsFrameFeed } from '@engine/proxy/wsFrameFeed.js';
import { MAX_RECORDED_FRAMES, WsFrameLog } from '@engine/proxy/wsFrameLog.js';

afterEach(() => {
  vi.useRealTimers();
});

function text(log: WsFrameLog, data: string): void {
  log.add('send', 1, data.length, new TextEncoder().encode(data), { fin: true, compressed: false });
}

describe('WsFrameFeed', () => {
  it('sends the new frames once per interval, each frame once, in order', () => {
    vi.useFakeTimers();
    const log = new WsFrameLog();
    const sent: [number, string[], number][] = [];
    const feed = new WsFrameFeed(log, (start, frames: WebSocketFrame[], notRecorded) =>
      sent.push([start, frames.map((f) => f.data), notRecorded]),
    );
    text(log, 'a');
    feed.poke();
    text(log, 'b');
    feed.poke();
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([[0, ['a', 'b'], 0]]);
    feed.poke();
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
    text(log, 'c');
    feed.stop();
    expect(sent).toEqual([
      [0, ['a', 'b'], 0],
      [2, ['c'], 0],
    ]);
    text(log, 'd');
    feed.poke();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it('past the log limit, only the count of frames not recorded goes out', () => {
    vi.useFakeTimers();
    const log = new WsFrameLog();
    for (let i = 0; i < MAX_RECORDED_FRAMES; i += 1) text(log, 'x');
    const sent: [number, number, number][] = [];
    const feed = new WsFrameFeed(log, (start, frames, notRecorded) =>
      sent.push([start, frames.length, notRecorded]),
    );
    feed.flush();
    text(log, 'over');
    text(log, 'over');
    feed.poke();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      [0, MAX_RECORDED_FRAMES, 0],
      [MAX_RECORDED_FRAMES, 0, 2],
    ]);
  });
});
