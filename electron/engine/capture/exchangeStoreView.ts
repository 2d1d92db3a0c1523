import type { BodyPayload, BodySide, Exchange } from '../../../shared/model.js';

/** What the engine's users (API handlers, analysis, the CLI) may do with the recorded exchanges. */
export interface ExchangeStoreView {
  list(): Exchange[];
  get(id: string): Exchange | undefined;
  /** Body bytes, decoded when `decoded` (default true) and decodable. */
  body(id: string, side: BodySide, decoded?: boolean): Promise<BodyPayload | null>;
  /** Merge fields into a stored exchange and emit `exchange:updated` (used by analysis). */
  update(id: string, patch: Partial<Exchange>): Exchange | undefined;
  clear(): void;
  readonly size: number;
}
