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

/** Who polls: one URL can be polled by several clients, and with several methods. */
export interface Poller {
  method: string;
  clientAddress: string;
  source: string;
  userAgent: string;
}

function samePoller(a: Poller, b: Poller): boolean {
  return (
    a.userAgent === b.userAgent &&
    a.clientAddress === b.clientAddress &&
    a.method === b.method &&
    a.source === b.source
  );
}

interface Rhythm {
  poller: Poller;
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
/** Clients remembered per URL; more is a crowd, not a poller (the oldest is forgotten). */
const MAX_CLIENTS_PER_URL = 8;

export class PollRhythms {
  /**
   * By URL (the URL string the exchange already holds, so the lookup costs no new key), oldest
   * first. Not re-ordered on use (that costs on every exchange): past maxKeys the oldest URL
   * goes even if it is still polled, and its schedule is learnt again.
   */
  private readonly byUrl = new Map<string, Rhythm[]>();

  constructor(private readonly maxKeys = DEFAULT_MAX_KEYS) {}

  private find(url: string, poller: Poller): Rhythm | undefined {
    const rhythms = this.byUrl.get(url);
    if (!rhythms) return undefined;
    for (const rhythm of rhythms) if (samePoller(rhythm.poller, poller)) return rhythm;
    return undefined;
  }

  /** Whether `poller`'s request to `url` starting at `startedAtMs` comes on its established schedule. */
  onSchedule(url: string, poller: Poller, startedAtMs: number): boolean {
    const rhythm = this.find(url, poller);
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

  /** Remembers a request of `poller` to `url`: when it ran and whether it succeeded. */
  note(url: string, poller: Poller, startedAtMs: number, endedAtMs: number, ok: boolean): void {
    const rhythm = this.find(url, poller);
    if (!rhythm) {
      this.add(url, {
        poller,
        lastStartMs: startedAtMs,
        lastEndMs: endedAtMs,
        lastOk: ok,
        startRepeats: 0,
        gapRepeats: 0,
      });
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
  }

  private add(url: string, rhythm: Rhythm): void {
    const rhythms = this.byUrl.get(url);
    if (rhythms) {
      rhythms.push(rhythm);
      if (rhythms.length > MAX_CLIENTS_PER_URL) rhythms.shift();
      return;
    }
    this.byUrl.set(url, [rhythm]);
    while (this.byUrl.size > this.maxKeys) {
      const oldest = this.byUrl.keys().next().value;
      if (oldest === undefined) break;
      this.byUrl.delete(oldest);
    }
  }

  clear(): void {
    this.byUrl.clear();
  }

  /** URLs remembered. */
  get size(): number {
    return this.byUrl.size;
  }
}
