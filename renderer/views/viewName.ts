/**
 * The name of each view. The store keeps the current one; views/viewRegistry.tsx gives each its
 * label, component and shortcut and must have exactly one entry per name (the compiler checks).
 * A module of its own, without components, so the store can name views without importing them.
 */
export type ViewName =
  | 'traffic'
  | 'intercept'
  | 'waterfall'
  | 'overview'
  | 'retries'
  | 'diff'
  | 'probes'
  | 'monitors'
  | 'rules'
  | 'sessions'
  | 'settings';
