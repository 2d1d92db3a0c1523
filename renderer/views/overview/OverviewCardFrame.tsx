import { ErrorBoundary } from '../../components/ErrorBoundary';
import type { OverviewCardEntry, OverviewCardProps } from './overviewCard';

/**
 * One card of the grid: its title, then its content; a card that fails shows its error alone.
 * Without `props` (its turn to be drawn has not come yet) the title alone.
 */
export function OverviewCardFrame({ card, props }: { card: OverviewCardEntry; props?: OverviewCardProps }) {
  const Content = card.component;
  return (
    <section
      className={`overview-card${card.wide ? ' wide' : ''}`}
      aria-label={card.title}
      aria-busy={props ? undefined : true}
    >
      <h3>{card.title}</h3>
      {props && (
        <ErrorBoundary label={card.title} unit="card">
          <Content {...props} />
        </ErrorBoundary>
      )}
    </section>
  );
}
