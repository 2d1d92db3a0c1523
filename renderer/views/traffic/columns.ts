import type { SortColumn } from '../../store';

export type ColumnId =
  | 'method'
  | 'host'
  | 'path'
  | 'status'
  | 'type'
  | 'size'
  | 'duration'
  | 'start'
  | 'waterfall'
  | 'error'
  | 'source';

export interface Column {
  id: ColumnId;
  label: string;
  widthPx: number;
  minWidthPx: number;
  /** The sort key, or undefined for columns that do not sort (the mini waterfall). */
  sort?: SortColumn;
  numeric?: boolean;
}

export const COLUMNS: readonly Column[] = [
  { id: 'method', label: 'Method', widthPx: 70, minWidthPx: 44, sort: 'method' },
  { id: 'host', label: 'Host', widthPx: 140, minWidthPx: 60, sort: 'host' },
  { id: 'path', label: 'Path', widthPx: 180, minWidthPx: 80, sort: 'path' },
  { id: 'status', label: 'Status', widthPx: 76, minWidthPx: 50, sort: 'status' },
  { id: 'type', label: 'Type', widthPx: 60, minWidthPx: 40, sort: 'type' },
  { id: 'size', label: 'Size', widthPx: 68, minWidthPx: 44, sort: 'size', numeric: true },
  { id: 'duration', label: 'Time', widthPx: 68, minWidthPx: 44, sort: 'duration', numeric: true },
  { id: 'start', label: 'Start', widthPx: 96, minWidthPx: 60, sort: 'start' },
  { id: 'waterfall', label: 'Waterfall', widthPx: 140, minWidthPx: 60 },
  { id: 'error', label: 'Error', widthPx: 140, minWidthPx: 60, sort: 'error' },
  // Where the exchange came from: chromium#1, terminal#2, system, manual (filter: source:).
  { id: 'source', label: 'Source', widthPx: 90, minWidthPx: 50, sort: 'source' },
];

export function gridTemplate(widths: Record<ColumnId, number>): string {
  // The path column takes what is left, so the table fills the pane without a horizontal scroll.
  return COLUMNS.map((c) => (c.id === 'path' ? `minmax(${widths[c.id]}px, 1fr)` : `${widths[c.id]}px`)).join(
    ' ',
  );
}
