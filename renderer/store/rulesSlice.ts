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
  /**
   * The counts of a later `rules:get` (no event says a rule acted): only the counts are taken,
   * so an answer that crossed a `rules:changed` never brings back older rules.
   */
  setRuleHits(hits: Record<string, number>): void;
}

export const createRulesSlice: SliceCreator<RulesSlice> = (set, get) => ({
  rulesState: undefined,
  tcpProxies: [],
  setRulesState: (rulesState) => set({ rulesState }),
  setTcpProxies: (tcpProxies) => set({ tcpProxies }),
  setRuleHits: (hits) => {
    const current = get().rulesState;
    if (!current) return;
    const merged: Record<string, number> = {};
    for (const id of Object.keys(current.hits)) merged[id] = hits[id] ?? current.hits[id]!;
    set({ rulesState: { ...current, hits: merged } });
  },
});
