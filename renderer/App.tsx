import { useEffect } from 'react';
import { syncWithEngine } from './engineSync';
import { handleGlobalKey } from './keyboard';
import { useStore } from './store';
import type { ViewName } from './store';
import { StatusBar } from './views/traffic/StatusBar';
import { FILTER_INPUT_ID } from './views/traffic/FilterBar';
import { TrafficView } from './views/traffic/TrafficView';
import { InterceptView } from './views/intercept/InterceptView';
import { WaterfallView } from './views/waterfall/WaterfallView';
import { OverviewView } from './views/overview/OverviewView';
import { RetriesView } from './views/retries/RetriesView';
import { DiffView } from './views/diff/DiffView';
import { ProbesView } from './views/probes/ProbesView';
import { MonitorsView } from './views/monitors/MonitorsView';
import { SettingsView } from './views/settings/SettingsView';
import { ensureMonitorFeed, loadMonitors } from './views/monitors/monitorFeed';

const NAV: { view: ViewName; label: string }[] = [
  { view: 'traffic', label: 'Traffic' },
  { view: 'intercept', label: 'Intercept' },
  { view: 'waterfall', label: 'Waterfall' },
  { view: 'overview', label: 'Overview' },
  { view: 'retries', label: 'Retries' },
  { view: 'diff', label: 'Diff' },
  { view: 'probes', label: 'Probes' },
  { view: 'monitors', label: 'Monitors' },
  { view: 'settings', label: 'Settings' },
];

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
  // The filter lives in the traffic and waterfall views: switch, then focus after the render.
  if (store.view !== 'traffic' && store.view !== 'waterfall') store.setView('traffic');
  requestAnimationFrame(() => focus());
}

function CurrentView() {
  const view = useStore((s) => s.view);
  switch (view) {
    case 'traffic':
      return <TrafficView />;
    case 'intercept':
      return <InterceptView />;
    case 'waterfall':
      return <WaterfallView />;
    case 'overview':
      return <OverviewView />;
    case 'retries':
      return <RetriesView />;
    case 'diff':
      return <DiffView />;
    case 'probes':
      return <ProbesView />;
    case 'monitors':
      return <MonitorsView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <TrafficView />;
  }
}

function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <p>{n.message}</p>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

export function App() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  useEffect(() => syncWithEngine(useStore), []);
  // Monitors run in the engine whatever view is open: follow them from the start, so a state
  // change (up → down) is announced in web mode even before the Monitors view was visited.
  useEffect(() => {
    ensureMonitorFeed();
    void loadMonitors();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => handleGlobalKey(event, useStore, focusFilter);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <span className="app-title">NetLens</span>
        <nav className="app-nav" aria-label="Views">
          {NAV.map((item) => (
            <button
              key={item.view}
              type="button"
              aria-current={view === item.view ? 'page' : undefined}
              onClick={() => setView(item.view)}
            >
              {item.label}
            </button>
          ))}
        </nav>
      </header>
      <main className="app-main">
        <CurrentView />
      </main>
      <StatusBar />
      <Notices />
    </div>
  );
}
