/**
 * Live retry tracking. The engine calls observe() with each finished exchange; when the
 * exchange joins a retry chain, every attempt of the chain gets `retry: {chainId, attempt}`
 * through store.update (which emits exchange:updated, and which the HAR export writes as
 * `_netlens.retry`). It also tags the exchange's trace id (X-Request-ID, traceparent, ...).
 */
import { createHash } from 'node:crypto';
import type { ExchangeStoreView } from '../capture/exchangeStoreView.js';
import type { Exchange, Header } from '../../../shared/model.js';
import type { RetryChain } from '../../../shared/retry.js';
import { traceRefOf } from '../../../shared/correlation.js';
import {
  DEFAULT_RETRY_WINDOW_MS,
  RetryChainBuilder,
  attemptOutcome,
  endedAtMs,
  isFailure,
  requestPrefix,
  type RetryChainOptions,
} from './retryChains.js';

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

/**
 * Both the builder's candidates and these prefixes are ordered by their latest failure, so
 * keeping at least as many prefixes as the builder keeps candidates never forgets a live one.
 */
const MIN_FAILED_PREFIXES = 10_000;

/** The fields shared/correlation.ts takes a trace id from. */
const TRACE_FIELD_NAMES = new Set(['traceparent', 'x-request-id', 'x-correlation-id']);

/** Whether a head may carry a trace id: most carry none, and are told so without copying names. */
function mayCarryTrace(headers: readonly Header[] | undefined): boolean {
  if (!headers) return false;
  for (const { name } of headers) {
    if (name.length !== 11 && name.length !== 12 && name.length !== 16) continue;
    if (TRACE_FIELD_NAMES.has(name.toLowerCase())) return true;
  }
  return false;
}

export interface RetryTrackerOptions extends RetryChainOptions {
  /** Called with a chain each time it forms or gains an attempt (after its attempts are tagged). */
  onChain?: (chain: RetryChain) => void;
}

export function createRetryTracker(
  store: ExchangeStoreView,
  options: RetryTrackerOptions = {},
): RetryTracker {
  const builder = new RetryChainBuilder(options);
  const windowMs = options.windowMs ?? DEFAULT_RETRY_WINDOW_MS;
  let queue: Promise<void> = Promise.resolve();
  /**
   * Prefixes of recent failures, with the end of the latest one, oldest activity first. A
   * success whose prefix is not here cannot join or form a chain (only failed attempts open
   * candidates), so it skips the builder, the body hash and the queue: the common path of a
   * proxy under load is synchronous and O(1).
   */
  const failedPrefixes = new Map<string, number>();
  const maxFailedPrefixes = Math.max(MIN_FAILED_PREFIXES, 2 * (options.maxCandidates ?? 0));

  function process(exchange: Exchange, bodyHash: string | undefined): void {
    const assignment = builder.add(exchange, bodyHash);
    if (!assignment) return;
    for (const { id, attempt } of assignment.assigned) {
      store.update(id, { retry: { chainId: assignment.chainId, attempt } });
    }
    if (options.onChain) {
      const chain = builder.chain(assignment.chainId);
      if (chain) options.onChain(chain);
    }
  }

  function rememberFailure(prefix: string, exchange: Exchange): void {
    failedPrefixes.delete(prefix);
    failedPrefixes.set(prefix, endedAtMs(exchange));
    // Oldest first: drop what fell out of the window, and keep the map bounded.
    const nowMs = exchange.startedAtMs;
    for (const [key, lastEndedAtMs] of failedPrefixes) {
      if (failedPrefixes.size <= maxFailedPrefixes && nowMs - lastEndedAtMs <= windowMs) break;
      failedPrefixes.delete(key);
    }
  }

  /**
   * Whether the exchange could join a chain (or open a candidate), so it needs the full key: a
   * failure, or a request whose client sent the same method and URL and failed within the window.
   */
  function mayChain(exchange: Exchange): boolean {
    if (isFailure(attemptOutcome(exchange))) {
      rememberFailure(requestPrefix(exchange), exchange);
      return true;
    }
    if (failedPrefixes.size === 0) return false;
    const prefix = requestPrefix(exchange);
    const lastFailureEndedAtMs = failedPrefixes.get(prefix);
    if (lastFailureEndedAtMs === undefined) return false;
    if (exchange.startedAtMs - lastFailureEndedAtMs > windowMs) {
      failedPrefixes.delete(prefix);
      return false;
    }
    return true;
  }

  return {
    observe(exchange: Exchange): void {
      if (
        exchange.traceId === undefined &&
        (mayCarryTrace(exchange.request.headers) || mayCarryTrace(exchange.response?.headers))
      ) {
        const trace = traceRefOf(exchange);
        if (trace) store.update(exchange.id, { traceId: trace.traceId });
      }
      if (exchange.kind !== 'http' || exchange.state === 'pending') return;
      if (!mayChain(exchange)) {
        builder.observeUnchained(exchange);
        return;
      }
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
        failedPrefixes.clear();
        return [];
      }
      return builder.chains().filter((chain) => chain.exchangeIds.every((id) => store.has(id)));
    },

    settled(): Promise<void> {
      return queue;
    },
  };
}
