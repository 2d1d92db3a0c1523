import { useStore } from '../../store';
import { DetailPane } from '../detail/DetailPane';
import { EmptyState } from './EmptyState';
import { FilterChips, FilterErrors } from './FilterBar';
import { TrafficTable } from './TrafficTable';
import { TrafficToolbar } from './TrafficToolbar';
import { selectShowsDetail } from '../../store/selectors';

export function TrafficView() {
  const empty = useStore((s) => s.ids.length === 0);
  const loaded = useStore((s) => s.loaded);
  const hasSelection = useStore(selectShowsDetail);
  return (
    <section aria-label="Traffic" className="split-main" style={{ display: 'flex', flexDirection: 'column' }}>
      <TrafficToolbar />
      <FilterChips />
      <FilterErrors />
      {empty ? (
        loaded ? (
          <EmptyState />
        ) : (
          <p className="muted" style={{ padding: 12 }}>
            Connecting to NetLens…
          </p>
        )
      ) : (
        <div className="split" style={{ position: 'relative' }}>
          <div className="split-main">
            <TrafficTable compact={hasSelection} />
          </div>
          {hasSelection && <DetailPane />}
        </div>
      )}
    </section>
  );
}
