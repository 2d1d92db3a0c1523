/**
 * Retry chains: the same client repeating the same request after a failure. The engine groups
 * exchanges into chains (electron/engine/analysis/retryChains.ts) and judges how the client
 * retried: its backoff, whether it honoured Retry-After, and what it should not have retried.
 */
import type { ErrorClass } from './errors.js';

/** Why an attempt failed, or that it succeeded. */
export type AttemptOutcome =
  | { kind: 'success'; status: number }
  /** An HTTP status a retry can fix (408, 425, 429, 5xx). */
  | { kind: 'retryable_status'; status: number }
  /** An HTTP status no retry will change (400, 401, 403, 404, ...). */
  | { kind: 'unfixable_status'; status: number }
  /** A NetLens-diagnosed failure (no usable response). */
  | { kind: 'error'; errorClass: ErrorClass; status?: number };

export interface RetryAttempt {
  exchangeId: string;
  /** 1 for the first attempt. */
  attempt: number;
  startedAtMs: number;
  /** Epoch ms when the attempt finished (start + duration). */
  endedAtMs: number;
  outcome: AttemptOutcome;
  /** e.g. `503 Service Unavailable`, `connect_refused`, `200 OK`. */
  label: string;
  /** Time between the end of the previous attempt and the start of this one; undefined for the first. */
  waitBeforeMs?: number;
  /** Delay this attempt's response asked for with Retry-After (RFC 9110 §10.2.3), in ms. */
  retryAfterMs?: number;
  /** For attempts after one whose response carried Retry-After: did the client wait at least that long? */
  honouredRetryAfter?: boolean;
}

/**
 * Shapes of the waits between attempts. `none`: retried immediately. `increasing`: the waits grow
 * but too few attempts to tell linear from exponential. `irregular`: no model fits.
 * `single`: only one wait, so no shape beyond its length.
 */
export type BackoffShape =
  'none' | 'constant' | 'linear' | 'exponential' | 'increasing' | 'irregular' | 'single';

/** How the randomness looks, when there is some (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export type JitterStyle = 'full' | 'equal' | 'decorrelated' | 'unknown';

export interface BackoffVerdict {
  shape: BackoffShape;
  jitter: boolean;
  jitterStyle?: JitterStyle;
  /** First wait (constant: the wait). */
  baseMs?: number;
  /** Exponential: growth factor per attempt. */
  factor?: number;
  /** Linear: added per attempt. */
  stepMs?: number;
  /** Exponential with a ceiling the waits stopped growing at. */
  capMs?: number;
  /** One sentence, e.g. `exponential backoff ×2.0 from 100 ms, no jitter`. */
  description: string;
}

export type RetryAfterVerdict =
  /** No response in the chain asked for a delay. */
  | 'not_sent'
  | 'honoured'
  | 'ignored'
  /** Honoured on some attempts, ignored on others. */
  | 'partly_honoured'
  /** The server sent Retry-After on the final attempt only: nothing to honour. */
  | 'not_applicable';

export type RetryFlagKind =
  'retry_storm' | 'non_idempotent_without_key' | 'unfixable_error' | 'retry_after_ignored';

export interface RetryFlag {
  kind: RetryFlagKind;
  /** One line: what the client did wrong. */
  message: string;
  /** What to change. */
  advice: string;
}

export type ChainOutcome = 'succeeded' | 'failing';

export interface RetryChain {
  chainId: string;
  /** In attempt order. */
  exchangeIds: string[];
  method: string;
  url: string;
  host: string;
  clientAddress?: string;
  /** NetLens' name for the client (`chromium#1`, `terminal#2`), when it knows it. */
  source?: string;
  /** The client's User-Agent, when it sent one: every attempt of a chain has the same. */
  userAgent?: string;
  /** Value of Idempotency-Key when the requests carried one. */
  idempotencyKey?: string;
  attempts: RetryAttempt[];
  /** `succeeded` when the last attempt succeeded. */
  outcome: ChainOutcome;
  firstStartedAtMs: number;
  lastEndedAtMs: number;
  /** From the start of the first attempt to the end of the last. */
  totalDurationMs: number;
  backoff: BackoffVerdict;
  retryAfter: RetryAfterVerdict;
  flags: RetryFlag[];
  /** One line for lists, e.g. `GET /api/items: 4 attempts, succeeded after 3 failures; exponential ×2 from 100 ms`. */
  summary: string;
}

/** The statuses after which a client may reasonably retry (RFC 9110 §15.5.9, RFC 8470 §5.2, RFC 6585 §4, 5xx). */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 ||
    status === 425 ||
    status === 429 ||
    (status >= 500 && status <= 599 && status !== 501 && status !== 505)
  );
}

/** Statuses a retry of the identical request cannot change. */
export function isUnfixableStatus(status: number): boolean {
  return [400, 401, 403, 404, 405, 410, 411, 413, 414, 415, 422, 501, 505].includes(status);
}
