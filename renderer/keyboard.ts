/**
 * App-wide keys (DevTools' habits): ↑/↓ (PageUp/PageDown, Home/End) move the selection through the visible rows, `/` focuses
 * the filter, Esc clears it (handled by the input) or closes the detail pane; each view's shortcut
 * (views/viewRegistry.tsx) opens it; R replays the selected exchange, E opens Edit and resend.
 */
import type { AppStore } from './store';
import { selectVisibleRows } from './store/selectors';
import type { ViewName } from './views/viewName';

/** What the keyboard needs of the view registry. */
export interface KeyboardView {
  name: ViewName;
  shortcut: string;
  listsExchanges?: boolean;
}

export interface KeyboardContext {
  views: readonly KeyboardView[];
  focusFilter(): void;
  /** `r`: resend the selected exchange as recorded; `e`: open it in Edit and resend. */
  replaySelected?(id: string, edit: boolean): void;
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** The id `delta` rows away from the selection (the first or last row when nothing is selected). */
export function moveSelection(
  ids: readonly string[],
  selectedId: string | undefined,
  delta: number,
): string | undefined {
  if (ids.length === 0) return undefined;
  const index = selectedId === undefined ? -1 : ids.indexOf(selectedId);
  if (index < 0) return delta > 0 ? ids[0] : ids[ids.length - 1];
  return ids[Math.max(0, Math.min(ids.length - 1, index + delta))];
}

/** Rows moved by each key; Home/End go as far as the list goes. */
const SELECTION_KEYS: Record<string, number> = {
  ArrowDown: 1,
  ArrowUp: -1,
  PageDown: 20,
  PageUp: -20,
  End: Number.MAX_SAFE_INTEGER,
  Home: -Number.MAX_SAFE_INTEGER,
};

export function handleGlobalKey(event: KeyboardEvent, store: AppStore, context: KeyboardContext): void {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const state = store.getState();
  if (event.key === '/' && !typingIn(event.target)) {
    event.preventDefault();
    context.focusFilter();
    return;
  }
  if (typingIn(event.target)) return;
  if (event.target instanceof HTMLElement && event.target.closest('[role="dialog"]')) return;
  const shortcut = context.views.find((v) => v.shortcut === event.key);
  if (shortcut && !event.shiftKey) {
    event.preventDefault();
    state.setView(shortcut.name);
    return;
  }
  if (!context.views.find((v) => v.name === state.view)?.listsExchanges) return;
  const delta = SELECTION_KEYS[event.key];
  if (delta !== undefined) {
    event.preventDefault();
    const rows = selectVisibleRows(state);
    const step = event.shiftKey && Math.abs(delta) === 1 ? delta * 10 : delta;
    const next = moveSelection(rows.ids, state.selectedId, step);
    if (next !== undefined) state.select(next);
  } else if ((event.key === 'r' || event.key === 'e') && !event.shiftKey && state.selectedId !== undefined) {
    if (!context.replaySelected) return;
    event.preventDefault();
    context.replaySelected(state.selectedId, event.key === 'e');
  } else if (event.key === 'Escape' && state.selectedId !== undefined) {
    state.select(undefined);
  }
}
