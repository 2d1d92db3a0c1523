import type { ViewName } from '../views/viewName';
import type { SliceCreator } from './sliceCreator';

export type { ViewName } from '../views/viewName';

export type SortColumn =
  'seq' | 'method' | 'host' | 'path' | 'status' | 'type' | 'size' | 'duration' | 'start' | 'error' | 'source';

export interface SortState {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

export type DetailTab =
  | 'headers'
  | 'body'
  | 'timing'
  | 'diagnosis'
  | 'tls'
  | 'trace'
  /** Shown for gRPC calls, HTTP/2 streams and WebSockets only. */
  | 'grpc'
  | 'streams'
  | 'messages';

export interface UiSlice {
  view: ViewName;
  setView(view: ViewName): void;
  selectedId?: string;
  select(id: string | undefined): void;
  /** Tab of the detail pane; kept across selections like DevTools does. */
  detailTab: DetailTab;
  setDetailTab(tab: DetailTab): void;
  /** Width of the detail pane; undefined: the stylesheet's default. */
  detailWidthPx?: number;
  setDetailWidth(widthPx: number): void;
  sort: SortState;
  /** Clicking the sorted column flips its direction; another column sorts ascending. */
  toggleSort(column: SortColumn): void;
  /** One row per retry chain (the latest attempt, with the attempt count). */
  collapseRetries: boolean;
  setCollapseRetries(collapse: boolean): void;
  /** The exchange open in the Edit and resend dialog, if any. */
  replayEditorId?: string;
  openReplayEditor(id: string | undefined): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  view: 'traffic',
  setView: (view) => set({ view }),
  selectedId: undefined,
  select: (id) => set({ selectedId: id }),
  detailTab: 'headers',
  setDetailTab: (detailTab) => set({ detailTab }),
  detailWidthPx: undefined,
  setDetailWidth: (widthPx) => set({ detailWidthPx: Math.round(Math.max(320, widthPx)) }),
  sort: { column: 'seq', direction: 'asc' },
  toggleSort: (column) =>
    set((s) => ({
      sort:
        s.sort.column === column
          ? { column, direction: s.sort.direction === 'asc' ? 'desc' : 'asc' }
          : { column, direction: 'asc' },
    })),
  collapseRetries: false,
  setCollapseRetries: (collapseRetries) => set({ collapseRetries }),
  replayEditorId: undefined,
  openReplayEditor: (replayEditorId) => set({ replayEditorId }),
});
