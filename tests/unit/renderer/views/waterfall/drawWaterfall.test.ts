import { describe, expect, it } from 'vitest';
import { drawWaterfall, waterfallLabel, type Palette } from '@renderer/views/waterfall/drawWaterfall';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory';
import type { Exchange } from '@shared/model';

const PALETTE: Palette = {
  bg: '#fff',
  bgAlt: '#eee',
  selected: '#ddf',
  fg: '#111',
  muted: '#666',
  border: '#ccc',
  danger: '#c00',
  status: {
    '2xx': 'green',
    '3xx': 'blue',
    '4xx': 'amber',
    '5xx': 'orange',
    error: 'red',
    pending: 'grey',
    info: 'grey',
  },
};

/** A 2D context that records what is drawn: the texts and the rectangles. */
function recordingContext() {
  const texts: { text: string; fill: string }[] = [];
  const rects: number[][] = [];
  const ctx = {
    fillStyle: '',
    font: '',
    textBaseline: '',
    fillRect: (...r: number[]) => rects.push(r),
    fillText(text: string) {
      texts.push({ text, fill: String(this.fillStyle) });
    },
    measureText: (text: string) => ({ width: text.length * 6 }),
    save() {},
    restore() {},
    beginPath() {},
    rect() {},
    clip() {},
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, texts, rects };
}

function draw(exchanges: Exchange[]) {
  const recording = recordingContext();
  drawWaterfall({
    ctx: recording.ctx,
    widthPx: 800,
    heightPx: 400,
    ids: exchanges.map((e) => e.id),
    byId: new Map(exchanges.map((e) => [e.id, e])),
    originMs: exchanges[0]?.startedAtMs ?? 0,
    viewport: { startMs: 0, msPerPx: 0.0014 },
    scrollTopPx: 0,
    selectedId: undefined,
    hoveredId: undefined,
    palette: PALETTE,
  });
  return recording;
}

describe('drawWaterfall', () => {
  it('draws no time axis, grid or label when there is no exchange (the view says it is empty)', () => {
    const { texts, rects } = draw([]);
    expect(texts).toEqual([]);
    // Only the background.
    expect(rects).toEqual([[0, 0, 800, 400]]);
  });

  it('draws the axis with its ticks once there are rows', () => {
    const { texts } = draw([makeExchange()]);
    expect(texts.map((t) => t.text)).toContain('1 exchanges');
    expect(texts.some((t) => /\bms$/.test(t.text))).toBe(true);
  });

  it('marks and colours a row as the traffic list does: ⚠ amber for a 4xx, ✖ red for no response', () => {
    const { texts } = draw([
      makeExchange({ status: 404, url: 'http://127.0.0.1:8080/missing' }),
      makeFailedExchange({}, { url: 'http://127.0.0.1:9/down' }),
      makeExchange({ url: 'http://127.0.0.1:8080/fine' }),
    ]);
    expect(texts.find((t) => t.text.endsWith('/missing'))).toEqual({
      text: '⚠ GET 127.0.0.1:8080/missing',
      fill: 'amber',
    });
    expect(texts.find((t) => t.text.endsWith('/down'))).toEqual({
      text: '✖ GET 127.0.0.1:9/down',
      fill: 'red',
    });
    expect(texts.find((t) => t.text.endsWith('/fine'))).toEqual({
      text: 'GET 127.0.0.1:8080/fine',
      fill: '#111',
    });
  });
});

describe('waterfallLabel', () => {
  it('uses the list outcome mark: ⚠ for 4xx and 5xx, ✖ only without a response, none for a success', () => {
    expect(waterfallLabel(makeExchange({ status: 404 }))).toMatchObject({
      text: expect.stringMatching(/^⚠ GET /),
      tone: '4xx',
    });
    expect(waterfallLabel(makeExchange({ status: 503 }))).toMatchObject({
      text: expect.stringMatching(/^⚠ GET /),
      tone: '5xx',
    });
    expect(waterfallLabel(makeFailedExchange())).toMatchObject({
      text: expect.stringMatching(/^✖ GET /),
      tone: 'error',
    });
    expect(waterfallLabel(makeExchange({ status: 200 }))).toMatchObject({
      text: expect.stringMatching(/^GET /),
      tone: undefined,
    });
  });
});
