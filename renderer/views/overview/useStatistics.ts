import { useDeferredValue, useMemo } from 'react';
import type { Exchange } from '../../../shared/model';
import { computeStatistics } from '../../../shared/statistics';
import type { SessionStatistics } from '../../../shared/statistics';
import { useStore } from '../../store';
import { selectParsedFilter } from '../../store/selectors';

export type OverviewScope = 'session' | 'filtered';

/** The statistics of the whole session, or of the traffic filter's set. */
export function useStatistics(scope: OverviewScope): { stats: SessionStatistics; filtered: boolean } {
  // Deferred: during a burst of traffic the charts lag a little instead of slowing the app down.
  const version = useDeferredValue(useStore((s) => s.exchangesVersion));
  const filterText = useStore((s) => s.filterText);
  const ids = useDeferredValue(useStore((s) => s.ids));
  const byId = useStore((s) => s.byId);
  return useMemo(() => {
    void version;
    const all = ids.map((id) => byId.get(id)).filter((e): e is Exchange => e !== undefined);
    const parsed = selectParsedFilter({ filterText });
    const useFilter = scope === 'filtered' && !parsed.empty;
    const list = useFilter ? all.filter(parsed.predicate) : all;
    return { stats: computeStatistics(list), filtered: useFilter };
  }, [version, filterText, ids, byId, scope]);
}
