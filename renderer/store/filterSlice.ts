import type { SliceCreator } from './sliceCreator';

export interface FilterSlice {
  /** The filter bar's text (the language of shared/filter.ts). Others set it too, e.g. `status:5xx` from a chart. */
  filterText: string;
  setFilter(text: string): void;
}

export const createFilterSlice: SliceCreator<FilterSlice> = (set) => ({
  filterText: '',
  setFilter: (filterText) => set({ filterText }),
});
