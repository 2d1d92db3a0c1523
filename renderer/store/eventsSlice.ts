/**
 * The store's one door for engine events: every kind the engine sends is folded here, a whole
 * batch into ONE state update (renderer/engineSync.ts delivers the batches). Adding an event
 * kind to shared/api.ts fails to compile until it has its case below.
 */
import type { EngineEvent } from '../../shared/api';
import type { MonitorEventPayload } from '../../shared/monitor';
import type { RetryChain } from '../../shared/retry';
import type { AppSlice, NoticeInput } from './appSlice';
import { withNotices } from './appSlice';
import type { MonitorsSlice } from './monitorsSlice';
import type { ProbesSlice } from './probesSlice';
import { withPingSamples } from './probesSlice';
import { withMonitorEvents } from './monitorsSlice';
import type { RetriesSlice } from './retriesSlice';
import { withRetryChains } from './retriesSlice';
import type { RulesSlice } from './rulesSlice';
import type { SliceCreator } from './sliceCreator';
import type { TrafficSlice } from './trafficSlice';
import { TrafficBatch } from './trafficSlice';
import type { UiSlice } from './uiSlice';

export interface EventsSlice {
  /** Ingests one batch of engine events, of every kind, in one state update. */
  applyEvents(events: readonly EngineEvent[]): void;
}

type Uses = TrafficSlice & UiSlice & AppSlice & MonitorsSlice & RetriesSlice & RulesSlice & ProbesSlice;

function unhandled(event: never): void {
  // The union is exhaustive at compile time; an engine newer than this UI may still send more.
  void event;
}

export const createEventsSlice: SliceCreator<EventsSlice, Uses> = (set, get) => ({
  applyEvents(events) {
    const state = get();
    const traffic = new TrafficBatch(state);
    const patch: Partial<Uses> = {};
    const notices: NoticeInput[] = [];
    const monitorPayloads: MonitorEventPayload[] = [];
    let chains: readonly RetryChain[] = state.retryChains;
    const pingSamples: Extract<EngineEvent, { type: 'ping:sample' }>[] = [];

    for (const event of events) {
      switch (event.type) {
        case 'exchange:started':
        case 'exchange:updated':
        case 'exchange:finished':
          traffic.upsert(event.exchange);
          break;
        case 'exchanges:cleared':
          traffic.clear();
          patch.selectedId = undefined;
          chains = [];
          break;
        case 'exchanges:dropped':
          traffic.drop(event.ids);
          if (state.selectedId !== undefined && event.ids.includes(state.selectedId))
            patch.droppedSelection = state.selectedId;
          break;
        case 'exchanges:reload':
          // engineSync.ts loads the list again when a batch carries this event.
          break;
        case 'har:importProgress':
          patch.harImport = {
            importId: event.importId,
            entries: event.entries,
            bytesRead: event.bytesRead,
            ...(event.totalBytes !== undefined ? { totalBytes: event.totalBytes } : {}),
            done: event.done,
          };
          break;
        case 'session:changed':
          patch.session = event.session;
          break;
        case 'capture:changed':
          patch.capturing = event.capturing;
          break;
        case 'proxy:changed':
          patch.info = event.info;
          patch.capturing = event.info.capturing;
          break;
        case 'notice':
          notices.push({ level: event.level, message: event.message });
          break;
        case 'monitor:event':
          monitorPayloads.push(event.payload);
          // Monitors run whatever view is open: a state change is announced wherever the user is.
          if (event.payload.kind === 'state')
            notices.push({
              level: event.payload.to === 'down' ? 'warning' : 'info',
              message: event.payload.message,
            });
          break;
        case 'ping:sample':
          pingSamples.push(event);
          break;
        case 'retry:chain':
          chains = withRetryChains(chains, [event.chain]);
          break;
        case 'systemProxy:changed':
          patch.systemProxy = event.state;
          break;
        case 'rules:changed':
          patch.rulesState = event.state;
          break;
        case 'tcpProxies:changed':
          patch.tcpProxies = event.proxies;
          break;
        case 'websocket:frames':
          // The Messages tab of an open WebSocket listens for its frames itself.
          break;
        default:
          unhandled(event);
      }
    }

    Object.assign(patch, traffic.patch());
    if (monitorPayloads.length > 0)
      patch.monitorHistory = withMonitorEvents(state.monitorHistory, monitorPayloads);
    if (chains !== state.retryChains) patch.retryChains = chains as RetryChain[];
    if (pingSamples.length > 0) {
      const live = withPingSamples(state.pingLive, pingSamples);
      if (live !== state.pingLive) patch.pingLive = live;
    }
    if (notices.length > 0) patch.notices = withNotices(state.notices, notices);
    if (Object.keys(patch).length > 0) set(patch);
  },
});
