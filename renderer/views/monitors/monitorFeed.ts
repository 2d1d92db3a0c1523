/**
 * Keeps the store's monitors in step with the engine: loads the definitions and each one's
 * history, then applies `monitor:event` batches as they come. Started once, the first time a
 * view needs it, and kept for the app's life so state changes are seen from any view (each
 * becomes an in-app notice; Electron also shows a desktop notification from the main process).
 * Reloads after a reconnect, since events sent while the socket was down are lost.
 */
import { call, onConnectionChange, onEvents } from '../../api';
import { useStore } from '../../store';

let started = false;

export async function loadMonitors(): Promise<void> {
  const store = useStore.getState();
  try {
    const monitors = await call('monitors:list');
    useStore.getState().setMonitors(monitors);
    const histories = await Promise.all(
      monitors.map(async (m) => [m.id, await call('monitors:history', m.id)] as const),
    );
    for (const [id, history] of histories) useStore.getState().setMonitorHistory(id, history);
  } catch (error) {
    store.pushNotice(
      'error',
      `Could not load the monitors: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function ensureMonitorFeed(): void {
  if (started) return;
  started = true;
  onEvents((events) => {
    const changes = useStore.getState().applyMonitorEvents(events);
    for (const change of changes) {
      if (change.kind === 'state')
        useStore.getState().pushNotice(change.to === 'down' ? 'warning' : 'info', change.message);
    }
  });
  let first = true;
  onConnectionChange((state) => {
    if (state !== 'open') return;
    // The first 'open' is covered by the view's own load.
    if (first) first = false;
    else void loadMonitors();
  });
}
