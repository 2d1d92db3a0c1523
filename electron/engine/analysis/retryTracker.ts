/**
 * Live retry tracking. The engine calls observe() with each finished exchange; when the
 * exchange joins a retry chain, every attempt of the chain gets `retry: {chainId, attempt}`
 * through store.update (which emits exchange:updated, and which the HAR export writes as
 * `_netlens.retry`). It also tags the exchange's trace id (X-Request-ID, traceparent, ...).
 */
import { createHash } from 'node:crypto';
import type { ExchangeStoreView } from '../engine.js';
import type { Exchange } from '../../../shared/model.js';
import type { RetryChain } from '../../../shared/retry.js';
import { traceRefOf } from '../../../shared/correlation.js';
import { RetryChainBuilder, type RetryChainOptions } from './retryChains.js';

export interface RetryTracker {
  observe(exchange: Exchange): void;
  chains(): RetryChain[];
  /** Resolves when every observed exchange has been processed (body hashing is asynchronous). */
  settled(): Promise<void>;
}

async function requestBodyHash(store: ExchangeStoreView, exchange: Exchange): Promise<string | undefined> {
  if (exchange.request.body.sizeBytes === 0) return 'empty';
  try {
    // Raw bytes: the retry sends the same bytes, whatever their encoding.
    const payload = await store.body(exchange.id, 'request', false);
    if (!payload) return undefined;
    const digest = createHash('sha256').update(Buffer.from(payload.base64, 'base64')).digest('hex');
    // A truncated capture hashes a prefix only; the size tells bodies with one prefix apart.
    return `${digest}:${payload.sizeBytes}`;
  } catch {
    // No body available (evicted, spill file gone): fall back to matching on the size.
    return undefined;
  }
}

export function createRetryTracker(store: ExchangeStoreView, options: RetryChainOptions = {}): RetryTracker {
  const builder = new RetryChainBuilder(options);
  let queue: Promise<void> = Promise.resolve();

  function process(exchange: Exchange, bodyHash: string | undefined): void {
    const assignment = builder.add(exchange, bodyHash);
    if (!assignment) return;
    for (const { id, attempt } of assignment.assigned) {
      store.update(id, { retry: { chainId: assignment.chainId, attempt } });
    }
  }

  return {
    observe(exchange: Exchange): void {
      if (exchange.traceId === undefined) {
        const trace = traceRefOf(exchange);
        if (trace) store.update(exchange.id, { traceId: trace.traceId });
      }
      if (exchange.kind !== 'http' || exchange.state === 'pending') return;
      // Hash bodies asynchronously but process in observe order: a chain's attempts finish in order.
      const hash = requestBodyHash(store, exchange);
      queue = queue.then(async () => {
        try {
          process(exchange, await hash);
        } catch {
          // One exchange that cannot be analysed must not stop the tracking of the others.
        }
      });
    },

    chains(): RetryChain[] {
      if (store.size === 0) {
        builder.clear();
        return [];
      }
      return builder.chains().filter((chain) => chain.exchangeIds.every((id) => store.get(id) !== undefined));
    },

    settled(): Promise<void> {
      return queue;
    },
  };
}
