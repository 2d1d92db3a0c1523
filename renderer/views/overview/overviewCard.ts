import type { ComponentType } from 'react';
import type { SessionStatistics } from '../../../shared/statistics';

/** What every Overview card gets: the statistics of the scope shown, and the two ways out. */
export interface OverviewCardProps {
  stats: SessionStatistics;
  /** Shows the traffic view filtered to what was clicked (shared/filter.ts language). */
  applyFilter(filter: string): void;
  /** Shows one exchange in the traffic view. */
  openExchange(id: string): void;
}

export interface OverviewCardEntry {
  id: string;
  title: string;
  /** `wide` spans the whole grid row. */
  wide?: boolean;
  component: ComponentType<OverviewCardProps>;
}
