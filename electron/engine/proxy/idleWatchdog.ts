/**
 * A timer that fires after `timeoutMs` of silence. `touch` restarts it on activity; `pause`
 * suspends it while the silence is ours (backpressure from a slow reader is not the peer
 * stalling). A timeout of 0 disables it.
 */
export class IdleWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}

  start(): this {
    this.touch();
    return this;
  }

  touch(): void {
    if (this.stopped || this.paused || this.timeoutMs <= 0) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped && !this.paused) this.onTimeout();
    }, this.timeoutMs);
    this.timer.unref();
  }

  pause(): void {
    this.paused = true;
    this.clear();
  }

  resume(): void {
    this.paused = false;
    this.touch();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The lifecycle's timers on Node's clock (see WatchdogFactory). */
export const newIdleWatchdog = (_timer: string, timeoutMs: number, onTimeout: () => void): IdleWatchdog =>
  new IdleWatchdog(timeoutMs, onTimeout);
