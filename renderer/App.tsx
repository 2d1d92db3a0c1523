import { useEffect } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ThemePicker } from './components/ThemePicker';
import { Notices } from './components/Notices';
import { syncWithEngine } from './engineSync';
import { handleGlobalKey } from './keyboard';
import { useStore } from './store';
import { StatusBar } from './views/traffic/StatusBar';
import { FILTER_INPUT_ID } from './views/traffic/FilterBar';
import { VIEWS, viewEntry } from './views/viewRegistry';
import { ReplayEditor } from './views/replay/ReplayEditor';
import { replayBlocker, replayExchange } from './views/replay/replayActions';

function focusFilter(): void {
  const store = useStore.getState();
  const focus = (): boolean => {
    const input = document.getElementById(FILTER_INPUT_ID);
    if (!(input instanceof HTMLInputElement)) return false;
    input.focus();
    input.select();
    return true;
  };
  if (focus()) return;
  // The filter lives in the views that list exchanges: switch, then focus after the render.
  if (!viewEntry(store.view).listsExchanges) store.setView('traffic');
  requestAnimationFrame(() => focus());
}

/** The keyboard's R and E: the same checks as the detail pane's buttons, the reason as a notice. */
function replaySelected(id: string, edit: boolean): void {
  const state = useStore.getState();
  const exchange = state.byId.get(id);
  if (!exchange) return;
  const blocker = replayBlocker(exchange, state.capturing);
  if (blocker) return state.pushNotice('info', blocker);
  if (edit) return state.openReplayEditor(id);
  replayExchange(id).catch((error: unknown) =>
    state.pushNotice('error', error instanceof Error ? error.message : String(error)),
  );
}

function CurrentView() {
  const view = useStore((s) => s.view);
  const { label, component: View } = viewEntry(view);
  // Keyed by view: a view that failed starts afresh when the user comes back to it.
  return (
    <ErrorBoundary key={view} label={label} unit="view">
      <View />
    </ErrorBoundary>
  );
}

export function App() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  useEffect(() => syncWithEngine(useStore), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) =>
      handleGlobalKey(event, useStore, { views: VIEWS, focusFilter, replaySelected });
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <span className="app-title">NetLens</span>
        <nav className="app-nav" aria-label="Views">
          {VIEWS.map((item) => (
            <button
              key={item.name}
              type="button"
              aria-current={view === item.name ? 'page' : undefined}
              aria-keyshortcuts={item.shortcut}
              title={`${item.label} (${item.shortcut})`}
              onClick={() => setView(item.name)}
            >
              {item.label}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        <ThemePicker />
      </header>
      <main className="app-main">
        <CurrentView />
      </main>
      <StatusBar />
      <Notices />
      <ReplayEditor />
    </div>
  );
}
