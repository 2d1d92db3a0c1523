/**
 * Monitors in the renderer: the definitions, each monitor's history (samples and state changes,
 * loaded with `monitors:history`, then fed live by `monitor:event`), and the selection.
 */
import type { EngineEvent } from '../../shared/api';
import {
  MONITOR_HISTORY_SIZE,
  type MonitorDefinition,
  type MonitorEventPayload,
  type MonitorHistory,
  type MonitorState,
} from '../../shared/monitor';
import type { SliceCreator } from './';

export interface MonitorsSlice {
  monitors: MonitorDefinition[];
  monitorsLoaded: boolean;
  monitorHistory: Record<string, MonitorHistory>;
  selectedMonitorId?: string;
  setMonitors(monitors: MonitorDefinition[]): void;
  setMonitorHistory(id: string, history: MonitorHistory): void;
  selectMonitor(id: string | undefined): void;
  /** Ingests the monitor events of one batch in one state update; returns the state changes in it. */
  applyMonitorEvents(events: readonly EngineEvent[]): MonitorEventPayload[];
}

const CHANGES_KEPT = 200;

/** The current state of a monitor, from its history. */
export function monitorStateOf(history: MonitorHistory | undefined): MonitorState {
  const last = history?.samples[history.samples.length - 1];
  return last ? last.state : 'unknown';
}

export const createMonitorsSlice: SliceCreator<MonitorsSlice> = (set, get) => ({
  monitors: [],
  monitorsLoaded: false,
  monitorHistory: {},
  selectedMonitorId: undefined,
  setMonitors: (monitors) =>
    set((s) => {
      const ids = new Set(monitors.map((m) => m.id));
      const monitorHistory = Object.fromEntries(
        Object.entries(s.monitorHistory).filter(([id]) => ids.has(id)),
      );
      const selectedMonitorId =
        s.selectedMonitorId && ids.has(s.selectedMonitorId) ? s.selectedMonitorId : monitors[0]?.id;
      return { monitors, monitorHistory, selectedMonitorId, monitorsLoaded: true };
    }),
  setMonitorHistory: (id, history) =>
    set((s) => ({ monitorHistory: { ...s.monitorHistory, [id]: history } })),
  selectMonitor: (selectedMonitorId) => set({ selectedMonitorId }),
  applyMonitorEvents(events) {
    const payloads = events.flatMap((e) => (e.type === 'monitor:event' ? [e.payload] : []));
    if (payloads.length === 0) return [];
    const current = get().monitorHistory;
    const next: Record<string, MonitorHistory> = { ...current };
    for (const payload of payloads) {
      const before = next[payload.monitorId] ?? { samples: [], changes: [] };
      // A history loaded with monitors:history may already hold what an event in flight brings.
      if (payload.kind === 'sample') {
        const last = before.samples[before.samples.length - 1];
        if (last && last.atMs >= payload.sample.atMs) continue;
        next[payload.monitorId] = {
          ...before,
          samples: [...before.samples, payload.sample].slice(-MONITOR_HISTORY_SIZE),
        };
      } else {
        const last = before.changes[before.changes.length - 1];
        if (last && last.atMs >= payload.atMs) continue;
        next[payload.monitorId] = { ...before, changes: [...before.changes, payload].slice(-CHANGES_KEPT) };
      }
    }
    set({ monitorHistory: next });
    return payloads.filter((p) => p.kind === 'state');
  },
});
