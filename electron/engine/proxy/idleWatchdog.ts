/**
 * A timer that fires after `timeoutMs` of silence. `touch` restarts it on activity; `pause`
 * suspends it while the silence is ours (backpressure from a slow reader is not the peer
 * stalling). A timeout of 0 disables it.
 *
 * Every exchange has a few of these, touched on every chunk, and almost none ever fires: so a
 * watchdog is only a time of last activity, and one shared clock looks a few times per timeout
 * at the ones armed (a Node timer per watchdog, set, refreshed and cleared per exchange, was a
 * measurable share of the proxy's CPU per request). It fires between `timeoutMs` and
 * `timeoutMs` plus an eighth of it (at most one second) after the last activity, never earlier.
 */
export class IdleWatchdog {
  /** performance.now() of the last activity, while armed. */
  lastActivityMs = 0;
  private armed = false;
  private paused = false;
  private stopped = false;

  constructor(
    readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}

  start(): this {
    this.touch();
    return this;
  }

  touch(): void {
    if (this.stopped || this.paused || this.timeoutMs <= 0) return;
    this.lastActivityMs = performance.now();
    if (!this.armed) {
      this.armed = true;
      clock.arm(this);
    }
  }

  pause(): void {
    this.paused = true;
    this.disarm();
  }

  resume(): void {
    this.paused = false;
    this.touch();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  /** Called by the clock once the silence reached the timeout. */
  expire(): void {
    this.armed = false;
    if (!this.stopped && !this.paused) this.onTimeout();
  }

  private disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    clock.disarm(this);
  }
}

/** How often a watchdog of this timeout is looked at: an eighth of it, within 5 ms..1 s. */
function tickFor(timeoutMs: number): number {
  return Math.min(1000, Math.max(5, Math.floor(timeoutMs / 8)));
}

/** The one timer behind every armed watchdog; it runs only while some are armed. */
class WatchdogClock {
  private readonly armed = new Set<IdleWatchdog>();
  private timer: NodeJS.Timeout | undefined;
  private tickMs = 0;

  arm(watchdog: IdleWatchdog): void {
    this.armed.add(watchdog);
    const tick = tickFor(watchdog.timeoutMs);
    if (this.timer === undefined || tick < this.tickMs) this.schedule(tick);
  }

  disarm(watchdog: IdleWatchdog): void {
    this.armed.delete(watchdog);
    if (this.armed.size === 0) this.halt();
  }

  private schedule(tickMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.tickMs = tickMs;
    this.timer = setInterval(() => this.check(), tickMs);
    this.timer.unref();
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = performance.now();
    let smallestTick = Infinity;
    for (const watchdog of this.armed) {
      if (now - watchdog.lastActivityMs >= watchdog.timeoutMs) {
        this.armed.delete(watchdog);
        try {
          watchdog.expire();
        } catch (error) {
          // One failing handler must not stop the others from being looked at.
          process.emitWarning(`NetLens watchdog handler failed: ${(error as Error).message}`);
        }
      } else {
        smallestTick = Math.min(smallestTick, tickFor(watchdog.timeoutMs));
      }
    }
    if (this.armed.size === 0) this.halt();
    else if (smallestTick > this.tickMs) this.schedule(smallestTick);
  }
}

const clock = new WatchdogClock();
