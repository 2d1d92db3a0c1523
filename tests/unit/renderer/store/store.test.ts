import { describe, expect, it } from 'vitest';
import { createAppStore } from '@renderer/store';
import { selectVisibleRows } from '@renderer/store/selectors';
import type { EngineEvent } from '@shared/api';
import type { RetryChain } from '@shared/retry';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory';

function started(exchange: ReturnType<typeof makeExchange>): EngineEvent {
  return { type: 'exchange:started', exchange: { ...exchange, state: 'pending', response: undefined } };
}
function finished(exchange: ReturnType<typeof makeExchange>): EngineEvent {
  return { type: 'exchange:finished', exchange };
}

describe('store: applyEvents', () => {
  it('ingests a whole batch in one state update, upserting by id', () => {
    const store = createAppStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    const a = makeExchange();
    const b = makeFailedExchange();
    store.getState().applyEvents([started(a), started(b), finished(a), finished(b)]);
    expect(notifications).toBe(1);
    const s = store.getState();
    expect(s.ids).toEqual([a.id, b.id]);
    expect(s.byId.get(a.id)).toBe(a);
    expect(s.byId.get(b.id)?.state).toBe('failed');
    expect(s.errorCount).toBe(1);
    expect(s.failedCount).toBe(1);
  });

  it('adds a row from an exchange:finished alone (the batcher sends one event for an exchange that started and finished within a batch)', () => {
    const store = createAppStore();
    const a = makeExchange();
    const b = makeFailedExchange();
    store.getState().applyEvents([finished(a), finished(b)]);
    const s = store.getState();
    expect(s.ids).toEqual([a.id, b.id]);
    expect(s.byId.get(a.id)).toBe(a);
    expect(s.errorCount).toBe(1);
  });

  it('keeps seq order when events arrive out of order', () => {
    const store = createAppStore();
    const first = makeExchange();
    const second = makeExchange();
    store.getState().applyEvents([finished(second)]);
    store.getState().applyEvents([finished(first)]);
    expect(store.getState().ids).toEqual([first.id, second.id]);
  });

  it('ignores a stale pending update that arrives after the exchange finished', () => {
    const store = createAppStore();
    const a = makeExchange();
    store.getState().applyEvents([finished(a), started(a)]);
    expect(store.getState().byId.get(a.id)?.state).toBe('complete');
  });

  it('counts failed responses and errors and adjusts the counts on update', () => {
    const store = createAppStore();
    const a = makeExchange({ status: 503 });
    store.getState().applyEvents([started(a)]);
    expect(store.getState().failedCount).toBe(0);
    store.getState().applyEvents([finished(a)]);
    expect(store.getState().failedCount).toBe(1);
    expect(store.getState().errorCount).toBe(0);
  });

  it('clears on exchanges:cleared, keeping what came after it in the same batch', () => {
    const store = createAppStore();
    const a = makeExchange();
    const b = makeExchange();
    store.getState().applyEvents([finished(a)]);
    store.getState().select(a.id);
    store.getState().applyEvents([{ type: 'exchanges:cleared' }, finished(b)]);
    const s = store.getState();
    expect(s.ids).toEqual([b.id]);
    expect(s.byId.has(a.id)).toBe(false);
    expect(s.selectedId).toBeUndefined();
  });

  it('applies capture and proxy changes and keeps notices', () => {
    const store = createAppStore();
    store.getState().applyEvents([
      { type: 'capture:changed', capturing: false },
      { type: 'notice', level: 'warning', message: 'Port busy' },
    ]);
    expect(store.getState().capturing).toBe(false);
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Port busy']);
  });

  it('does not notify for a batch with nothing it keeps', () => {
    const store = createAppStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    // An event kind from a newer engine is not this UI's to keep.
    store.getState().applyEvents([{ type: 'future:thing' } as unknown as EngineEvent]);
    expect(notifications).toBe(0);
  });

  it('folds every kind of a mixed batch (exchanges, retries, monitors, notices) into one update', () => {
    const store = createAppStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    const a = makeExchange({ status: 503 });
    const chain = {
      chainId: 'chain-a',
      exchangeIds: [a.id],
      attempts: [],
    } as unknown as RetryChain;
    store.getState().applyEvents([
      finished(a),
      { type: 'retry:chain', chain },
      {
        type: 'monitor:event',
        payload: {
          kind: 'state',
          monitorId: 'm',
          name: 'API',
          from: 'up',
          to: 'down',
          atMs: 5,
          message: 'API is down',
        },
      },
    ]);
    expect(notifications).toBe(1);
    const s = store.getState();
    expect(s.ids).toEqual([a.id]);
    expect(s.retryChains.map((c) => c.chainId)).toEqual(['chain-a']);
    expect(s.monitorHistory.m?.changes).toHaveLength(1);
    expect(s.notices.map((n) => [n.level, n.message])).toEqual([['warning', 'API is down']]);
    // Clearing the session clears the chains with the exchanges.
    store.getState().applyEvents([{ type: 'exchanges:cleared' }]);
    expect(store.getState().retryChains).toEqual([]);
  });
});

describe('store: selection, views and diff', () => {
  it('selects and switches to the diff view with openDiff', () => {
    const store = createAppStore();
    store.getState().select('x');
    expect(store.getState().selectedId).toBe('x');
    store.getState().openDiff('a', 'b');
    expect(store.getState().view).toBe('diff');
    expect(store.getState().diffPair).toEqual({ leftId: 'a', rightId: 'b' });
  });
});

describe('selectVisibleRows', () => {
  it('filters with the filter language and is memoized across unrelated changes', () => {
    const store = createAppStore();
    const ok = makeExchange();
    const bad = makeExchange({ status: 500 });
    const post = makeExchange({ method: 'POST' });
    store.getState().setExchanges([ok, bad, post]);
    store.getState().setFilter('status:5xx');
    const rows = selectVisibleRows(store.getState());
    expect(rows.ids).toEqual([bad.id]);
    expect(rows.total).toBe(3);
    store.getState().select(ok.id);
    expect(selectVisibleRows(store.getState())).toBe(rows);
    store.getState().setFilter('-method:POST');
    expect(selectVisibleRows(store.getState()).ids).toEqual([ok.id, bad.id]);
  });

  it('re-checks an exchange that changed so it can enter or leave the filtered set', () => {
    const store = createAppStore();
    const a = makeExchange({ status: 502 });
    store.getState().setFilter('status:5xx');
    store.getState().applyEvents([started(a)]);
    expect(selectVisibleRows(store.getState()).ids).toEqual([]);
    store.getState().applyEvents([finished(a)]);
    expect(selectVisibleRows(store.getState()).ids).toEqual([a.id]);
  });

  it('sorts by a column and flips direction', () => {
    const store = createAppStore();
    const slow = makeExchange({ durationMs: 900 });
    const fast = makeExchange({ durationMs: 5 });
    store.getState().setExchanges([slow, fast]);
    store.getState().toggleSort('duration');
    expect(selectVisibleRows(store.getState()).ids).toEqual([fast.id, slow.id]);
    store.getState().toggleSort('duration');
    expect(selectVisibleRows(store.getState()).ids).toEqual([slow.id, fast.id]);
  });

  it('collapses retry chains to their latest attempt with the attempt count', () => {
    const store = createAppStore();
    const first = makeFailedExchange({}, { retry: { chainId: 'c1', attempt: 1 } });
    const other = makeExchange();
    const second = makeExchange({ retry: { chainId: 'c1', attempt: 2 } });
    store.getState().setExchanges([first, other, second]);
    store.getState().setCollapseRetries(true);
    const rows = selectVisibleRows(store.getState());
    expect(rows.ids).toEqual([second.id, other.id]);
    expect(rows.attempts.get(second.id)).toBe(2);
  });
});
