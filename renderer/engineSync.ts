/**
 * Feeds the store from the engine: the initial `app:info` + `exchanges:list`, then the event
 * batches, one state update per batch. After a reconnect (web mode) everything is reloaded,
 * because events sent while the socket was down are lost.
 */
import type { EngineEvent } from '../shared/api';
import { call, onConnectionChange, onEvents } from './api';
import type { useStore } from './store';

type Store = typeof useStore;

export function syncWithEngine(store: Store): () => void {
  let loading = false;
  // Events that arrive while a list is in flight are applied after it, so the snapshot never
  // overwrites something newer (applyEvents ignores stale pending updates).
  let buffered: EngineEvent[] = [];
  let disposed = false;

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
    // Whatever waited for a frame predates the list request: the list supersedes it.
    buffered = [];
    frameQueue = [];
    try {
      const [info, exchanges] = await Promise.all([call('app:info'), call('exchanges:list')]);
      if (disposed) return;
      const state = store.getState();
      state.setInfo(info);
      state.setExchanges(exchanges);
      markLoaded(store);
    } catch (error) {
      if (!disposed)
        store
          .getState()
          .pushNotice(
            'error',
            `Could not load from NetLens: ${error instanceof Error ? error.message : String(error)}`,
          );
    } finally {
      loading = false;
      const pending = buffered;
      buffered = [];
      if (pending.length > 0 && !disposed) store.getState().applyEvents(pending);
    }
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

function markLoaded(store: Store): void {
  if (!store.getState().loaded) store.setState({ loaded: true });
}
