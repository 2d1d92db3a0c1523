import type { SortColumn } from '../../store';

export type ColumnId =
  | 'name'
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
  /** Takes the width left over (at least widthPx). */
  flexible?: boolean;
}

const ALL: Record<ColumnId, Column> = {
  // The compact layout's one text column: the path first, the host after it.
  name: { id: 'name', label: 'Name', widthPx: 160, minWidthPx: 100, sort: 'path', flexible: true },
  method: { id: 'method', label: 'Method', widthPx: 66, minWidthPx: 44, sort: 'method' },
  host: { id: 'host', label: 'Host', widthPx: 134, minWidthPx: 60, sort: 'host' },
  path: { id: 'path', label: 'Path', widthPx: 100, minWidthPx: 80, sort: 'path', flexible: true },
  // Wide enough for the longest short reason (`✖ injected connect timeout` aside, which ellipsizes
  // with its full text in the tooltip).
  status: { id: 'status', label: 'Status', widthPx: 120, minWidthPx: 50, sort: 'status' },
  type: { id: 'type', label: 'Type', widthPx: 48, minWidthPx: 40, sort: 'type' },
  size: { id: 'size', label: 'Size', widthPx: 68, minWidthPx: 44, sort: 'size', numeric: true },
  duration: { id: 'duration', label: 'Time', widthPx: 68, minWidthPx: 44, sort: 'duration', numeric: true },
  start: { id: 'start', label: 'Start', widthPx: 100, minWidthPx: 60, sort: 'start' },
  waterfall: { id: 'waterfall', label: 'Waterfall', widthPx: 90, minWidthPx: 60 },
  error: { id: 'error', label: 'Error', widthPx: 124, minWidthPx: 60, sort: 'error' },
  // Where the exchange came from: chromium#1, terminal#2, system, manual (filter: source:).
  source: { id: 'source', label: 'Source', widthPx: 72, minWidthPx: 50, sort: 'source' },
};

/** Every column: the list on its own (fits 1024 px without a horizontal scroll). */
export const COLUMNS: readonly Column[] = [
  ALL.method,
  ALL.host,
  ALL.path,
  ALL.status,
  ALL.type,
  ALL.size,
  ALL.duration,
  ALL.start,
  ALL.waterfall,
  ALL.error,
  ALL.source,
];

/** Beside the detail pane: name, status, time, so the failure's reason never scrolls out of sight. */
export const COMPACT_COLUMNS: readonly Column[] = [ALL.name, ALL.status, ALL.duration];

export function columnsFor(compact: boolean): readonly Column[] {
  return compact ? COMPACT_COLUMNS : COLUMNS;
}

export function initialColumnWidths(): Record<ColumnId, number> {
  return Object.fromEntries(Object.values(ALL).map((c) => [c.id, c.widthPx])) as Record<ColumnId, number>;
}

export function columnById(id: ColumnId): Column {
  return ALL[id];
}

export function gridTemplate(columns: readonly Column[], widths: Record<ColumnId, number>): string {
  // The flexible column takes what is left, so the table fills the pane without a horizontal scroll.
  return columns.map((c) => (c.flexible ? `minmax(${widths[c.id]}px, 1fr)` : `${widths[c.id]}px`)).join(' ');
}
