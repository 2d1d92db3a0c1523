/**
 * Derived data, memoized on exactly what it depends on: typing in the filter re-filters, a new
 * batch re-checks only exchanges that changed (a WeakMap per filter keyed by exchange object,
 * and every update is a new object), and an unrelated change (selection, view) costs nothing.
 */
import type { Exchange } from '../../shared/model';
import { parseFilter, urlParts } from '../../shared/filter';
import type { ParsedFilter } from '../../shared/filter';
import { shortContentType } from '../format';
import type { StoreState } from './';
import type { SortColumn, SortState } from './uiSlice';

let lastFilterText: string | undefined;
let lastParsed: ParsedFilter = parseFilter('');
let matchCache = new WeakMap<Exchange, boolean>();

export function selectParsedFilter(state: Pick<StoreState, 'filterText'>): ParsedFilter {
  if (state.filterText !== lastFilterText) {
    lastFilterText = state.filterText;
    lastParsed = parseFilter(state.filterText);
    matchCache = new WeakMap();
  }
  return lastParsed;
}

export interface VisibleRows {
  /** Ids to show, in display order. */
  ids: string[];
  /** With collapsed retry chains: row id → number of attempts in its chain (only for chains > 1). */
  attempts: Map<string, number>;
  /** Exchanges before filtering (after collapsing). */
  total: number;
}

function sortValue(exchange: Exchange, column: SortColumn): string | number {
  switch (column) {
    case 'seq':
      return exchange.seq;
    case 'method':
      return exchange.request.method;
    case 'host':
      return urlParts(exchange).host;
    case 'path':
      return urlParts(exchange).path;
    case 'status':
      return exchange.response?.status ?? (exchange.error ? -1 : 0);
    case 'type':
      return shortContentType(exchange.response?.body.contentType);
    case 'size':
      return exchange.response?.body.sizeBytes ?? -1;
    case 'duration':
      return exchange.durationMs ?? Number.MAX_SAFE_INTEGER;
    case 'start':
      return exchange.startedAtMs;
    case 'error':
      return exchange.error?.class ?? '';
    case 'source':
      return exchange.source ?? '';
  }
}

export function sortIds(ids: string[], byId: Map<string, Exchange>, sort: SortState): string[] {
  if (sort.column === 'seq') return sort.direction === 'asc' ? ids : [...ids].reverse();
  const keyed = ids.map((id) => {
    const e = byId.get(id)!;
    return { id, key: sortValue(e, sort.column), seq: e.seq };
  });
  const dir = sort.direction === 'asc' ? 1 : -1;
  keyed.sort((a, b) => {
    const cmp =
      typeof a.key === 'number' && typeof b.key === 'number'
        ? a.key - b.key
        : String(a.key).localeCompare(String(b.key));
    return cmp !== 0 ? cmp * dir : a.seq - b.seq;
  });
  return keyed.map((k) => k.id);
}

/** One id per retry chain: its latest attempt (the outcome), placed where the chain started. */
export function collapseChains(
  ids: string[],
  byId: Map<string, Exchange>,
): { ids: string[]; attempts: Map<string, number> } {
  const latest = new Map<string, Exchange>();
  const counts = new Map<string, number>();
  for (const id of ids) {
    const e = byId.get(id)!;
    if (!e.retry) continue;
    const chain = e.retry.chainId;
    counts.set(chain, (counts.get(chain) ?? 0) + 1);
    const current = latest.get(chain);
    if (!current || e.retry.attempt > current.retry!.attempt) latest.set(chain, e);
  }
  if (latest.size === 0) return { ids, attempts: new Map() };
  const out: string[] = [];
  const attempts = new Map<string, number>();
  const placed = new Set<string>();
  for (const id of ids) {
    const e = byId.get(id)!;
    if (!e.retry) {
      out.push(id);
      continue;
    }
    const chain = e.retry.chainId;
    if (placed.has(chain)) continue;
    placed.add(chain);
    const last = latest.get(chain)!;
    out.push(last.id);
    attempts.set(last.id, counts.get(chain)!);
  }
  return { ids: out, attempts };
}

let rowsInputs: unknown[] = [];
let rowsOutput: VisibleRows = { ids: [], attempts: new Map(), total: 0 };

export function selectVisibleRows(state: StoreState): VisibleRows {
  const parsed = selectParsedFilter(state);
  const inputs = [state.ids, state.exchangesVersion, parsed, state.sort, state.collapseRetries];
  if (inputs.every((value, i) => Object.is(value, rowsInputs[i]))) return rowsOutput;
  rowsInputs = inputs;
  const { byId } = state;
  let base = state.ids;
  let attempts = new Map<string, number>();
  if (state.collapseRetries) ({ ids: base, attempts } = collapseChains(base, byId));
  let filtered = base;
  if (!parsed.empty) {
    filtered = [];
    for (const id of base) {
      const exchange = byId.get(id);
      if (!exchange) continue;
      let match = matchCache.get(exchange);
      if (match === undefined) {
        match = parsed.predicate(exchange);
        matchCache.set(exchange, match);
      }
      if (match) filtered.push(id);
    }
  }
  rowsOutput = { ids: sortIds(filtered, byId, state.sort), attempts, total: base.length };
  return rowsOutput;
}

export function selectSelectedExchange(state: StoreState): Exchange | undefined {
  return state.selectedId === undefined ? undefined : state.byId.get(state.selectedId);
}

/**
 * Whether the detail pane is open: an exchange is selected and either in the list or dropped by
 * the engine while selected (the pane then says it was dropped rather than vanishing).
 */
export function selectShowsDetail(
  state: Pick<StoreState, 'selectedId' | 'byId' | 'droppedSelection'>,
): boolean {
  const id = state.selectedId;
  return id !== undefined && (state.byId.has(id) || state.droppedSelection === id);
}
