/**
 * Names the backoff a client used from the waits between its attempts. Clients compute waits
 * as base·kⁿ (exponential), base + step·n (linear) or a constant, then often randomise them:
 *   full jitter          wait = random(0, base·2ⁿ)
 *   equal jitter         wait = base·2ⁿ/2 + random(0, base·2ⁿ/2)
 *   decorrelated jitter  wait = random(base, previous·3)
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"). Waits measured at the proxy also
 * carry a few ms of noise, so the deterministic fits allow a tolerance before calling it jitter.
 */
import type { BackoffVerdict, JitterStyle } from '../../../shared/retry.js';
import { formatDurationMs } from '../../../shared/format.js';

/** Below this every retry counts as immediate. */
export const IMMEDIATE_MS = 50;
/**
 * A deterministic model fits when every wait is within this of its prediction: timers fire a
 * few ms late and the proxy's timestamps add a few more, but clients that jitter move waits by
 * tens of percent.
 */
const NOISE_MS = 25;
const NOISE_RATIO = 0.08;
/** Relative residual still called a linear trend under jitter. */
const LINEAR_JITTER_FIT = 0.3;
/** Log-space residual still accepted for a jittered exponential (full jitter is very noisy). */
const LOOSE_FIT = 0.9;
/** Smallest growth per attempt that counts as exponential. */
const MIN_FACTOR = 1.4;

interface Fit {
  intercept: number;
  slope: number;
  /** Root mean square of the residuals. */
  rms: number;
}

function linearFit(ys: readonly number[]): Fit {
  const n = ys.length;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, x) => {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  });
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanY - slope * meanX;
  const rms = Math.sqrt(ys.reduce((acc, y, x) => acc + (y - (intercept + slope * x)) ** 2, 0) / n);
  return { intercept, slope, rms };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function isConstant(waits: readonly number[]): boolean {
  const min = Math.min(...waits);
  const max = Math.max(...waits);
  const sorted = [...waits].sort((a, b) => a - b);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return max - min <= Math.max(NOISE_MS, 2 * NOISE_RATIO * middle);
}

/** A run of equal waits at the end, at the maximum, after growth: an exponential with a cap. */
function capStart(waits: readonly number[]): number | undefined {
  const max = Math.max(...waits);
  let start = waits.length;
  while (start > 0 && Math.abs(waits[start - 1]! - max) <= Math.max(30, 0.05 * max)) start -= 1;
  const tail = waits.length - start;
  return tail >= 2 && start >= 3 ? start : undefined;
}

interface Model {
  shape: 'linear' | 'exponential';
  residual: number;
  /** Every wait within measurement noise of the model. */
  tight: boolean;
  baseMs: number;
  stepMs?: number;
  factor?: number;
}

function within(waits: readonly number[], predict: (i: number) => number): boolean {
  return waits.every((w, i) => {
    const p = predict(i);
    return Math.abs(w - p) <= Math.max(NOISE_MS, NOISE_RATIO * p);
  });
}

function models(waits: readonly number[]): Model[] {
  const out: Model[] = [];
  const lin = linearFit(waits);
  const avg = mean(waits);
  if (lin.slope > Math.max(20, 0.1 * avg)) {
    out.push({
      shape: 'linear',
      residual: lin.rms / avg,
      tight: within(waits, (i) => lin.intercept + lin.slope * i),
      baseMs: lin.intercept,
      stepMs: lin.slope,
    });
  }
  const logFit = linearFit(waits.map((w) => Math.log(Math.max(w, 1))));
  const factor = Math.exp(logFit.slope);
  if (factor >= MIN_FACTOR) {
    out.push({
      shape: 'exponential',
      residual: logFit.rms,
      tight: within(waits, (i) => Math.exp(logFit.intercept + logFit.slope * i)),
      baseMs: Math.exp(logFit.intercept),
      factor,
    });
  }
  return out.sort((a, b) => a.residual - b.residual);
}

/** Where jittered waits sit under their exponential envelope tells the jitter formula. */
function exponentialJitterStyle(waits: readonly number[], factor: number): JitterStyle {
  const scaled = waits.map((w, i) => w / factor ** i);
  const envelope = Math.max(...scaled);
  const lowest = Math.min(...scaled) / envelope;
  if (lowest >= 0.45) return 'equal';
  const tiedToPrevious = waits.every((w, i) => i === 0 || w <= waits[i - 1]! * 3.15);
  const goesDown = waits.some((w, i) => i > 0 && w < waits[i - 1]!);
  if (tiedToPrevious && goesDown) return 'decorrelated';
  return 'full';
}

function jitterText(style: JitterStyle | undefined): string {
  if (style === undefined) return 'no jitter';
  if (style === 'unknown') return 'with jitter';
  return `with jitter (looks like ${style} jitter)`;
}

/** Classifies the waits before attempts 2..n (ms). */
export function classifyBackoff(waits: readonly number[]): BackoffVerdict {
  if (waits.length === 0) return { shape: 'single', jitter: false, description: 'no retry' };
  const min = Math.min(...waits);
  const max = Math.max(...waits);
  const range = min === max ? formatDurationMs(min) : `${formatDurationMs(min)}–${formatDurationMs(max)}`;

  if (max < IMMEDIATE_MS) {
    return { shape: 'none', jitter: false, description: `no backoff: retried immediately (waits ${range})` };
  }
  if (waits.length === 1) {
    return {
      shape: 'single',
      jitter: false,
      baseMs: waits[0]!,
      description: `one retry after ${formatDurationMs(waits[0]!)}`,
    };
  }
  if (min < IMMEDIATE_MS && mean(waits) < IMMEDIATE_MS * 2) {
    return {
      shape: 'none',
      jitter: false,
      description: `no backoff: retried almost immediately (waits ${range})`,
    };
  }
  if (isConstant(waits)) {
    const base = mean(waits);
    return {
      shape: 'constant',
      jitter: false,
      baseMs: base,
      description: `constant backoff: ${formatDurationMs(base)} between attempts, no jitter`,
    };
  }

  // urllib3's Retry (and others) retry once at once, then back off: judge the rest.
  if (waits.length >= 3 && waits[0]! < IMMEDIATE_MS) {
    const rest = classifyBackoff(waits.slice(1));
    if (rest.shape === 'exponential' || rest.shape === 'linear' || rest.shape === 'constant') {
      return { ...rest, description: `first retry immediate, then ${rest.description}` };
    }
  }

  if (waits.length === 2) {
    const [first, second] = waits as [number, number];
    if (second > first * 1.3 + 30) {
      return {
        shape: 'increasing',
        jitter: false,
        baseMs: first,
        description: `increasing backoff (${formatDurationMs(first)}, then ${formatDurationMs(second)}); too few attempts to tell linear from exponential`,
      };
    }
    if (max <= min * 2) {
      return {
        shape: 'constant',
        jitter: true,
        jitterStyle: 'unknown',
        baseMs: mean(waits),
        description: `constant backoff of about ${formatDurationMs(mean(waits))}, with jitter (waits ${range})`,
      };
    }
    return {
      shape: 'irregular',
      jitter: false,
      description: `irregular waits (${waits.map((w) => formatDurationMs(w)).join(', ')})`,
    };
  }

  // An exponential that reached its ceiling: judge the growth before the cap.
  const cap = capStart(waits);
  const growth = cap === undefined ? waits : waits.slice(0, cap);
  const fits = models(growth);
  const best = fits.find((m) => m.tight);
  if (best) {
    if (best.shape === 'exponential') {
      const capMs = cap === undefined ? undefined : max;
      const verdict: BackoffVerdict = {
        shape: 'exponential',
        jitter: false,
        baseMs: growth[0]!,
        factor: best.factor!,
        description: `exponential backoff ×${best.factor!.toFixed(1)} from ${formatDurationMs(growth[0]!)}${capMs !== undefined ? `, capped at ${formatDurationMs(capMs)}` : ''}, no jitter`,
      };
      if (capMs !== undefined) verdict.capMs = capMs;
      return verdict;
    }
    if (cap === undefined) {
      return {
        shape: 'linear',
        jitter: false,
        baseMs: waits[0]!,
        stepMs: best.stepMs!,
        description: `linear backoff: +${formatDurationMs(best.stepMs!)} per attempt from ${formatDurationMs(waits[0]!)}, no jitter`,
      };
    }
  }

  // No deterministic model: look for a trend under randomness.
  const loose = models(waits);
  const exponential = loose.find((m) => m.shape === 'exponential');
  const linear = loose.find((m) => m.shape === 'linear');
  if (
    exponential &&
    exponential.residual <= LOOSE_FIT &&
    (!linear || exponential.residual <= linear.residual * 1.5 || linear.residual > LINEAR_JITTER_FIT / 2)
  ) {
    const style = exponentialJitterStyle(waits, exponential.factor!);
    return {
      shape: 'exponential',
      jitter: true,
      jitterStyle: style,
      baseMs: exponential.baseMs,
      factor: exponential.factor!,
      description: `exponential backoff ≈×${exponential.factor!.toFixed(1)}, ${jitterText(style)} (waits ${waits.map((w) => formatDurationMs(w)).join(', ')})`,
    };
  }
  if (linear && linear.residual <= LINEAR_JITTER_FIT) {
    return {
      shape: 'linear',
      jitter: true,
      jitterStyle: 'unknown',
      baseMs: linear.baseMs,
      stepMs: linear.stepMs!,
      description: `linear backoff ≈+${formatDurationMs(linear.stepMs!)} per attempt, with jitter (waits ${waits.map((w) => formatDurationMs(w)).join(', ')})`,
    };
  }
  const avg = mean(waits);
  const trend = linearFit(waits).slope;
  if (max <= min * 2.5 && Math.abs(trend) <= 0.15 * avg) {
    return {
      shape: 'constant',
      jitter: true,
      jitterStyle: 'unknown',
      baseMs: avg,
      description: `constant backoff of about ${formatDurationMs(avg)}, with jitter (waits ${range})`,
    };
  }
  return {
    shape: 'irregular',
    jitter: false,
    description: `irregular waits (${waits.map((w) => formatDurationMs(w)).join(', ')}): no backoff model fits`,
  };
}
