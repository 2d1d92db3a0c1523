import type { Exchange } from '../../../shared/model';
import { urlParts } from '../../../shared/filter';
import { TIMING_COLORS, timingRanges } from '../../../shared/timing';
import { connectionHue, type ConnectionRows } from './connectionGroups';
import type { Viewport } from './waterfallScale';
import { exchangeTone, statusMark, STATUS_TONES, type StatusTone } from '../../statusTone';
import { formatTick, msToX, ticks } from './waterfallScale';

export const ROW_HEIGHT_PX = 20;
export const AXIS_HEIGHT_PX = 24;
export const LABEL_WIDTH_PX = 240;

export interface Palette {
  bg: string;
  bgAlt: string;
  selected: string;
  fg: string;
  muted: string;
  border: string;
  danger: string;
  /** The outcome colours of the list's Status cell (`--status-*`). */
  status: Record<StatusTone, string>;
}

export function readPalette(element: Element): Palette {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#fff'),
    bgAlt: v('--bg-alt', '#f6f7f9'),
    selected: v('--bg-selected', '#d6e6ff'),
    fg: v('--fg', '#111'),
    muted: v('--fg-muted', '#666'),
    border: v('--border', '#ddd'),
    danger: v('--danger', '#c62828'),
    status: Object.fromEntries(STATUS_TONES.map((tone) => [tone, v(`--status-${tone}`, '#666')])) as Record<
      StatusTone,
      string
    >,
  };
}

export interface DrawInput {
  ctx: CanvasRenderingContext2D;
  widthPx: number;
  heightPx: number;
  ids: readonly string[];
  byId: ReadonlyMap<string, Exchange>;
  originMs: number;
  viewport: Viewport;
  scrollTopPx: number;
  selectedId: string | undefined;
  hoveredId: string | undefined;
  palette: Palette;
  /** Rows grouped by connection (connectionGroups.ts): a lane marker and a line between groups. */
  groups?: ConnectionRows;
}

/**
 * A row's label: the outcome mark the traffic list uses (✖ no response, ⚠ 4xx/5xx, from
 * statusTone.ts), the method, `host:port` and the path; and the tone that colours it.
 */
export function waterfallLabel(exchange: Exchange): { text: string; tone: StatusTone | undefined } {
  const tone = exchangeTone(exchange);
  const mark = statusMark(tone);
  const { hostLabel, path } = urlParts(exchange);
  return {
    text: `${mark ? `${mark} ` : ''}${exchange.request.method} ${hostLabel}${path}`,
    tone: mark ? tone : undefined,
  };
}

/**
 * The rows wholly in view at `scrollTopPx` (the axis covers the top AXIS_HEIGHT_PX), as indexes;
 * what the chart's label names and what its scale fits.
 */
export function rowsInView(
  scrollTopPx: number,
  heightPx: number,
  count: number,
): { first: number; last: number } {
  if (count === 0) return { first: 0, last: -1 };
  const first = Math.min(count - 1, Math.max(0, Math.ceil(scrollTopPx / ROW_HEIGHT_PX)));
  const last = Math.min(count - 1, Math.floor((scrollTopPx + heightPx - AXIS_HEIGHT_PX) / ROW_HEIGHT_PX) - 1);
  return { first, last: Math.max(first, last) };
}

/** Paints the axis and only the rows in view: cost follows the window height, not the session size. */
export function drawWaterfall(input: DrawInput): { first: number; last: number } {
  const { ctx, widthPx, heightPx, ids, byId, originMs, viewport, scrollTopPx, palette } = input;
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, widthPx, heightPx);
  // Nothing to put on a time axis: no axis either (a 0–1 ms grid would be made up); the view
  // says the waterfall is empty.
  if (ids.length === 0) return { first: 0, last: -1 };
  const timelineWidth = Math.max(0, widthPx - LABEL_WIDTH_PX);
  const first = Math.max(0, Math.floor(scrollTopPx / ROW_HEIGHT_PX));
  const visibleCount = Math.ceil((heightPx - AXIS_HEIGHT_PX) / ROW_HEIGHT_PX) + 1;
  const last = Math.min(ids.length - 1, first + visibleCount);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';

  // Row backgrounds, then the tick lines over them, then labels and bars.
  for (let i = first; i <= last; i++) {
    const id = ids[i]!;
    const y = AXIS_HEIGHT_PX + i * ROW_HEIGHT_PX - scrollTopPx;
    const fill =
      id === input.selectedId
        ? palette.selected
        : id === input.hoveredId || i % 2 === 1
          ? palette.bgAlt
          : undefined;
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fillRect(0, y, widthPx, ROW_HEIGHT_PX);
    }
  }
  const { stepMs, offsetsMs } = ticks(viewport, timelineWidth);
  ctx.fillStyle = palette.border;
  for (const t of offsetsMs) {
    const x = Math.round(LABEL_WIDTH_PX + msToX(viewport, t));
    ctx.fillRect(x, AXIS_HEIGHT_PX, 1, heightPx - AXIS_HEIGHT_PX);
  }

  for (let i = first; i <= last; i++) {
    const exchange = byId.get(ids[i]!);
    if (!exchange) continue;
    const y = AXIS_HEIGHT_PX + i * ROW_HEIGHT_PX - scrollTopPx;
    const label = waterfallLabel(exchange);
    const labelColor = label.tone ? palette.status[label.tone] : palette.fg;
    // Label: method and path, clipped to its column.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, y, LABEL_WIDTH_PX - 6, ROW_HEIGHT_PX);
    ctx.clip();
    ctx.fillStyle = labelColor;
    const groups = input.groups;
    const key = groups?.keys[i];
    let labelX = 6;
    if (groups) {
      // The connection's lane: one colour per connection, the stream id after it.
      labelX = 12;
      if (key !== undefined) {
        ctx.fillStyle = `hsl(${connectionHue(key)} 65% 50%)`;
        const top = groups.groupStarts[i] ? y + 3 : y;
        const bottom = groups.groupStarts[i + 1] === false ? y + ROW_HEIGHT_PX : y + ROW_HEIGHT_PX - 3;
        ctx.fillRect(3, top, 4, bottom - top);
      }
      const stream = groups.streamIds[i];
      if (stream !== undefined) {
        ctx.fillStyle = palette.muted;
        ctx.fillText(`#${stream}`, labelX, y + ROW_HEIGHT_PX / 2);
        labelX += ctx.measureText(`#${stream} `).width + 2;
      }
    }
    ctx.fillStyle = labelColor;
    ctx.fillText(label.text, labelX, y + ROW_HEIGHT_PX / 2);
    ctx.restore();
    if (groups?.groupStarts[i] && i > 0) {
      ctx.fillStyle = palette.border;
      ctx.fillRect(0, y, widthPx, 1);
    }

    // Bars.
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_WIDTH_PX, y, timelineWidth, ROW_HEIGHT_PX);
    ctx.clip();
    const offsetMs = exchange.startedAtMs - originMs;
    let endX = LABEL_WIDTH_PX;
    for (const range of timingRanges(exchange.timings)) {
      const x0 = LABEL_WIDTH_PX + msToX(viewport, offsetMs + range.startMs);
      const x1 = LABEL_WIDTH_PX + msToX(viewport, offsetMs + range.endMs);
      endX = x1;
      if (x1 < LABEL_WIDTH_PX || x0 > widthPx) continue;
      ctx.fillStyle = TIMING_COLORS[range.phase];
      ctx.fillRect(x0, y + 4, Math.max(1, x1 - x0), ROW_HEIGHT_PX - 8);
    }
    if (exchange.error) {
      ctx.fillStyle = palette.danger;
      ctx.fillRect(Math.max(LABEL_WIDTH_PX, endX), y + 2, 2, ROW_HEIGHT_PX - 4);
    }
    if (exchange.state === 'pending') {
      ctx.fillStyle = palette.muted;
      const x0 = LABEL_WIDTH_PX + msToX(viewport, offsetMs);
      ctx.fillRect(x0, y + ROW_HEIGHT_PX / 2 - 1, Math.max(4, endX - x0), 2);
    }
    ctx.restore();
  }

  // Axis, drawn last so rows scroll under it.
  ctx.fillStyle = palette.bgAlt;
  ctx.fillRect(0, 0, widthPx, AXIS_HEIGHT_PX);
  ctx.fillStyle = palette.border;
  ctx.fillRect(0, AXIS_HEIGHT_PX - 1, widthPx, 1);
  ctx.fillRect(LABEL_WIDTH_PX - 1, 0, 1, heightPx);
  ctx.fillStyle = palette.muted;
  for (const t of offsetsMs) {
    const x = Math.round(LABEL_WIDTH_PX + msToX(viewport, t));
    ctx.fillRect(x, AXIS_HEIGHT_PX - 6, 1, 6);
    ctx.fillText(formatTick(t, stepMs), x + 3, AXIS_HEIGHT_PX / 2);
  }
  ctx.fillStyle = palette.fg;
  ctx.fillText(`${ids.length} exchanges`, 6, AXIS_HEIGHT_PX / 2);
  return { first, last };
}
