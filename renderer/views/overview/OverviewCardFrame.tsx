import { ErrorBoundary } from '../../components/ErrorBoundary';
import type { OverviewCardEntry, OverviewCardProps } from './overviewCard';

/** One card of the grid: its title, then its content; a card that fails shows its error alone. */
export function OverviewCardFrame({ card, props }: { card: OverviewCardEntry; props: OverviewCardProps }) {
  const Content = card.component;
  return (
    <section className={`overview-card${card.wide ? ' wide' : ''}`} aria-label={card.title}>
      <h3>{card.title}</h3>
      <ErrorBoundary label={card.title} unit="card">
        <Content {...props} />
      </ErrorBoundary>
    </section>
  );
}
