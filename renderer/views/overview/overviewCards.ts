/** The Overview's cards, in grid order. A new card is one component and one entry here. */
import type { OverviewCardEntry } from './overviewCard';
import { RequestsOverTimeCard } from './cards/RequestsOverTimeCard';
import { StatusCodesCard } from './cards/StatusCodesCard';
import { LatencyByHostCard } from './cards/LatencyByHostCard';
import { SlowestEndpointsCard } from './cards/SlowestEndpointsCard';
import { LargestResponsesCard } from './cards/LargestResponsesCard';
import { TopErrorsCard } from './cards/TopErrorsCard';

export const OVERVIEW_CARDS: readonly OverviewCardEntry[] = [
  { id: 'requests', title: 'Requests and errors over time', wide: true, component: RequestsOverTimeCard },
  { id: 'status', title: 'Status codes', component: StatusCodesCard },
  { id: 'latency', title: 'Latency per host, by phase', component: LatencyByHostCard },
  { id: 'slowest', title: 'Slowest endpoints', component: SlowestEndpointsCard },
  { id: 'largest', title: 'Largest responses', component: LargestResponsesCard },
  { id: 'errors', title: 'Top error messages', wide: true, component: TopErrorsCard },
];
