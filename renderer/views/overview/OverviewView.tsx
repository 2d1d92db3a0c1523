import { useState } from 'react';
import { useStore } from '../../store';
import type { OverviewCardProps } from './overviewCard';
import { OverviewCardFrame } from './OverviewCardFrame';
import { OVERVIEW_CARDS } from './overviewCards';
import { useStaggeredReveal } from './useStaggeredReveal';
import { useStatistics } from './useStatistics';
import type { OverviewScope } from './useStatistics';
import './overview.css';

/**
 * The session at a glance, as a grid of cards (overviewCards.ts); every chart element filters
 * the traffic view to what it stands for.
 */
export function OverviewView() {
  const [scope, setScope] = useState<OverviewScope>('session');
  const filterText = useStore((s) => s.filterText);
  const setFilter = useStore((s) => s.setFilter);
  const setView = useStore((s) => s.setView);
  const select = useStore((s) => s.select);
  const { stats, filtered, progress } = useStatistics(scope);

  const cardProps: OverviewCardProps | undefined = stats && {
    stats,
    applyFilter(filter) {
      setFilter(filter);
      setView('traffic');
    },
    openExchange(id) {
      setFilter('');
      select(id);
      setView('traffic');
    },
  };
  const revealed = useStaggeredReveal(stats && stats.total > 0 ? OVERVIEW_CARDS.length : 0);
  const errorRate = !stats || stats.total === 0 ? 0 : (stats.failed / stats.total) * 100;

  return (
    <section className="overview-view" aria-label="Overview">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Scope">
          <button type="button" aria-pressed={scope === 'session'} onClick={() => setScope('session')}>
            Session
          </button>
          <button
            type="button"
            aria-pressed={scope === 'filtered'}
            onClick={() => setScope('filtered')}
            title={filterText ? `Filter: ${filterText}` : 'No filter is set in the traffic view'}
          >
            Filtered set
          </button>
        </div>
        {stats && (
          <span className="overview-totals">
            <strong>{stats.total}</strong> requests · <strong>{stats.failed}</strong> failed (
            {errorRate.toFixed(1)}%)
            {filtered ? <span className="muted"> · filter: {filterText}</span> : null}
          </span>
        )}
        {progress && (
          <span className="muted" role="status" aria-label="Overview progress">
            <progress value={progress.done} max={progress.total} /> {stats ? 'Updating' : 'Summarising'}:{' '}
            {progress.done.toLocaleString('en-US')} of {progress.total.toLocaleString('en-US')} exchanges
          </span>
        )}
      </div>
      {!stats || !cardProps ? null : stats.total === 0 ? (
        <div className="empty-state">
          <h2>Nothing to summarise yet</h2>
          <p>
            Send traffic through the proxy (or import a HAR) and this page charts requests, errors and
            latency.
          </p>
        </div>
      ) : (
        <div className="overview-grid">
          {OVERVIEW_CARDS.map((card, i) => (
            <OverviewCardFrame key={card.id} card={card} props={i < revealed ? cardProps : undefined} />
          ))}
        </div>
      )}
    </section>
  );
}
