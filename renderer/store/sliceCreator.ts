import type { StateCreator } from 'zustand';

/**
 * A slice's creator: it returns `Own` and may read or set the slices it `Uses`. Each slice names
 * the others it needs by their own modules, never through the store's index, so the store's
 * modules import each other as a tree (checked by madge in `npm test`).
 */
export type SliceCreator<Own, Uses = unknown> = StateCreator<Own & Uses, [], [], Own>;
