/**
 * The Overview's statistics kept up to date without long tasks: exchanges are folded into a
 * StatisticsAccumulator in slices of a few milliseconds (`step`), the new ones only as traffic
 * arrives. The store appends ids and drops the oldest from the front; a drop is absorbed until
 * the dropped share grows past DROPPED_SHARE_TO_REBUILD, then the set is folded afresh in the
 * background while the last result stays on screen. A filter change or a clear starts afresh.
 */
import type { Exchange } from '../../../shared/model';
import { StatisticsAccumulator, type SessionStatistics } from '../../../shared/statistics';

export interface StatisticsInput {
  ids: readonly string[];
  byId: ReadonlyMap<string, Exchange>;
  /** Which exchanges count (the traffic filter's predicate), or undefined for all. */
  predicate?: (exchange: Exchange) => boolean;
  /** Changes when the predicate does (the filter text). */
  predicateKey: string;
}

/** A rebuild once this share of what was folded has left the store (the oldest, dropped). */
export const DROPPED_SHARE_TO_REBUILD = 0.1;

interface Pass {
  accumulator: StatisticsAccumulator;
  predicateKey: string;
  /** ids[0..consumed) are folded in (or pending, or filtered out). */
  consumed: number;
  lastConsumedId?: string;
  /** Pending when met: added once they finish. */
  pending: Set<string>;
  /** Exchanges folded in that the store has dropped since. */
  dropped: number;
}

function newPass(predicateKey: string): Pass {
  return {
    accumulator: new StatisticsAccumulator(),
    predicateKey,
    consumed: 0,
    pending: new Set(),
    dropped: 0,
  };
}

export class IncrementalStatistics {
  /** The pass whose result is shown. */
  private current: Pass | undefined;
  /** A rebuild under way (shown once it has caught up). */
  private next: Pass | undefined;
  private shown: SessionStatistics | undefined;
  private shownKey: string | undefined;
  /** The pass and how far it had come when `shown` was made: the same again needs no new summary. */
  private shownFrom: { pass: Pass; signature: string } | undefined;

  /** The statistics as of the last completed step (undefined before the first pass caught up). */
  get stats(): SessionStatistics | undefined {
    return this.shown;
  }

  /** The statistics of the set `predicateKey` names, as of the last completed step, if any. */
  statsFor(predicateKey: string): SessionStatistics | undefined {
    return this.shownKey === predicateKey ? this.shown : undefined;
  }

  /** How far a first pass (or a rebuild) has come, while one runs. */
  progress(input: StatisticsInput): { done: number; total: number } | undefined {
    const pass = this.next ?? this.current;
    if (!pass || pass.consumed >= input.ids.length) return undefined;
    return { done: pass.consumed, total: input.ids.length };
  }

  /**
   * Folds in what changed, for about `budgetMs` (`now` is injected for tests). Returns true when
   * everything is folded in and `stats` is current, false when more steps are needed.
   */
  step(input: StatisticsInput, budgetMs: number, now: () => number = () => performance.now()): boolean {
    const deadline = now() + budgetMs;
    if (!this.current || this.current.predicateKey !== input.predicateKey || input.ids.length === 0) {
      this.current = newPass(input.predicateKey);
      this.next = undefined;
    } else if (!this.next) {
      this.realign(this.current, input);
      if (this.current.dropped > this.current.accumulator.size * DROPPED_SHARE_TO_REBUILD)
        this.next = newPass(input.predicateKey);
    }
    if (this.next) {
      this.realign(this.next, input);
      if (!this.fold(this.next, input, deadline, now)) return false;
      this.current = this.next;
      this.next = undefined;
    } else if (!this.fold(this.current, input, deadline, now)) {
      // A first pass shows nothing until it is complete: partial charts would mislead.
      return false;
    }
    const pass = this.current;
    // Reopening the view with nothing new: the summary (tens of ms at 100,000) is still true.
    const signature = `${pass.consumed}:${pass.accumulator.size}:${pass.pending.size}:${pass.dropped}`;
    if (this.shownFrom?.pass === pass && this.shownFrom.signature === signature) return true;
    const pendingNow: Exchange[] = [];
    for (const id of pass.pending) {
      const exchange = input.byId.get(id);
      if (exchange) pendingNow.push(exchange);
    }
    this.shown = pass.accumulator.result(pendingNow);
    this.shownKey = pass.predicateKey;
    this.shownFrom = { pass, signature };
    return true;
  }

  /** Moves `consumed` to where the last folded id now sits (the store dropped ids before it). */
  private realign(pass: Pass, input: StatisticsInput): void {
    if (pass.lastConsumedId === undefined) return;
    const { ids } = input;
    if (ids[pass.consumed - 1] === pass.lastConsumedId) return;
    for (let i = Math.min(pass.consumed, ids.length) - 1; i >= 0; i -= 1) {
      if (ids[i] === pass.lastConsumedId) {
        pass.dropped += pass.consumed - (i + 1);
        pass.consumed = i + 1;
        return;
      }
    }
    // The last folded exchange itself is gone: everything folded so far was dropped.
    pass.dropped += pass.consumed;
    pass.consumed = 0;
    pass.lastConsumedId = undefined;
  }

  private fold(pass: Pass, input: StatisticsInput, deadline: number, now: () => number): boolean {
    for (const id of pass.pending) {
      const exchange = input.byId.get(id);
      if (!exchange) pass.pending.delete(id);
      else if (exchange.state !== 'pending') {
        pass.pending.delete(id);
        pass.accumulator.add(exchange);
      }
    }
    const { ids, byId, predicate } = input;
    while (pass.consumed < ids.length) {
      // Check the clock every 256 exchanges: performance.now() is not free either.
      const end = Math.min(ids.length, pass.consumed + 256);
      for (let i = pass.consumed; i < end; i += 1) {
        const exchange = byId.get(ids[i]!);
        if (!exchange || (predicate && !predicate(exchange))) continue;
        if (exchange.state === 'pending') pass.pending.add(exchange.id);
        else pass.accumulator.add(exchange);
      }
      pass.consumed = end;
      pass.lastConsumedId = ids[end - 1];
      if (pass.consumed < ids.length && now() >= deadline) return false;
    }
    return true;
  }
}
