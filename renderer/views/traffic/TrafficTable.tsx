import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CSSProperties, PointerEvent as ReactPointerEvent } from 'react';
import { useStore } from '../../store';
import { selectVisibleRows } from '../../store/selectors';
import { columnById, columnsFor, gridTemplate, initialColumnWidths } from './columns';
import type { Column, ColumnId } from './columns';
import { roundedBounds, timeBounds } from './sessionBounds';
import { TrafficRow } from './TrafficRow';
import { RowSlots } from './rowSlots';
import { RowMenu } from './RowMenu';
import type { RowMenuState } from './RowMenu';
import { useRowWindow } from './useRowWindow';

export const ROW_HEIGHT_PX = 22;
const HEADER_HEIGHT_PX = 26;
/** Rows rendered beyond each edge of the screen, so a fast scroll does not show blank rows. */
const OVERSCAN_ROWS = 8;

function HeaderCell({
  column,
  onResize,
}: {
  column: Column;
  onResize(id: ColumnId, deltaPx: number, done: boolean): void;
}) {
  const sort = useStore((s) => s.sort);
  const toggleSort = useStore((s) => s.toggleSort);
  const sorted = column.sort !== undefined && sort.column === column.sort;
  const startResize = (event: ReactPointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => onResize(column.id, e.clientX - startX, false);
    const up = (e: PointerEvent) => {
      onResize(column.id, e.clientX - startX, true);
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  return (
    <div
      role="columnheader"
      aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
      className="th"
      style={{ padding: 0 }}
    >
      <button
        type="button"
        className="th"
        style={{ width: '100%', textAlign: column.numeric ? 'right' : 'left', border: 'none' }}
        disabled={column.sort === undefined}
        onClick={() => column.sort && toggleSort(column.sort)}
        title={column.sort ? `Sort by ${column.label.toLowerCase()}` : undefined}
      >
        {column.label}
        {sorted ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
      <div
        className="resizer"
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize ${column.label} column`}
        onPointerDown={startResize}
      />
    </div>
  );
}

/**
 * The virtualized exchange list: only the rows in view (plus a few) exist in the DOM, so
 * 100,000 exchanges cost what 50 do. Follows the newest row until the user scrolls up, and
 * again once they scroll back to the bottom. `compact` (the detail pane is open) shows only
 * name, status and time.
 */
export function TrafficTable({ compact = false }: { compact?: boolean }) {
  const rows = useStore(selectVisibleRows);
  const byId = useStore((s) => s.byId);
  const selectedId = useStore((s) => s.selectedId);
  const select = useStore((s) => s.select);
  const sort = useStore((s) => s.sort);
  const columns = columnsFor(compact);
  const scrollRef = useRef<HTMLDivElement>(null);
  const followRef = useRef(true);
  const [following, setFollowing] = useState(true);
  const [widths, setWidths] = useState(initialColumnWidths);
  const [rowSlots] = useState(() => new RowSlots());
  const [menu, setMenu] = useState<RowMenuState | undefined>();
  const closeMenu = useCallback(() => setMenu(undefined), []);
  const dragBase = useRef<Record<ColumnId, number> | undefined>(undefined);

  const rowWindow = useRowWindow(scrollRef, rows.ids.length, ROW_HEIGHT_PX, HEADER_HEIGHT_PX, OVERSCAN_ROWS);
  const { update: updateWindow, scrollToIndex } = rowWindow;

  const newestLast = sort.column === 'seq' && sort.direction === 'asc';
  useLayoutEffect(() => {
    // Scroll to the known content height: reading scrollHeight would force a layout per batch.
    const el = scrollRef.current;
    if (el && followRef.current && newestLast) {
      el.scrollTop = HEADER_HEIGHT_PX + rows.ids.length * ROW_HEIGHT_PX;
      // Before the paint: the newest rows show at once, not after the scroll event.
      updateWindow();
    }
  }, [rows.ids.length, newestLast, updateWindow]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    updateWindow();
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT_PX;
    if (atBottom !== followRef.current) {
      followRef.current = atBottom;
      setFollowing(atBottom);
    }
  }, [updateWindow]);

  // Keep the keyboard-selected row in view.
  useEffect(() => {
    if (selectedId === undefined) return;
    const index = rows.ids.indexOf(selectedId);
    if (index >= 0) scrollToIndex(index);
    // Only on selection change: following new rows must not fight the user's scroll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  const onResize = useCallback((id: ColumnId, deltaPx: number, done: boolean) => {
    setWidths((current) => {
      const base = (dragBase.current ??= current);
      const column = columnById(id);
      const next = { ...current, [id]: Math.max(column.minWidthPx, base[id] + deltaPx) };
      if (done) dragBase.current = undefined;
      return next;
    });
  }, []);

  const style = useMemo(
    () =>
      ({
        '--traffic-columns': gridTemplate(columns, widths),
      }) as CSSProperties,
    [columns, widths],
  );
  const minWidthPx = columns.reduce((sum, c) => sum + widths[c.id], 0);
  const { rendered } = rowWindow;
  const visibleIndices: number[] = [];
  for (let index = rendered.first; index <= rendered.last; index += 1) visibleIndices.push(index);
  // The mini waterfall's axis: the time span of the rows on screen (not the overscan, not the
  // session), rounded to a 1-2-5 span so it holds still while rows stream in.
  const onScreen = rows.ids.slice(rowWindow.onScreen.first, rowWindow.onScreen.last + 1);
  const exactBounds = compact ? undefined : timeBounds(onScreen, byId);
  const boundsStart = exactBounds?.startMs;
  const boundsEnd = roundedBounds(exactBounds)?.endMs;
  // A stable object while the rounded span holds, so memoized rows skip re-rendering.
  const bounds = useMemo(
    () =>
      boundsStart === undefined || boundsEnd === undefined
        ? undefined
        : { startMs: boundsStart, endMs: boundsEnd },
    [boundsStart, boundsEnd],
  );
  const slots = rowSlots.assign(visibleIndices);
  // Rendered in slot order: React never moves a row element (rows are positioned absolutely,
  // so their order in the DOM does not matter; moving them does).
  const items = visibleIndices
    .map((index, i) => ({ index, slot: slots[i]! }))
    .sort((a, b) => a.slot - b.slot);

  return (
    <div className="traffic-table" style={style}>
      <div
        ref={scrollRef}
        className="traffic-body"
        role="grid"
        aria-label="Exchanges"
        aria-rowcount={rows.ids.length + 1}
        aria-multiselectable={false}
        onScroll={onScroll}
        onContextMenu={(event) => {
          const row = (event.target as HTMLElement).closest<HTMLElement>('[data-id]');
          if (!row?.dataset.id) return;
          event.preventDefault();
          select(row.dataset.id);
          // Kept inside the window near the right and bottom edges.
          setMenu({
            id: row.dataset.id,
            x: Math.min(event.clientX, window.innerWidth - 230),
            y: Math.min(event.clientY, window.innerHeight - 170),
          });
        }}
      >
        <div
          role="row"
          aria-rowindex={1}
          className="traffic-head"
          style={{ position: 'sticky', top: 0, zIndex: 2, height: HEADER_HEIGHT_PX, minWidth: minWidthPx }}
        >
          {columns.map((column) => (
            <HeaderCell key={column.id} column={column} onResize={onResize} />
          ))}
        </div>
        <div style={{ height: rows.ids.length * ROW_HEIGHT_PX, position: 'relative', minWidth: minWidthPx }}>
          {items.map(({ index, slot }) => {
            const id = rows.ids[index]!;
            return (
              <TrafficRow
                // Keyed by slot (see RowSlots): scrolling re-fills row elements instead of
                // removing and creating them.
                key={slot}
                id={id}
                index={index}
                topPx={index * ROW_HEIGHT_PX}
                selected={id === selectedId}
                attempts={rows.attempts.get(id)}
                bounds={bounds}
                columns={columns}
                onSelect={select}
              />
            );
          })}
        </div>
        {rows.ids.length === 0 && rows.total > 0 && (
          <p className="muted" style={{ padding: 12 }}>
            No exchange matches the filter ({rows.total} hidden).
          </p>
        )}
      </div>
      {menu && <RowMenu menu={menu} onClose={closeMenu} />}
      {!following && newestLast && rows.ids.length > 0 && (
        <button
          type="button"
          className="primary"
          style={{ position: 'absolute', right: 24, bottom: 40, zIndex: 3 }}
          onClick={() => {
            followRef.current = true;
            setFollowing(true);
            const el = scrollRef.current;
            if (el) el.scrollTop = el.scrollHeight;
          }}
        >
          ↓ Follow newest
        </button>
      )}
    </div>
  );
}
