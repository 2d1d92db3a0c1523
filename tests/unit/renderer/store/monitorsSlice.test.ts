import { describe, expect, it } from 'vitest';
import { createAppStore } from '@renderer/store';
import { monitorStateOf } from '@renderer/store/monitorsSlice';
import { probeRequestOf } from '@renderer/store/probesSlice';
import type { EngineEvent } from '@shared/api';
import type { MonitorSample, MonitorStateChange } from '@shared/monitor';

const def = { id: 'm', name: 'API', target: 'http://a.test/', intervalMs: 1000, timeoutMs: 500 };

function sample(atMs: number, ok: boolean): MonitorSample {
  return { monitorId: 'm', atMs, ok, state: ok ? 'up' : 'down', durationMs: 3, timings: { wait: 3 } };
}
function sampleEvent(s: MonitorSample): EngineEvent {
  return { type: 'monitor:event', payload: { kind: 'sample', monitorId: s.monitorId, sample: s } };
}
function change(atMs: number, from: 'up' | 'down', to: 'up' | 'down'): MonitorStateChange {
  return { kind: 'state', monitorId: 'm', name: 'API', from, to, atMs, message: `${from}→${to}` };
}

describe('monitors slice', () => {
  it('appends live samples and changes, announces the changes, and skips what the loaded history had', () => {
    const store = createAppStore();
    store.getState().setMonitors([def]);
    expect(store.getState().selectedMonitorId).toBe('m');
    store.getState().setMonitorHistory('m', { samples: [sample(1, true)], changes: [] });
    store.getState().applyEvents([
      sampleEvent(sample(1, true)), // already in the loaded history
      sampleEvent(sample(2, false)),
      { type: 'monitor:event', payload: change(2, 'up', 'down') },
      { type: 'notice', level: 'info', message: 'unrelated' },
    ]);
    expect(store.getState().notices.map((n) => [n.level, n.message])).toEqual([
      ['warning', 'up→down'],
      ['info', 'unrelated'],
    ]);
    const history = store.getState().monitorHistory.m!;
    expect(history.samples.map((s) => s.atMs)).toEqual([1, 2]);
    expect(history.changes).toHaveLength(1);
    expect(monitorStateOf(history)).toBe('down');
    expect(monitorStateOf(undefined)).toBe('unknown');
  });

  it('forgets the history of a deleted monitor and moves the selection', () => {
    const store = createAppStore();
    store.getState().setMonitors([def, { ...def, id: 'n', name: 'DB' }]);
    store.getState().selectMonitor('n');
    store.getState().setMonitorHistory('n', { samples: [sample(1, true)], changes: [] });
    store.getState().setMonitors([def]);
    expect(store.getState().monitorHistory.n).toBeUndefined();
    expect(store.getState().selectedMonitorId).toBe('m');
  });

  it('does nothing for a batch without monitor events', () => {
    const store = createAppStore();
    const before = store.getState().monitorHistory;
    store.getState().applyEvents([{ type: 'capture:changed', capturing: false }]);
    expect(store.getState().monitorHistory).toBe(before);
  });
});

describe('probes slice', () => {
  it('keeps the newest reports first and builds the request from the form', () => {
    const store = createAppStore();
    store.getState().setProbeForm({ target: ' https://a.test/ ', resolver: ' ', retries: 2, insecure: true });
    expect(probeRequestOf(store.getState().probeForm)).toEqual({
      target: 'https://a.test/',
      timeoutMs: 5000,
      retries: 2,
      followRedirects: true,
      insecure: true,
    });
    store.getState().probeStarted();
    expect(store.getState().probeRunning).toBe(true);
    store.getState().probeFinished({ error: 'disconnected' });
    expect(store.getState()).toMatchObject({
      probeRunning: false,
      probeCallError: 'disconnected',
      probeReports: [],
    });
  });
});
