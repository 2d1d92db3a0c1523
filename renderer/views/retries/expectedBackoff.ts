import type { RetryChain } from '../../../shared/retry';

export interface ExpectedStart {
  attempt: number;
  /** Epoch ms at which the attempt would have started had the client backed off exponentially. */
  startedAtMs: number;
  waitMs: number;
}

/**
 * Where each attempt after the second would start under exponential backoff, for comparison with
 * what the client did: from the chain's own fit (base and factor) when it found one, otherwise
 * doubling from the client's first wait (the usual default). Each expected start counts from the
 * actual end of the previous attempt, so one slow attempt does not shift every marker after it.
 * Empty below three attempts: with one wait there is nothing to compare.
 */
export function expectedBackoff(chain: RetryChain): {
  factor: number;
  baseMs: number;
  starts: ExpectedStart[];
} {
  const attempts = chain.attempts;
  const firstWait = attempts[1]?.waitBeforeMs;
  const fitted = chain.backoff.shape === 'exponential' && chain.backoff.factor !== undefined;
  const factor = fitted ? chain.backoff.factor! : 2;
  const baseMs = fitted && chain.backoff.baseMs !== undefined ? chain.backoff.baseMs : (firstWait ?? 0);
  if (attempts.length < 3 || firstWait === undefined || baseMs <= 0) return { factor, baseMs, starts: [] };
  const starts: ExpectedStart[] = [];
  for (let i = 2; i < attempts.length; i++) {
    let waitMs = baseMs * factor ** (i - 1);
    if (chain.backoff.capMs !== undefined) waitMs = Math.min(waitMs, chain.backoff.capMs);
    starts.push({ attempt: i + 1, startedAtMs: attempts[i - 1]!.endedAtMs + waitMs, waitMs });
  }
  return { factor, baseMs, starts };
}
