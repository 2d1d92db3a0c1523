/**
 * Items held until they fall due, released in order: the hold of a shaped stream (a rule's
 * latency, bandwidth, slicing; a toxic's). Due times come from a Pacer and never decrease, so the
 * queue is first in, first out. No I/O: the clock and the one-shot timer are given, so the exchange
 * lifecycle's tests drive it with manual timers.
 */

/** Starts a one-shot timer; returns how to cancel it. */
export type OneShotTimer = (delayMs: number, fire: () => void) => () => void;

export class ShapedQueue<T> {
  private readonly items: { item: T; dueMs: number }[] = [];
  private head = 0;
  private cancelTimer: (() => void) | undefined;
  private releasing = false;
  private stopped = false;

  constructor(
    private readonly now: () => number,
    private readonly timer: OneShotTimer,
    private readonly release: (item: T) => void,
  ) {}

  /** Items not released yet. */
  get pending(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; it goes at once when it is due and nothing is ahead of it. */
  push(item: T, dueMs: number): void {
    if (this.stopped) return;
    this.items.push({ item, dueMs });
    if (!this.releasing && this.cancelTimer === undefined) this.pump();
  }

  /** Drops everything held; nothing is released after this. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.items.length = 0;
    this.head = 0;
  }

  private pump(): void {
    this.releasing = true;
    try {
      while (!this.stopped && this.head < this.items.length) {
        const next = this.items[this.head]!;
        const waitMs = next.dueMs - this.now();
        // Within a tenth of a millisecond is due: a timer could not be set any closer.
        if (waitMs > 0.1) {
          this.cancelTimer = this.timer(waitMs, () => {
            this.cancelTimer = undefined;
            this.pump();
          });
          return;
        }
        this.head += 1;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        this.release(next.item);
      }
    } finally {
      this.releasing = false;
    }
  }
}
