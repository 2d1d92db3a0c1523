/**
 * The one zustand store, made of slices (DESIGN.md: renderer/store). Components read it through
 * selectors (`useStore((s) => s.view)`) so a change re-renders only what depends on it. Engine
 * events enter through one action, `applyEvents` (eventsSlice.ts).
 *
 * To add a slice: write `fooSlice.ts` exporting `FooSlice` and
 * `createFooSlice: SliceCreator<FooSlice, SlicesItUses>`, then add it to StoreState and below.
 */
import { create } from 'zustand';
import { createTrafficSlice } from './trafficSlice';
import type { TrafficSlice } from './trafficSlice';
import { createUiSlice } from './uiSlice';
import type { UiSlice } from './uiSlice';
import { createFilterSlice } from './filterSlice';
import type { FilterSlice } from './filterSlice';
import { createAppSlice } from './appSlice';
import type { AppSlice } from './appSlice';
import { createProbesSlice } from './probesSlice';
import type { ProbesSlice } from './probesSlice';
import { createMonitorsSlice } from './monitorsSlice';
import type { MonitorsSlice } from './monitorsSlice';
import { createRetriesSlice } from './retriesSlice';
import type { RetriesSlice } from './retriesSlice';
import { createRulesSlice } from './rulesSlice';
import type { RulesSlice } from './rulesSlice';
import { createEventsSlice } from './eventsSlice';
import type { EventsSlice } from './eventsSlice';

export type StoreState = TrafficSlice &
  UiSlice &
  FilterSlice &
  AppSlice &
  ProbesSlice &
  MonitorsSlice &
  RetriesSlice &
  RulesSlice &
  EventsSlice;

export const createAppStore = () =>
  create<StoreState>()((...a) => ({
    ...createTrafficSlice(...a),
    ...createUiSlice(...a),
    ...createFilterSlice(...a),
    ...createAppSlice(...a),
    ...createProbesSlice(...a),
    ...createMonitorsSlice(...a),
    ...createRetriesSlice(...a),
    ...createRulesSlice(...a),
    ...createEventsSlice(...a),
  }));

export const useStore = createAppStore();

/** The store as a value (`useStore` itself), for code that reads and writes outside React. */
export type AppStore = typeof useStore;

export type { ViewName, SortColumn, SortState, DetailTab } from './uiSlice';
export type { DiffPair, Notice } from './appSlice';
