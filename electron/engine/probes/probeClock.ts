/** A monotonic clock for phase timings (wall-clock time can jump). */
import { performance } from 'node:perf_hooks';

export function monotonicMs(): number {
  return performance.now();
}

/** Rounded to 0.01 ms: enough for display, and stable in JSON. */
export function roundMs(value: number): number {
  return Math.round(value * 100) / 100;
}
