/**
 * The rhythm of a client polling an endpoint. A request repeated at a steady interval after
 * successes is a schedule (a health check, a status poll), not a retry: nothing failed that a
 * repeat could fix. When such a poll fails and the next one comes on the schedule, the next one
 * is the schedule going on, not a retry of the failure; a repeat off the schedule still is one.
 *
 * Both rhythms a poller can have are kept: start to start (setInterval) and end to start
 * (setTimeout after each response). A schedule is established by two equal intervals in a row
 * after successes (three successful polls).
 */

interface Rhythm {
  lastStartMs: number;
  lastEndMs: number;
  lastOk: boolean;
  startPeriodMs?: number;
  startRepeats: number;
  gapPeriodMs?: number;
  gapRepeats: number;
}

/** Timers drift and responses vary: an interval within 10 % (at least 50 ms) is the same. */
function near(intervalMs: number, periodMs: number): boolean {
  return Math.abs(intervalMs - periodMs) <= Math.max(50, periodMs * 0.1);
}

const DEFAULT_MAX_KEYS = 10_000;

export class PollRhythms {
  /** By request key, least recently seen first. */
  private readonly byKey = new Map<string, Rhythm>();

  constructor(private readonly maxKeys = DEFAULT_MAX_KEYS) {}

  /** Whether a request starting at `startedAtMs` comes on its key's established schedule. */
  onSchedule(key: string, startedAtMs: number): boolean {
    const rhythm = this.byKey.get(key);
    if (!rhythm) return false;
    return (
      (rhythm.startPeriodMs !== undefined &&
        rhythm.startRepeats >= 2 &&
        near(startedAtMs - rhythm.lastStartMs, rhythm.startPeriodMs)) ||
      (rhythm.gapPeriodMs !== undefined &&
        rhythm.gapRepeats >= 2 &&
        near(startedAtMs - rhythm.lastEndMs, rhythm.gapPeriodMs))
    );
  }

  /** Remembers a request of `key`: when it ran and whether it succeeded. */
  note(key: string, startedAtMs: number, endedAtMs: number, ok: boolean): void {
    const rhythm = this.byKey.get(key);
    if (!rhythm) {
      this.byKey.set(key, {
        lastStartMs: startedAtMs,
        lastEndMs: endedAtMs,
        lastOk: ok,
        startRepeats: 0,
        gapRepeats: 0,
      });
      while (this.byKey.size > this.maxKeys) {
        const oldest = this.byKey.keys().next().value;
        if (oldest === undefined) break;
        this.byKey.delete(oldest);
      }
      return;
    }
    // Only the interval after a success is a schedule: after a failure it may be a retry's wait.
    if (rhythm.lastOk) {
      const startIntervalMs = startedAtMs - rhythm.lastStartMs;
      const gapMs = startedAtMs - rhythm.lastEndMs;
      if (rhythm.startPeriodMs !== undefined && near(startIntervalMs, rhythm.startPeriodMs))
        rhythm.startRepeats += 1;
      else {
        rhythm.startPeriodMs = startIntervalMs;
        rhythm.startRepeats = 1;
      }
      if (rhythm.gapPeriodMs !== undefined && near(gapMs, rhythm.gapPeriodMs)) rhythm.gapRepeats += 1;
      else {
        rhythm.gapPeriodMs = gapMs;
        rhythm.gapRepeats = 1;
      }
    }
    rhythm.lastStartMs = startedAtMs;
    rhythm.lastEndMs = endedAtMs;
    rhythm.lastOk = ok;
    // Re-insert: the Map stays ordered by last activity, so the oldest is dropped first.
    this.byKey.delete(key);
    this.byKey.set(key, rhythm);
  }

  clear(): void {
    this.byKey.clear();
  }

  get size(): number {
    return this.byKey.size;
  }
}
