/**
 * Every view of the app, once: the navigation, the view on screen and the keyboard shortcuts
 * are all read from here. Adding a view is its name in viewName.ts and its entry below (the
 * compiler rejects a name without an entry and an entry without a name).
 */
import type { ComponentType } from 'react';
import type { ViewName } from './viewName';
import { TrafficView } from './traffic/TrafficView';
import { WaterfallView } from './waterfall/WaterfallView';
import { OverviewView } from './overview/OverviewView';
import { RetriesView } from './retries/RetriesView';
import { DiffView } from './diff/DiffView';
import { ProbesView } from './probes/ProbesView';
import { MonitorsView } from './monitors/MonitorsView';
import { InterceptView } from './intercept/InterceptView';
import { RulesView } from './rules/RulesView';
import { SessionsView } from './sessions/SessionsView';
import { SettingsView } from './settings/SettingsView';

export interface ViewEntry {
  /** The navigation's text. */
  label: string;
  component: ComponentType;
  /** The key that opens the view from anywhere but a text field (no modifier). */
  shortcut: string;
  /** The view lists exchanges with the traffic filter: `/` focuses it, ↑/↓ move the selection. */
  listsExchanges?: boolean;
}

/** In navigation order. */
export const VIEW_REGISTRY = {
  traffic: { label: 'Traffic', component: TrafficView, shortcut: '1', listsExchanges: true },
  intercept: { label: 'Intercept', component: InterceptView, shortcut: '2' },
  waterfall: { label: 'Waterfall', component: WaterfallView, shortcut: '3', listsExchanges: true },
  overview: { label: 'Overview', component: OverviewView, shortcut: '4' },
  retries: { label: 'Retries', component: RetriesView, shortcut: '5' },
  diff: { label: 'Diff', component: DiffView, shortcut: '6' },
  probes: { label: 'Probes', component: ProbesView, shortcut: '7' },
  monitors: { label: 'Monitors', component: MonitorsView, shortcut: '8' },
  // The number row's next key: every digit is taken.
  rules: { label: 'Rules', component: RulesView, shortcut: '-' },
  sessions: { label: 'Sessions', component: SessionsView, shortcut: '0' },
  settings: { label: 'Settings', component: SettingsView, shortcut: '9' },
} as const satisfies Record<ViewName, ViewEntry>;

export const VIEWS: readonly (ViewEntry & { name: ViewName })[] = (
  Object.keys(VIEW_REGISTRY) as ViewName[]
).map((name) => ({ name, ...VIEW_REGISTRY[name] }));

export function viewEntry(name: ViewName): ViewEntry {
  return VIEW_REGISTRY[name] ?? VIEW_REGISTRY.traffic;
}
