/**
 * The rules in force and the TCP proxies of the toxiproxy-compatible API (the Rules view): loaded
 * with `rules:get` and `tcpProxies:list`, then kept up to date by `rules:changed` (an edit here,
 * a reload of the rules file, a file that failed to load) and `tcpProxies:changed` through the
 * store's one event path (eventsSlice.ts).
 */
import type { RulesState } from '../../shared/rules';
import type { TcpProxyInfo } from '../../shared/toxiproxy';
import type { SliceCreator } from './sliceCreator';

export interface RulesSlice {
  /** Undefined until the first `rules:get` has arrived. */
  rulesState: RulesState | undefined;
  tcpProxies: TcpProxyInfo[];
  setRulesState(state: RulesState): void;
  setTcpProxies(proxies: TcpProxyInfo[]): void;
}

export const createRulesSlice: SliceCreator<RulesSlice> = (set) => ({
  rulesState: undefined,
  tcpProxies: [],
  setRulesState: (rulesState) => set({ rulesState }),
  setTcpProxies: (tcpProxies) => set({ tcpProxies }),
});
