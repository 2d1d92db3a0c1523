import { formatDuration } from '../../format';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import { TIMING_COLORS, TIMING_LABELS, TIMING_PHASES, exchangeTimeMs } from '../../../shared/timing';
import { PhaseTable } from '../../components/PhaseTable';

import { onThemeChange } from '../../theme';
import { useStore } from '../../store';
import { selectShowsDetail, selectVisibleRows } from '../../store/selectors';
import { DetailPane } from '../detail/DetailPane';
import { FilterBar, FilterErrors } from '../traffic/FilterBar';
import { memoTimeBounds, timeBounds } from '../traffic/sessionBounds';
import {
  AXIS_HEIGHT_PX,
  LABEL_WIDTH_PX,
  ROW_HEIGHT_PX,
  drawWaterfall,
  readPalette,
  rowsInView,
} from './drawWaterfall';
import type { Viewport } from './waterfallScale';
import { fitRange, fitViewport, panBy, zoomAnchorPx, zoomAt } from './waterfallScale';
import { groupByConnection } from './connectionGroups';
import { rowAtTime, rowNearestTime } from './waterfallMinimap';
import { WaterfallMinimap } from './WaterfallMinimap';
import { errorLabel } from '../../../shared/errorClasses';

interface Hover {
  id: string;
  x: number;
  y: number;
}

function Tooltip({ exchange, x, y }: { exchange: Exchange; x: number; y: number }) {
  return (
    <div className="waterfall-tooltip" role="tooltip" style={{ left: x + 14, top: y + 14 }}>
      <div className="waterfall-tooltip-title">
        {exchange.request.method} {exchange.request.url}
      </div>
      <PhaseTable exchange={exchange} compact />
      {exchange.connection.reused && (
        <div className="muted">Connection reused (#{exchange.connection.id})</div>
      )}
      {exchange.error && (
        <div className="danger-text">
          ✖ {errorLabel(exchange.error)}: {exchange.error.class} ({exchange.error.phase},{' '}
          {formatDuration(exchangeTimeMs(exchange))})
        </div>
      )}
    </div>
  );
}

/**
 * How the time axis is chosen: fitted to the rows in view (the default: readable bars at any
 * session length, following the scroll), to the whole session, or set by the user (zoom, pan).
 */
type ScaleMode = 'rows' | 'session' | 'manual';

/**
 * The session (or the filtered set) on one time axis, painted on a canvas: only the rows in view
 * are drawn, on each animation frame that needs it. It opens on the newest rows, scaled to them,
 * and stays on the newest while scrolled to the bottom; the minimap above moves through time.
 * Ctrl+wheel zooms around the pointer, Shift+wheel or dragging pans, a click selects.
 */
export function WaterfallView() {
  const visible = useStore(selectVisibleRows);
  const byId = useStore((s) => s.byId);
  const version = useStore((s) => s.exchangesVersion);
  const [byConnection, setByConnection] = useState(false);
  const groups = useMemo(
    () => (byConnection ? groupByConnection(visible.ids, byId) : undefined),
    // byId is updated in place; the version says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [byConnection, visible.ids, byId, version],
  );
  const rows = useMemo(() => (groups ? { ...visible, ids: groups.ids } : visible), [groups, visible]);
  const selectedId = useStore((s) => s.selectedId);
  const select = useStore((s) => s.select);
  const hasSelection = useStore(selectShowsDetail);
  const allIds = useStore((s) => s.ids);
  const sessionBounds = useStore((s) => s.sessionBounds);
  const bounds = memoTimeBounds(rows.ids, byId, version, { ids: allIds, bounds: sessionBounds });
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  /** The axis the user set by zooming or panning (mode 'manual'). */
  const [manualViewport, setManualViewport] = useState<Viewport>({ startMs: 0, msPerPx: 1 });
  const [mode, setMode] = useState<ScaleMode>('rows');
  const modeRef = useRef<ScaleMode>('rows');
  const [inView, setInView] = useState({ first: 0, last: -1 });
  /** Scrolled to the newest row: new rows keep it there (as a terminal follows its output). */
  const atBottomRef = useRef(true);
  const [hover, setHover] = useState<Hover | undefined>();
  const [size, setSize] = useState({ width: 0, height: 0 });
  const frameRef = useRef<number | undefined>(undefined);
  const drawRef = useRef<() => void>(() => undefined);
  const spanMs = bounds ? bounds.endMs - bounds.startMs : 1;
  const timelineWidth = Math.max(1, size.width - LABEL_WIDTH_PX);

  const originMs = bounds?.startMs ?? 0;
  const noteScroll = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    atBottomRef.current = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - ROW_HEIGHT_PX;
    const next = rowsInView(scroller.scrollTop, scroller.clientHeight, rows.ids.length);
    setInView((current) => (current.first === next.first && current.last === next.last ? current : next));
  }, [rows.ids.length]);

  // The newest rows at the bottom: on opening, and while the user stays there.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller || size.height === 0) return;
    if (atBottomRef.current) scroller.scrollTop = scroller.scrollHeight;
    noteScroll();
  }, [rows.ids.length, size.height, noteScroll]);

  // The scale follows the rows in view (or the whole session) until the user zooms or pans.
  const fittedViewport = useMemo(() => {
    void version; // an exchange in view finished: its bar grew
    const range =
      mode === 'rows' && inView.last >= inView.first
        ? timeBounds(rows.ids.slice(inView.first, inView.last + 1), byId)
        : undefined;
    return range
      ? fitRange(range.startMs - originMs, range.endMs - originMs, timelineWidth)
      : fitViewport(spanMs, timelineWidth);
  }, [mode, spanMs, timelineWidth, inView, rows.ids, byId, version, originMs]);
  const viewport = mode === 'manual' ? manualViewport : fittedViewport;
  const viewportRef = useRef(viewport);
  useEffect(() => {
    viewportRef.current = viewport;
    modeRef.current = mode;
  });

  /** A zoom or pan: from the axis on screen, and from then on the user's. */
  const adjustViewport = useCallback((change: (v: Viewport) => Viewport) => {
    if (modeRef.current === 'manual') {
      setManualViewport((v) => change(v));
      return;
    }
    const next = change(viewportRef.current);
    modeRef.current = 'manual';
    viewportRef.current = next;
    setManualViewport(next);
    setMode('manual');
  }, []);

  const seek = useCallback(
    (offsetMs: number) => {
      const scroller = scrollerRef.current;
      if (!scroller || rows.ids.length === 0) return;
      // Grouped by connection, the rows are not in time order: no binary search then.
      const index = (groups ? rowNearestTime : rowAtTime)(rows.ids, byId, originMs + offsetMs);
      scroller.scrollTop = index * ROW_HEIGHT_PX;
      setMode('rows');
      noteScroll();
    },
    [rows.ids, byId, originMs, noteScroll, groups],
  );

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: scroller.clientWidth, height: scroller.clientHeight }),
    );
    observer.observe(scroller);
    setSize({ width: scroller.clientWidth, height: scroller.clientHeight });
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    drawRef.current = () => {
      frameRef.current = undefined;
      const canvas = canvasRef.current;
      const scroller = scrollerRef.current;
      if (!canvas || !scroller || size.width === 0) return;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(size.width * dpr);
      const h = Math.round(size.height * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
        canvas.style.width = `${size.width}px`;
        canvas.style.height = `${size.height}px`;
      }
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawWaterfall({
        ctx,
        widthPx: size.width,
        heightPx: size.height,
        ids: rows.ids,
        byId,
        originMs,
        viewport,
        scrollTopPx: scroller.scrollTop,
        selectedId,
        hoveredId: hover?.id,
        palette: readPalette(canvas),
        groups,
      });
    };
  });

  const requestDraw = useCallback(() => {
    frameRef.current ??= requestAnimationFrame(() => drawRef.current());
  }, []);
  useEffect(requestDraw, [requestDraw, rows, version, viewport, selectedId, hover, size]);
  useEffect(
    () => () => (frameRef.current !== undefined ? cancelAnimationFrame(frameRef.current) : undefined),
    [],
  );
  // Redraw when the theme changes (the user's choice or the OS's).
  useEffect(() => onThemeChange(requestDraw), [requestDraw]);

  // Keep the selected row in view when the keyboard moves the selection.
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller || selectedId === undefined) return;
    const index = rows.ids.indexOf(selectedId);
    if (index < 0) return;
    const top = index * ROW_HEIGHT_PX;
    const visible = scroller.clientHeight - AXIS_HEIGHT_PX - ROW_HEIGHT_PX;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top > scroller.scrollTop + visible) scroller.scrollTop = top - visible;
    // Only when the selection changes: new rows must not pull the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  const rowAt = useCallback(
    (clientX: number, clientY: number): { id: string; x: number; y: number } | undefined => {
      const scroller = scrollerRef.current;
      if (!scroller) return undefined;
      const rect = scroller.getBoundingClientRect();
      const x = clientX - rect.left;
      const y = clientY - rect.top;
      if (y < AXIS_HEIGHT_PX) return undefined;
      const index = Math.floor((y - AXIS_HEIGHT_PX + scroller.scrollTop) / ROW_HEIGHT_PX);
      const id = rows.ids[index];
      return id === undefined ? undefined : { id, x, y };
    },
    [rows.ids],
  );

  // Ctrl+wheel zoom needs a non-passive listener to stop the page from zooming.
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const onWheel = (event: WheelEvent) => {
      const rect = scroller.getBoundingClientRect();
      const anchorX = Math.max(0, event.clientX - rect.left - LABEL_WIDTH_PX);
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        adjustViewport((v) => zoomAt(v, Math.exp(-event.deltaY * 0.002), anchorX));
      } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        event.preventDefault();
        adjustViewport((v) => panBy(v, -(event.shiftKey ? event.deltaY : event.deltaX)));
      }
    };
    scroller.addEventListener('wheel', onWheel, { passive: false });
    return () => scroller.removeEventListener('wheel', onWheel);
  }, [adjustViewport]);

  const drag = useRef<{ x: number; y: number; moved: boolean; scrollTop: number } | undefined>(undefined);
  const [dragging, setDragging] = useState(false);

  /** The + / − buttons zoom around the selected exchange's bar, else the rows in view. */
  const zoomButton = (factor: number) => {
    const selected = selectedId !== undefined ? byId.get(selectedId) : undefined;
    const range =
      selected && rows.ids.includes(selected.id)
        ? timeBounds([selected.id], byId)
        : inView.last >= inView.first
          ? timeBounds(rows.ids.slice(inView.first, inView.last + 1), byId)
          : undefined;
    const focus = range && { startMs: range.startMs - originMs, endMs: range.endMs - originMs };
    adjustViewport((v) => zoomAt(v, factor, zoomAnchorPx(v, timelineWidth, focus)));
  };

  const hovered = hover ? byId.get(hover.id) : undefined;
  return (
    <section
      aria-label="Waterfall"
      className="split-main"
      style={{ display: 'flex', flexDirection: 'column' }}
    >
      <div className="toolbar" role="toolbar" aria-label="Waterfall">
        <FilterBar />
        <button type="button" aria-label="Zoom in" onClick={() => zoomButton(2)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoomButton(0.5)}>
          −
        </button>
        <button
          type="button"
          aria-pressed={mode === 'rows'}
          title="Scale the time axis to the rows in view, as you scroll"
          onClick={() => setMode('rows')}
        >
          Fit
        </button>
        <button
          type="button"
          aria-pressed={mode === 'session'}
          title="Show the whole session on the time axis"
          onClick={() => setMode('session')}
        >
          Whole session
        </button>
        <label title="Rows of one connection together (HTTP/2 streams, reused keep-alive connections), each connection in its colour">
          <input
            type="checkbox"
            checked={byConnection}
            onChange={(e) => setByConnection(e.currentTarget.checked)}
          />{' '}
          Group by connection
        </label>
        <span className="legend" aria-label="Legend">
          {TIMING_PHASES.map((p) => (
            <span key={p}>
              <i style={{ background: TIMING_COLORS[p] }} />
              {TIMING_LABELS[p]}
            </span>
          ))}
        </span>
      </div>
      <FilterErrors />
      <div className="split">
        <div className="split-main">
          {rows.ids.length > 0 && (
            <WaterfallMinimap
              ids={rows.ids}
              byId={byId}
              version={version}
              originMs={originMs}
              spanMs={spanMs}
              windowStartMs={viewport.startMs}
              windowEndMs={viewport.startMs + timelineWidth * viewport.msPerPx}
              widthPx={size.width}
              onSeek={seek}
            />
          )}
          <div className="waterfall-stage">
            <canvas
              ref={canvasRef}
              role="img"
              aria-label={
                `Waterfall chart of ${rows.ids.length} exchanges` +
                (inView.last >= inView.first ? `, rows ${inView.first + 1}–${inView.last + 1} in view` : '')
              }
            />
            <div
              ref={scrollerRef}
              className={`waterfall-scroller${dragging ? ' dragging' : ''}`}
              data-testid="waterfall-scroller"
              onScroll={() => {
                requestDraw();
                noteScroll();
                if (hover) setHover(undefined);
              }}
              onPointerDown={(e) => {
                if (e.button !== 0) return;
                drag.current = {
                  x: e.clientX,
                  y: e.clientY,
                  moved: false,
                  scrollTop: e.currentTarget.scrollTop,
                };
                e.currentTarget.setPointerCapture(e.pointerId);
              }}
              onPointerMove={(e) => {
                const d = drag.current;
                if (d) {
                  const dx = e.clientX - d.x;
                  const dy = e.clientY - d.y;
                  if (!d.moved && Math.hypot(dx, dy) > 3) {
                    d.moved = true;
                    setDragging(true);
                  }
                  if (d.moved) {
                    // The delta is taken now: the updater runs later, after d.x has moved on.
                    const panPx = e.clientX - d.x;
                    d.x = e.clientX;
                    adjustViewport((v) => panBy(v, panPx));
                    e.currentTarget.scrollTop = d.scrollTop - dy;
                    return;
                  }
                }
                const hit = rowAt(e.clientX, e.clientY);
                setHover((current) =>
                  hit
                    ? current?.id === hit.id && current.x === hit.x && current.y === hit.y
                      ? current
                      : hit
                    : undefined,
                );
              }}
              onPointerUp={(e) => {
                const d = drag.current;
                drag.current = undefined;
                setDragging(false);
                if (d && !d.moved) {
                  const hit = rowAt(e.clientX, e.clientY);
                  if (hit) select(hit.id);
                }
              }}
              onPointerLeave={() => setHover(undefined)}
            >
              <div style={{ height: AXIS_HEIGHT_PX + rows.ids.length * ROW_HEIGHT_PX }} />
            </div>
            {hovered && hover && <Tooltip exchange={hovered} x={hover.x} y={hover.y} />}
            {rows.ids.length === 0 && (
              <p className="muted" style={{ position: 'absolute', top: AXIS_HEIGHT_PX + 8, left: 12 }}>
                {rows.total === 0 ? 'No exchanges yet.' : 'No exchange matches the filter.'}
              </p>
            )}
          </div>
        </div>
        {hasSelection && <DetailPane />}
      </div>
    </section>
  );
}
