/**
 * Retry chains as the engine groups and judges them: loaded with `retries:list`, then kept up
 * to date by `retry:chain` events through the store's one event path (eventsSlice.ts).
 */
import type { RetryChain } from '../../shared/retry';
import type { SliceCreator } from './sliceCreator';

export interface RetriesSlice {
  /** Oldest chain first, as `retries:list` orders them. */
  retryChains: RetryChain[];
  /** The first `retries:list` has arrived. */
  retriesLoaded: boolean;
  setRetryChains(chains: RetryChain[]): void;
}

/**
 * The chains with `incoming` applied by chain id. A chain only grows, so a snapshot with fewer
 * attempts than the one held is older (an event sent while `retries:list` was answered) and
 * does not replace it.
 */
export function withRetryChains(
  current: readonly RetryChain[],
  incoming: readonly RetryChain[],
): RetryChain[] {
  const next = [...current];
  const index = new Map(next.map((chain, i) => [chain.chainId, i]));
  for (const chain of incoming) {
    const at = index.get(chain.chainId);
    if (at === undefined) {
      index.set(chain.chainId, next.length);
      next.push(chain);
    } else if (chain.attempts.length >= next[at]!.attempts.length) {
      next[at] = chain;
    }
  }
  return next;
}

export const createRetriesSlice: SliceCreator<RetriesSlice> = (set) => ({
  retryChains: [],
  retriesLoaded: false,
  setRetryChains: (chains) => set({ retryChains: chains, retriesLoaded: true }),
});
