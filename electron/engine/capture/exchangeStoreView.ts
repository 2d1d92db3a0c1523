import type { BodyPayload, BodySide, Exchange } from '../../../shared/model.js';
import type { ExchangeSummary } from '../../../shared/exchangeSummary.js';

/**
 * What the engine's users (API handlers, analysis, the CLI) may do with the recorded exchanges.
 * Most stored exchanges live on disk with a compact record in memory (exchangeStore.ts): a
 * caller that needs a few fields of all of them takes `summaries()`, one that needs every
 * exchange whole goes through `iterate()`, and `get` reads one back.
 */
export interface ExchangeStoreView {
  /** Every stored exchange, whole, oldest first (read back from disk: costly at 100,000). */
  list(): Exchange[];
  /** The stored exchanges, whole, oldest first, one at a time. */
  iterate(): Iterable<Exchange>;
  /** The compact record of every stored exchange, oldest first (no disk read). */
  summaries(): ExchangeSummary[];
  has(id: string): boolean;
  /** The exchange, whole; throws (code `session_unreadable`) when its record on disk cannot be read. */
  get(id: string): Exchange | undefined;
  /** Body bytes, decoded when `decoded` (default true) and decodable. */
  body(id: string, side: BodySide, decoded?: boolean): Promise<BodyPayload | null>;
  /** Merge fields into a stored exchange and emit `exchange:updated` (used by analysis). */
  update(id: string, patch: Partial<Exchange>): Exchange | undefined;
  clear(): void;
  readonly size: number;
}
