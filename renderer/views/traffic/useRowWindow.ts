import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** The rows on screen, as indices (`last < first` when none). */
export interface RowRange {
  first: number;
  last: number;
}

export interface RowWindow {
  /** The rows on screen (below the sticky header), clamped to the list. */
  onScreen: RowRange;
  /** The rows to render: those on screen and `overscan` more on each side. */
  rendered: RowRange;
  /** Re-reads the scroll position and size (call on scroll, and after setting scrollTop). */
  update(): void;
  /** Scrolls just enough to show row `index` whole below the header ("nearest"). */
  scrollToIndex(index: number): void;
}

/** The rows a scroller of rows `rowHeightPx` high, under a sticky header `headerHeightPx` high, shows. */
export function rowsOnScreen(
  scrollTop: number,
  clientHeight: number,
  rowHeightPx: number,
  headerHeightPx: number,
): RowRange {
  return {
    first: Math.max(0, Math.floor(scrollTop / rowHeightPx)),
    last: Math.ceil((scrollTop + clientHeight - headerHeightPx) / rowHeightPx) - 1,
  };
}

/**
 * The window of a list of rows of one fixed height: which rows are on screen follows from the
 * scroll position by arithmetic, so opening or filtering a list of 100,000 rows costs what a
 * list of 50 does (a general virtualizer keeps a measurement per row, rebuilt whenever the row
 * count changes: 100,000 objects on every batch of traffic and every filter).
 */
export function useRowWindow(
  scrollRef: RefObject<HTMLElement | null>,
  count: number,
  rowHeightPx: number,
  headerHeightPx: number,
  overscan: number,
): RowWindow {
  const [range, setRange] = useState<RowRange>({ first: 0, last: -1 });

  const update = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const next = rowsOnScreen(el.scrollTop, el.clientHeight, rowHeightPx, headerHeightPx);
    setRange((current) => (current.first === next.first && current.last === next.last ? current : next));
  }, [scrollRef, rowHeightPx, headerHeightPx]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    update();
    const observer = new ResizeObserver(() => update());
    observer.observe(el);
    return () => observer.disconnect();
  }, [scrollRef, update]);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const topPx = index * rowHeightPx;
      const bottomPx = headerHeightPx + (index + 1) * rowHeightPx;
      if (topPx < el.scrollTop) el.scrollTop = topPx;
      else if (bottomPx > el.scrollTop + el.clientHeight) el.scrollTop = bottomPx - el.clientHeight;
      update();
    },
    [scrollRef, rowHeightPx, headerHeightPx, update],
  );

  const onScreen = { first: range.first, last: Math.min(range.last, count - 1) };
  const rendered = {
    first: Math.max(0, Math.min(range.first, count) - overscan),
    last: Math.min(count - 1, range.last + overscan),
  };
  return { onScreen, rendered, update, scrollToIndex };
}
