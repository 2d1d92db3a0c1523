/**
 * The analysis channels: `diff:exchanges` (bodies live in the engine, so the diff is computed
 * here) and `retries:list` (chains recomputed from the store with the same algorithm the live
 * tracker uses, so imported sessions get chains too, with the same chain ids).
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine.js';
import type { ExchangeStoreView } from '../capture/exchangeStoreView.js';
import type { HandlerTable } from './handlerTable.js';
import type { Exchange } from '../../../shared/model.js';
import type { RetryChain } from '../../../shared/retry.js';
import { headerValue } from '../../../shared/model.js';
import { ApiFailure } from './apiFailure.js';
import { argList, idArg } from './apiArguments.js';
import { diffExchanges, type ExchangeBodies } from '../analysis/exchangeDiff.js';
import { attemptOutcome, groupRetryChains, isFailure } from '../analysis/retryChains.js';

async function bytesOf(
  store: ExchangeStoreView,
  id: string,
  side: 'request' | 'response',
): Promise<Buffer | undefined> {
  try {
    const payload = await store.body(id, side);
    return payload ? Buffer.from(payload.base64, 'base64') : undefined;
  } catch {
    // A body that cannot be read is "not captured"; the diff says so instead of failing.
    return undefined;
  }
}

async function bodiesOf(store: ExchangeStoreView, exchange: Exchange): Promise<ExchangeBodies> {
  const out: ExchangeBodies = {};
  const request =
    exchange.request.body.sizeBytes > 0 ? await bytesOf(store, exchange.id, 'request') : Buffer.alloc(0);
  if (request) out.request = request;
  if (exchange.response) {
    const response =
      exchange.response.body.sizeBytes > 0 ? await bytesOf(store, exchange.id, 'response') : Buffer.alloc(0);
    if (response) out.response = response;
  }
  return out;
}

function find(store: ExchangeStoreView, id: string, which: string): Exchange {
  const exchange = store.get(id);
  if (!exchange)
    throw new ApiFailure('not_found', `The ${which} exchange (${id}) is no longer in the session.`);
  return exchange;
}

/**
 * The exchanges that could be in a retry chain, whole: those that share their client and URL
 * with another. Chosen on the compact records, so only they are read back from disk (a session
 * of 100,000 exchanges is not materialised for the few that repeat). The URL and client take in
 * every exchange a chain or a poll schedule (retryChains.ts) is made of.
 */
function retryCandidates(store: ExchangeStoreView): Exchange[] {
  const groups = new Map<string, string[]>();
  for (const summary of store.summaries()) {
    if (summary.kind !== 'http' || summary.state === 'pending') continue;
    const key = `${summary.clientAddress ?? ''}\n${summary.url}`;
    const group = groups.get(key);
    if (group) group.push(summary.id);
    else groups.set(key, [summary.id]);
  }
  const exchanges: Exchange[] = [];
  for (const ids of groups.values()) {
    if (ids.length < 2) continue;
    for (const id of ids) {
      try {
        const exchange = store.get(id);
        if (exchange) exchanges.push(exchange);
      } catch {
        // A record that can no longer be read back is left out of the chains.
      }
    }
  }
  return exchanges;
}

/** Retry chains of the whole session. Hashes request bodies only where a chain is possible. */
export async function sessionRetryChains(store: ExchangeStoreView): Promise<RetryChain[]> {
  const exchanges = retryCandidates(store);
  const groups = new Map<string, Exchange[]>();
  for (const exchange of exchanges) {
    const key = [
      exchange.connection.clientAddress ?? '',
      exchange.request.method.toUpperCase(),
      exchange.request.url,
      headerValue(exchange.request.headers, 'idempotency-key') ?? '',
    ].join('\n');
    const group = groups.get(key);
    if (group) group.push(exchange);
    else groups.set(key, [exchange]);
  }
  const hashes = new Map<string, string>();
  for (const group of groups.values()) {
    if (group.length < 2 || !group.some((e) => isFailure(attemptOutcome(e)))) continue;
    for (const exchange of group) {
      if (exchange.request.body.sizeBytes === 0) {
        hashes.set(exchange.id, 'empty');
        continue;
      }
      const raw = await store.body(exchange.id, 'request', false).catch(() => null);
      if (raw) {
        const digest = createHash('sha256').update(Buffer.from(raw.base64, 'base64')).digest('hex');
        hashes.set(exchange.id, `${digest}:${raw.sizeBytes}`);
      }
    }
  }
  return groupRetryChains(exchanges, { requestBodyHash: (e) => hashes.get(e.id) });
}

export function analysisHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'diff:exchanges': {
      parse(args) {
        const [left, right] = argList(args, 2);
        return [idArg(left, 'leftId'), idArg(right, 'rightId')];
      },
      async handle(leftId, rightId) {
        const store = engine.exchanges;
        const left = find(store, leftId, 'left');
        const right = find(store, rightId, 'right');
        const [leftBodies, rightBodies] = await Promise.all([bodiesOf(store, left), bodiesOf(store, right)]);
        return diffExchanges(left, right, { left: leftBodies, right: rightBodies });
      },
    },
    'retries:list': {
      parse(args) {
        argList(args, 0);
        return [];
      },
      handle() {
        return sessionRetryChains(engine.exchanges);
      },
    },
  };
}
