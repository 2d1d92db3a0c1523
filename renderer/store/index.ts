/**
 * The one zustand store, made of slices (DESIGN.md: renderer/store). Components read it through
 * selectors (`useStore((s) => s.view)`) so a change re-renders only what depends on it.
 *
 * To add a slice: write `fooSlice.ts` exporting `FooSlice` and `createFooSlice: SliceCreator<FooSlice>`,
 * then add it to StoreState and to the spread below.
 */
import { create } from 'zustand';
import type { StateCreator } from 'zustand';
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

export type StoreState = TrafficSlice & UiSlice & FilterSlice & AppSlice & ProbesSlice & MonitorsSlice;

/** The type of a slice creator: gets the whole store's set/get, returns its own part. */
export type SliceCreator<T> = StateCreator<StoreState, [], [], T>;

export const createAppStore = () =>
  create<StoreState>()((...a) => ({
    ...createTrafficSlice(...a),
    ...createUiSlice(...a),
    ...createFilterSlice(...a),
    ...createAppSlice(...a),
    ...createProbesSlice(...a),
    ...createMonitorsSlice(...a),
  }));

export const useStore = createAppStore();

export type { ViewName, SortColumn, SortState, DetailTab } from './uiSlice';
export type { DiffPair, Notice } from './appSlice';
