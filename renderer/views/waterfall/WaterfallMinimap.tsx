import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import { onThemeChange } from '../../theme';
import { LABEL_WIDTH_PX, readPalette } from './drawWaterfall';
import { minimapDensity } from './waterfallMinimap';
import { formatTick, tickStepMs } from './waterfallScale';

export const MINIMAP_HEIGHT_PX = 36;

const NO_IDS: readonly string[] = [];

interface Props {
  ids: readonly string[];
  byId: ReadonlyMap<string, Exchange>;
  version: number;
  /** The session's first start (ms since the epoch) and its length. */
  originMs: number;
  spanMs: number;
  /** The part of the session the chart shows, as offsets from originMs. */
  windowStartMs: number;
  windowEndMs: number;
  widthPx: number;
  /** A click or drag on the strip: show the rows starting around this offset. */
  onSeek(offsetMs: number): void;
}

/**
 * The whole session as a strip of traffic density (failed exchanges in the danger colour) with
 * the chart's window on it: the way through a long session, by time.
 */
export function WaterfallMinimap(props: Props) {
  const { ids, byId, version, originMs, spanMs, windowStartMs, windowEndMs, widthPx, onSeek } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [theme, setTheme] = useState(0);
  useEffect(() => onThemeChange(() => setTheme((t) => t + 1)), []);
  const stripWidth = Math.max(1, widthPx - LABEL_WIDTH_PX);
  // Counted in a render of its own after the view is on screen (a pass over every exchange,
  // tens of ms at 100,000): opening the Waterfall is then two tasks, not one long one.
  const densityIds = useDeferredValue(ids, NO_IDS);
  const density = useMemo(
    () => minimapDensity(densityIds, byId, originMs, spanMs, Math.floor(stripWidth / 2)),
    // `version` stands for changes inside byId.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [densityIds, byId, version, originMs, spanMs, stripWidth],
  );

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || widthPx === 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(widthPx * dpr);
    canvas.height = Math.round(MINIMAP_HEIGHT_PX * dpr);
    canvas.style.width = `${widthPx}px`;
    canvas.style.height = `${MINIMAP_HEIGHT_PX}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const palette = readPalette(canvas);
    ctx.fillStyle = palette.bgAlt;
    ctx.fillRect(0, 0, widthPx, MINIMAP_HEIGHT_PX);
    ctx.fillStyle = palette.border;
    ctx.fillRect(0, MINIMAP_HEIGHT_PX - 1, widthPx, 1);
    ctx.fillRect(LABEL_WIDTH_PX - 1, 0, 1, MINIMAP_HEIGHT_PX);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = palette.muted;
    const step = tickStepMs(spanMs / stripWidth);
    ctx.fillText(`Session: ${formatTick(spanMs, step)}`, 6, MINIMAP_HEIGHT_PX / 2);
    const bucketPx = stripWidth / density.counts.length;
    const barMax = MINIMAP_HEIGHT_PX - 6;
    for (let i = 0; i < density.counts.length; i += 1) {
      const count = density.counts[i]!;
      if (count === 0) continue;
      // Square root: a burst does not flatten the rest of the session to nothing.
      const h = Math.max(1, Math.sqrt(count / density.max) * barMax);
      const x = LABEL_WIDTH_PX + i * bucketPx;
      ctx.fillStyle = palette.muted;
      ctx.fillRect(x, MINIMAP_HEIGHT_PX - 2 - h, Math.max(1, bucketPx - 0.5), h);
      const failed = density.failed[i]!;
      if (failed > 0) {
        const fh = Math.max(1, (failed / count) * h);
        ctx.fillStyle = palette.danger;
        ctx.fillRect(x, MINIMAP_HEIGHT_PX - 2 - fh, Math.max(1, bucketPx - 0.5), fh);
      }
    }
    // The chart's window, at least 3 px wide so it can be seen on a day-long session.
    const scale = stripWidth / Math.max(1, spanMs);
    const x0 = LABEL_WIDTH_PX + Math.max(0, windowStartMs) * scale;
    const x1 = LABEL_WIDTH_PX + Math.min(spanMs, windowEndMs) * scale;
    const left = Math.min(x0, widthPx - 3);
    const width = Math.max(3, x1 - x0);
    ctx.fillStyle = palette.selected;
    ctx.globalAlpha = 0.45;
    ctx.fillRect(left, 0, width, MINIMAP_HEIGHT_PX - 1);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = palette.fg;
    ctx.strokeRect(left + 0.5, 0.5, width - 1, MINIMAP_HEIGHT_PX - 2);
  }, [density, widthPx, stripWidth, spanMs, windowStartMs, windowEndMs, theme]);

  const seekAt = (clientX: number) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    const x = clientX - rect.left - LABEL_WIDTH_PX;
    if (x < 0) return;
    onSeek((Math.min(x, stripWidth) / stripWidth) * spanMs);
  };
  const dragging = useRef(false);
  return (
    <canvas
      ref={canvasRef}
      className="waterfall-minimap"
      role="slider"
      aria-label="Session minimap"
      aria-valuemin={0}
      aria-valuemax={Math.round(spanMs)}
      aria-valuenow={Math.round(Math.max(0, windowStartMs))}
      aria-valuetext={`${formatTick(Math.max(0, windowStartMs), 1000)} of ${formatTick(spanMs, 1000)}`}
      tabIndex={0}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        seekAt(e.clientX);
      }}
      onPointerMove={(e) => {
        if (dragging.current) seekAt(e.clientX);
      }}
      onPointerUp={() => {
        dragging.current = false;
      }}
      onKeyDown={(e) => {
        const stepMs = Math.max(1, windowEndMs - windowStartMs);
        if (e.key === 'ArrowLeft') onSeek(Math.max(0, windowStartMs - stepMs));
        else if (e.key === 'ArrowRight') onSeek(Math.min(spanMs, windowStartMs + stepMs));
        else if (e.key === 'Home') onSeek(0);
        else if (e.key === 'End') onSeek(spanMs);
        else return;
        e.preventDefault();
      }}
    />
  );
}
