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
  chains: [] as unknown[],
  monitor: { id: 'm1', name: 'API', target: 'http://127.0.0.1:1/', intervalMs: 1000, timeoutMs: 500 },
  sample: { monitorId: 'm1', atMs: 1, ok: true, state: 'up', durationMs: 2, timings: {} },
  rules: { rules: [{ id: 'slow', name: 'Slow', latency: { ms: 1 } }], hits: { slow: 0 } },
  proxies: [{ name: 'redis', listen: '127.0.0.1:1', upstream: '127.0.0.1:2', enabled: true, toxics: [] }],
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
  call: (channel: string, ...args: unknown[]) => {
    if (channel === 'app:info') return Promise.resolve(api.info);
    if (channel === 'retries:list') return Promise.resolve(api.chains);
    if (channel === 'monitors:list') return Promise.resolve([api.monitor]);
    if (channel === 'monitors:history')
      return Promise.resolve({ samples: args[0] === api.monitor.id ? [api.sample] : [], changes: [] });
    if (channel === 'rules:get') return Promise.resolve(api.rules);
    if (channel === 'tcpProxies:list') return Promise.resolve(api.proxies);
    if (channel === 'exchanges:list') return new Promise((resolve) => (api.list = resolve));
    return Promise.reject(new Error(`unexpected ${channel}`));
  },
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

  it('loads retry chains and monitors with the exchanges, and feeds them from the same event stream', async () => {
    const store = createAppStore();
    syncWithEngine(store);
    api.connection!('open');
    // A monitor state change while the snapshots are in flight: kept for after them.
    api.listeners[0]!([
      {
        type: 'monitor:event',
        payload: {
          kind: 'sample',
          monitorId: 'm1',
          sample: { ...api.sample, atMs: 2, ok: false, state: 'down' },
        },
      } as EngineEvent,
    ]);
    await vi.waitFor(() => expect(api.list).toBeDefined());
    api.list!([]);
    await vi.waitFor(() => expect(store.getState().retriesLoaded).toBe(true));
    await vi.waitFor(() => expect(store.getState().monitorHistory.m1?.samples).toHaveLength(2));
    expect(store.getState().monitors.map((m) => m.id)).toEqual(['m1']);
    // The one listener of the sync path is the only subscription: no view subscribes on its own.
    expect(api.listeners).toHaveLength(1);
  });

  it('loads the rules and TCP proxies with the rest, then follows their events', async () => {
    const store = createAppStore();
    syncWithEngine(store);
    api.connection!('open');
    await vi.waitFor(() => expect(api.list).toBeDefined());
    api.list!([]);
    await vi.waitFor(() => expect(store.getState().rulesState?.rules.map((r) => r.id)).toEqual(['slow']));
    expect(store.getState().tcpProxies.map((p) => p.name)).toEqual(['redis']);
    api.listeners[0]!([
      { type: 'rules:changed', state: { rules: [], hits: {}, fileError: 'bad file' } },
      { type: 'tcpProxies:changed', proxies: [] },
    ]);
    await vi.waitFor(() => expect(store.getState().rulesState?.fileError).toBe('bad file'));
    expect(store.getState().tcpProxies).toEqual([]);
    expect(store.getState().notices).toEqual([]);
  });
});
