/**
 * Monitors in the renderer: the definitions, each monitor's history (samples and state changes,
 * loaded with `monitors:history`, then fed live by `monitor:event` through the store's one event
 * path, eventsSlice.ts), and the selection.
 */
import {
  MONITOR_HISTORY_SIZE,
  type MonitorDefinition,
  type MonitorEventPayload,
  type MonitorHistory,
  type MonitorState,
} from '../../shared/monitor';
import type { SliceCreator } from './sliceCreator';

export interface MonitorsSlice {
  monitors: MonitorDefinition[];
  monitorsLoaded: boolean;
  monitorHistory: Record<string, MonitorHistory>;
  selectedMonitorId?: string;
  setMonitors(monitors: MonitorDefinition[]): void;
  setMonitorHistory(id: string, history: MonitorHistory): void;
  selectMonitor(id: string | undefined): void;
}

const CHANGES_KEPT = 200;

/** The current state of a monitor, from its history. */
export function monitorStateOf(history: MonitorHistory | undefined): MonitorState {
  const last = history?.samples[history.samples.length - 1];
  return last ? last.state : 'unknown';
}

/**
 * The histories with the payloads of a batch appended; what a loaded history already holds
 * (an event in flight while `monitors:history` answered) is skipped.
 */
export function withMonitorEvents(
  histories: Record<string, MonitorHistory>,
  payloads: readonly MonitorEventPayload[],
): Record<string, MonitorHistory> {
  if (payloads.length === 0) return histories;
  const next: Record<string, MonitorHistory> = { ...histories };
  for (const payload of payloads) {
    const before = next[payload.monitorId] ?? { samples: [], changes: [] };
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
  return next;
}

export const createMonitorsSlice: SliceCreator<MonitorsSlice> = (set) => ({
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
});
