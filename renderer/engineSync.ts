/**
 * Keeps the store in step with the engine, for every kind of data: on each connect it loads the
 * snapshots (`app:info`, `exchanges:list`, `retries:list`, the monitors and their histories, the
 * rules and the TCP proxies),
 * then applies the event batches through the store's one event action, `applyEvents`. After a
 * reconnect (web mode) everything is reloaded, because events sent while the socket was down
 * are lost. Views never subscribe to the engine themselves.
 */
import type { EngineEvent } from '../shared/api';
import { call, onConnectionChange, onEvents } from './api';
import type { AppStore } from './store';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The monitors and each one's history; a failure is a notice, the rest of the load goes on. */
async function loadMonitors(store: AppStore, isDisposed: () => boolean): Promise<void> {
  try {
    const monitors = await call('monitors:list');
    const histories = await Promise.all(
      monitors.map(async (m) => [m.id, await call('monitors:history', m.id)] as const),
    );
    if (isDisposed()) return;
    const state = store.getState();
    state.setMonitors(monitors);
    for (const [id, history] of histories) state.setMonitorHistory(id, history);
  } catch (error) {
    if (!isDisposed())
      store.getState().pushNotice('error', `Could not load the monitors: ${messageOf(error)}`);
  }
}

/** The rules in force and the TCP proxies; a failure is a notice, the rest of the load goes on. */
async function loadRules(store: AppStore, isDisposed: () => boolean): Promise<void> {
  try {
    const [rules, proxies] = await Promise.all([call('rules:get'), call('tcpProxies:list')]);
    if (isDisposed()) return;
    store.getState().setRulesState(rules);
    store.getState().setTcpProxies(proxies);
  } catch (error) {
    if (!isDisposed()) store.getState().pushNotice('error', `Could not load the rules: ${messageOf(error)}`);
  }
}

export function syncWithEngine(store: AppStore): () => void {
  let loading = false;
  // Events that arrive while the snapshots are in flight are applied after them, so a snapshot
  // never overwrites something newer (applyEvents ignores stale pending updates and older chains).
  let buffered: EngineEvent[] = [];
  let disposed = false;
  const isDisposed = () => disposed;

  // Batches that arrive within one frame are applied together, so the UI renders at most once
  // per frame however the socket delivers them. A hidden page gets no frames: apply at once.
  let frameQueue: EngineEvent[] = [];
  let frameRequested = false;
  const flushFrame = () => {
    frameRequested = false;
    const events = frameQueue;
    frameQueue = [];
    if (events.length > 0 && !disposed) store.getState().applyEvents(events);
  };

  const unsubscribeEvents = onEvents((events) => {
    if (loading) {
      buffered.push(...events);
      return;
    }
    // Many exchanges changed at once (a HAR import, a session opened): the list is loaded again
    // rather than sent as one event per exchange.
    if (events.some((event) => event.type === 'exchanges:reload')) {
      const rest = events.filter((event) => event.type !== 'exchanges:reload');
      if (rest.length > 0) store.getState().applyEvents(rest);
      void load();
      return;
    }
    if (typeof requestAnimationFrame !== 'function' || document.hidden) {
      flushFrame();
      store.getState().applyEvents(events);
      return;
    }
    for (const event of events) frameQueue.push(event);
    if (!frameRequested) {
      frameRequested = true;
      requestAnimationFrame(flushFrame);
    }
  });

  async function load(): Promise<void> {
    loading = true;
    // Whatever waited for a frame predates the snapshots: they supersede it.
    buffered = [];
    frameQueue = [];
    const monitors = loadMonitors(store, isDisposed);
    const rules = loadRules(store, isDisposed);
    try {
      const [info, exchanges, chains] = await Promise.all([
        call('app:info'),
        call('exchanges:list'),
        call('retries:list'),
      ]);
      if (!disposed) {
        const state = store.getState();
        state.setInfo(info);
        state.setExchanges(exchanges);
        state.setRetryChains(chains);
        if (!state.loaded) store.setState({ loaded: true });
      }
    } catch (error) {
      if (!disposed) store.getState().pushNotice('error', `Could not load from NetLens: ${messageOf(error)}`);
    }
    await Promise.all([monitors, rules]);
    loading = false;
    const pending = buffered;
    buffered = [];
    if (pending.length > 0 && !disposed) store.getState().applyEvents(pending);
  }

  const unsubscribeConnection = onConnectionChange((state) => {
    store.getState().setConnection(state);
    if (state === 'open') void load();
  });

  return () => {
    disposed = true;
    unsubscribeEvents();
    unsubscribeConnection();
  };
}
