/**
 * The waterfall's horizontal scale, pure: which ms is at which pixel, zoom around a point, pan,
 * and the axis ticks. `startMs` is an offset from the session's first start.
 */

export interface Viewport {
  /** Offset (ms from the first exchange's start) at the left edge of the timeline. */
  startMs: number;
  msPerPx: number;
}

export const MIN_MS_PER_PX = 0.001;
export const MAX_MS_PER_PX = 10 * 60_000;

export function fitViewport(spanMs: number, widthPx: number): Viewport {
  const width = Math.max(1, widthPx);
  // A little room on the right so the last bar's end is visible.
  return { startMs: 0, msPerPx: clamp((Math.max(1, spanMs) * 1.02) / width) };
}

function clamp(msPerPx: number): number {
  return Math.min(MAX_MS_PER_PX, Math.max(MIN_MS_PER_PX, msPerPx));
}

export function msToX(viewport: Viewport, offsetMs: number): number {
  return (offsetMs - viewport.startMs) / viewport.msPerPx;
}

export function xToMs(viewport: Viewport, x: number): number {
  return viewport.startMs + x * viewport.msPerPx;
}

/** Zooms by `factor` (>1 zooms in) keeping the time under `anchorX` where it is. */
export function zoomAt(viewport: Viewport, factor: number, anchorX: number): Viewport {
  const anchorMs = xToMs(viewport, anchorX);
  const msPerPx = clamp(viewport.msPerPx / factor);
  return { msPerPx, startMs: anchorMs - anchorX * msPerPx };
}

/**
 * Where the + / − buttons zoom around (the pointer is on the button, not on the chart): the
 * middle of the part on screen of `focus` — the selected exchange's bar, else the span of the
 * rows in view — so what the user is looking at stays put; the middle of the timeline when there
 * is nothing to keep. `focus` is in offsets (ms) like the viewport's.
 */
export function zoomAnchorPx(
  viewport: Viewport,
  widthPx: number,
  focus: { startMs: number; endMs: number } | undefined,
): number {
  const middle = widthPx / 2;
  if (!focus) return middle;
  const x0 = Math.max(0, msToX(viewport, focus.startMs));
  const x1 = Math.min(widthPx, msToX(viewport, focus.endMs));
  // Off screen: keep its nearest edge where it is rather than jump to the middle.
  if (x1 < x0) return x1 <= 0 ? 0 : x0 >= widthPx ? widthPx : middle;
  return (x0 + x1) / 2;
}

export function panBy(viewport: Viewport, dxPx: number): Viewport {
  return { ...viewport, startMs: viewport.startMs - dxPx * viewport.msPerPx };
}

const STEPS_MS = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000,
  30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
];

/** A round tick step that leaves at least `minGapPx` between ticks. */
export function tickStepMs(msPerPx: number, minGapPx = 80): number {
  const wanted = msPerPx * minGapPx;
  return STEPS_MS.find((s) => s >= wanted) ?? STEPS_MS[STEPS_MS.length - 1]!;
}

/**
 * A tick's label: ms or s while short; past a minute as clock time from the session's start
 * (`12:34`, `1:02:03.5`), so a label stays within the 80 px between ticks however long the
 * session (`3723.5 s` says less and takes more room).
 */
export function formatTick(offsetMs: number, stepMs: number): string {
  if (Math.abs(offsetMs) >= 60_000 && stepMs >= 1) {
    const sign = offsetMs < 0 ? '-' : '';
    const totalMs = Math.abs(offsetMs);
    const decimals = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
    const seconds = ((totalMs % 60_000) / 1000)
      .toFixed(decimals)
      .padStart(decimals > 0 ? 3 + decimals : 2, '0');
    const minutes = Math.floor(totalMs / 60_000) % 60;
    const hours = Math.floor(totalMs / 3_600_000);
    return hours > 0
      ? `${sign}${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
      : `${sign}${minutes}:${seconds}`;
  }
  if (stepMs >= 1000) return `${(offsetMs / 1000).toFixed(stepMs >= 10_000 ? 0 : stepMs >= 1000 ? 1 : 2)} s`;
  const decimals = stepMs >= 1 ? 0 : stepMs >= 0.1 ? 1 : 2;
  return `${offsetMs.toFixed(decimals)} ms`;
}

/**
 * The viewport that shows [fromMs, toMs] (offsets) across `widthPx`, with a little room on both
 * sides: how the waterfall fits the rows in view, so their bars are readable however long the
 * session around them.
 */
export function fitRange(fromMs: number, toMs: number, widthPx: number): Viewport {
  const spanMs = Math.max(1, toMs - fromMs);
  const msPerPx = clamp((spanMs * 1.04) / Math.max(1, widthPx));
  return { startMs: fromMs - spanMs * 0.02, msPerPx };
}

/** The tick offsets visible in [viewport.startMs, viewport.startMs + widthPx·msPerPx]. */
export function ticks(viewport: Viewport, widthPx: number): { stepMs: number; offsetsMs: number[] } {
  const stepMs = tickStepMs(viewport.msPerPx);
  const endMs = xToMs(viewport, widthPx);
  const offsetsMs: number[] = [];
  for (
    let t = Math.ceil(viewport.startMs / stepMs) * stepMs;
    t <= endMs && offsetsMs.length < 200;
    t += stepMs
  )
    offsetsMs.push(t);
  return { stepMs, offsetsMs };
}
