import { startTransition, useEffect, useRef, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import type { SessionStatistics } from '../../../shared/statistics';
import { useStore } from '../../store';
import { selectParsedFilter } from '../../store/selectors';
import { IncrementalStatistics, type StatisticsInput } from './incrementalStatistics';

export type OverviewScope = 'session' | 'filtered';

/** Work per slice: well under the 50 ms of a long task, so scrolling and clicks stay smooth. */
const SLICE_MS = 8;
/** During a burst of traffic the charts are refreshed at most this often. */
const REFRESH_MS = 500;

export interface OverviewStatistics {
  /** Undefined until the first pass over the exchanges is complete. */
  stats: SessionStatistics | undefined;
  filtered: boolean;
  /** While exchanges are being folded in: how many of how many. */
  progress?: { done: number; total: number };
}

/**
 * The statistics engines of a store's exchanges, one per scope. They outlive the view: coming
 * back to the Overview folds in only what arrived meanwhile, and shows the last summary at once.
 * Keyed by the store's `byId` map, which a clear or a new session replaces (and which is
 * updated in place otherwise), so they go with the exchanges they summarise.
 */
const enginesByStore = new WeakMap<
  ReadonlyMap<string, Exchange>,
  Record<OverviewScope, IncrementalStatistics>
>();

function enginesOf(byId: ReadonlyMap<string, Exchange>): Record<OverviewScope, IncrementalStatistics> {
  let engines = enginesByStore.get(byId);
  if (!engines) {
    engines = { session: new IncrementalStatistics(), filtered: new IncrementalStatistics() };
    enginesByStore.set(byId, engines);
  }
  return engines;
}

function predicateKeyOf(scope: OverviewScope, filterText: string): { key: string; useFilter: boolean } {
  const useFilter = scope === 'filtered' && !selectParsedFilter({ filterText }).empty;
  return { key: useFilter ? `filter:${filterText}` : 'all', useFilter };
}

/**
 * The statistics of the whole session, or of the traffic filter's set, computed in slices of a
 * few milliseconds (incrementalStatistics.ts): opening the Overview at 100,000 exchanges never
 * blocks the page, and new traffic is folded in without recomputing the rest.
 */
export function useStatistics(scope: OverviewScope): OverviewStatistics {
  const version = useStore((s) => s.exchangesVersion);
  const filterText = useStore((s) => s.filterText);
  const ids = useStore((s) => s.ids);
  const byId = useStore((s) => s.byId);
  const lastResultMsRef = useRef(0);
  const lastKeyRef = useRef<string | undefined>(undefined);
  const [result, setResult] = useState<OverviewStatistics>(() => {
    // The summary this set had when the view was last open: shown until it is brought up to date.
    const { key, useFilter } = predicateKeyOf(scope, filterText);
    return { stats: enginesOf(byId)[scope].statsFor(key), filtered: useFilter };
  });

  useEffect(() => {
    const engine = enginesOf(byId)[scope];
    const parsed = selectParsedFilter({ filterText });
    const { useFilter } = predicateKeyOf(scope, filterText);
    const input: StatisticsInput = {
      ids,
      byId,
      ...(useFilter ? { predicate: parsed.predicate } : {}),
      predicateKey: useFilter ? `filter:${filterText}` : 'all',
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      timer = undefined;
      const done = engine.step(input, SLICE_MS);
      const progress = engine.progress(input);
      if (done) lastResultMsRef.current = performance.now();
      // A transition: React renders the cards in slices too, yielding to input between them.
      startTransition(() =>
        setResult({ stats: engine.stats, filtered: useFilter, ...(progress ? { progress } : {}) }),
      );
      if (!done) timer = setTimeout(run, 0);
    };
    // A change of scope or filter shows at once; new traffic waits for the next refresh.
    const sinceLastMs = performance.now() - lastResultMsRef.current;
    const keyChanged = lastKeyRef.current !== input.predicateKey;
    lastKeyRef.current = input.predicateKey;
    const delayMs =
      engine.statsFor(input.predicateKey) === undefined || keyChanged
        ? 0
        : Math.max(0, REFRESH_MS - sinceLastMs);
    if (delayMs === 0) run();
    else timer = setTimeout(run, delayMs);
    return () => {
      if (timer !== undefined) clearTimeout(timer);
    };
    // `version` changes when an exchange in byId does (byId itself is mutated in place).
  }, [ids, byId, version, filterText, scope]);

  return result;
}
