import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@shared/api';
import { makeExchange } from '@fixtures/exchangeFactory';

type Listener = (events: EngineEvent[]) => void;
const api = vi.hoisted(() => ({
  listeners: [] as ((events: unknown[]) => void)[],
  connection: undefined as ((state: string) => void) | undefined,
  list: undefined as ((value: unknown) => void) | undefined,
  info: {
    version: '1',
    mode: 'web',
    caCertPath: '/ca.pem',
    dataDir: '/d',
    capturing: true,
    platform: 'linux',
  },
}));

vi.mock('@renderer/api', () => ({
  onEvents: (listener: Listener) => {
    api.listeners.push(listener as (events: unknown[]) => void);
    return () => undefined;
  },
  onConnectionChange: (listener: (state: string) => void) => {
    api.connection = listener;
    return () => undefined;
  },
  call: (channel: string) =>
    channel === 'app:info' ? Promise.resolve(api.info) : new Promise((resolve) => (api.list = resolve)),
}));

const { syncWithEngine } = await import('@renderer/engineSync');
const { createAppStore } = await import('@renderer/store');

beforeEach(() => {
  api.listeners = [];
  api.connection = undefined;
  api.list = undefined;
});

describe('syncWithEngine', () => {
  it('loads the list on connect and applies events that arrived meanwhile after it', async () => {
    const store = createAppStore();
    syncWithEngine(store);
    api.connection!('open');
    expect(store.getState().connection).toBe('open');
    const listed = makeExchange({ state: 'pending', response: null });
    const finished = { ...listed, state: 'complete' as const };
    const later = makeExchange();
    // While the list is in flight: the finish of a listed exchange and a new one.
    api.listeners[0]!([
      { type: 'exchange:finished', exchange: finished },
      { type: 'exchange:started', exchange: later },
    ]);
    expect(store.getState().ids).toEqual([]);
    await vi.waitFor(() => expect(api.list).toBeDefined());
    api.list!([listed]);
    await vi.waitFor(() => expect(store.getState().loaded).toBe(true));
    const s = store.getState();
    expect(s.ids).toEqual([listed.id, later.id]);
    expect(s.byId.get(listed.id)?.state).toBe('complete');
    expect(s.info?.caCertPath).toBe('/ca.pem');
    // After the load, events go straight to the store.
    const third = makeExchange();
    api.listeners[0]!([{ type: 'exchange:finished', exchange: third }]);
    expect(store.getState().ids).toContain(third.id);
  });
});
