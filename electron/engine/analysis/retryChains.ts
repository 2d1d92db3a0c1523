/**
 * Retry chains, pure: which exchanges are one client retrying one request, and how it retried.
 * A chain needs the same client (clientIdentity) sending the same request (retryKey) after a
 * failure, within the window, and off any poll schedule the client keeps (pollRhythm.ts).
 * The same algorithm runs live (retryTracker.ts feeds it finished exchanges one by one) and
 * over a whole session (groupRetryChains), so the UI, the HAR export and the tests agree.
 */
import type { Exchange, Header } from '../../../shared/model.js';
import { headerValue } from '../../../shared/model.js';
import type {
  AttemptOutcome,
  RetryAfterVerdict,
  RetryAttempt,
  RetryChain,
  RetryFlag,
} from '../../../shared/retry.js';
import { isRetryableStatus, isUnfixableStatus } from '../../../shared/retry.js';
import { classifyBackoff } from './backoffClassifier.js';
import { formatDurationMs } from '../../../shared/format.js';
import { ERROR_CLASS_TABLE } from '../../../shared/errorClasses.js';
import { PollRhythms, type Poller } from './pollRhythm.js';

export interface RetryChainOptions {
  /** Longest wait between the end of one attempt and the start of the next that still counts as a retry. */
  windowMs?: number;
  /** How many open candidates (requests whose last attempt failed) are remembered at most. */
  maxCandidates?: number;
  /** How many chains are kept at most (oldest dropped first). */
  maxChains?: number;
  /** Attempts kept per chain; a longer storm goes on in a new chain (memory stays bounded). */
  maxAttemptsPerChain?: number;
  /** How many URLs' poll rhythms are remembered at most (the oldest dropped first). */
  maxPollUrls?: number;
}

export const DEFAULT_RETRY_WINDOW_MS = 60_000;
const DEFAULT_MAX_CANDIDATES = 2_000;
const DEFAULT_MAX_CHAINS = 1_000;
const DEFAULT_MAX_ATTEMPTS = 500;
/**
 * Both timestamps come from the same clock but are taken at slightly different points of the
 * proxy's work; allow a retry to appear to start marginally before the previous attempt ended.
 */
const CLOCK_SLACK_MS = 20;

export function endedAtMs(exchange: Exchange): number {
  return exchange.startedAtMs + (exchange.durationMs ?? 0);
}

export function attemptOutcome(exchange: Exchange): AttemptOutcome {
  const status = exchange.response?.status;
  if (exchange.error) {
    return status === undefined
      ? { kind: 'error', errorClass: exchange.error.class }
      : { kind: 'error', errorClass: exchange.error.class, status };
  }
  if (status === undefined) return { kind: 'error', errorClass: 'incomplete_response' };
  if (status < 400) return { kind: 'success', status };
  if (isRetryableStatus(status)) return { kind: 'retryable_status', status };
  if (isUnfixableStatus(status)) return { kind: 'unfixable_status', status };
  // Other 4xx (409, 412, ...): a failure, but whether a retry helps depends on the API.
  return { kind: 'retryable_status', status };
}

export function isFailure(outcome: AttemptOutcome): boolean {
  return outcome.kind !== 'success';
}

function outcomeLabel(exchange: Exchange, outcome: AttemptOutcome): string {
  if (outcome.kind === 'error') return outcome.errorClass;
  const text = exchange.response?.statusText;
  return text ? `${outcome.status} ${text}` : String(outcome.status);
}

/**
 * Who sent an exchange, as far as a proxy can tell: the client's address (not its port: a retry
 * often opens a new connection), the source NetLens knows it by (`chromium#1`, `terminal#2`),
 * and its User-Agent. curl and Python's requests on one machine share the address, not the rest.
 */
export function clientIdentity(exchange: Exchange): string {
  return `${clientAddressOf(exchange)}\n${exchange.source ?? ''}\n${userAgentOf(exchange.request.headers)}`;
}

function clientAddressOf(exchange: Exchange): string {
  const address = exchange.connection.clientAddress ?? '';
  // An IPv4 client on a dual-stack listener shows up as ::ffff:a.b.c.d: the same client.
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The User-Agent, or ''. Runs for every exchange: names of another length are not lower-cased. */
function userAgentOf(headers: readonly Header[]): string {
  for (const { name, value } of headers) {
    if (name.length === 10 && name.toLowerCase() === 'user-agent') return value;
  }
  return '';
}

/** Who polls a URL (pollRhythm.ts): the method and the client of clientIdentity. */
function pollerOf(exchange: Exchange): Poller {
  return {
    method: exchange.request.method,
    clientAddress: clientAddressOf(exchange),
    source: exchange.source ?? '',
    userAgent: userAgentOf(exchange.request.headers),
  };
}

/** The part of a retry's identity that needs no body: the same client, method and URL. */
export function requestPrefix(exchange: Exchange): string {
  return `${clientIdentity(exchange)}\n${exchange.request.method.toUpperCase()}\n${exchange.request.url}`;
}

/**
 * The identity of "the same request from the same client": the same client (clientIdentity),
 * method, URL, and either the same Idempotency-Key or the same body.
 */
export function retryKey(exchange: Exchange, requestBodyHash: string | undefined): string {
  const idempotencyKey = headerValue(exchange.request.headers, 'idempotency-key');
  const identity =
    idempotencyKey !== undefined
      ? `key:${idempotencyKey}`
      : requestBodyHash !== undefined
        ? `body:${requestBodyHash}`
        : `size:${exchange.request.body.sizeBytes}`;
  return `${requestPrefix(exchange)}\n${identity}`;
}

/** Retry-After in ms (RFC 9110 §10.2.3: delay-seconds or an HTTP-date). */
export function retryAfterMsOf(exchange: Exchange): number | undefined {
  const response = exchange.response;
  if (!response) return undefined;
  const value = headerValue(response.headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const atMs = Date.parse(value);
  if (Number.isNaN(atMs)) return undefined;
  // An HTTP-date is relative to the server's clock: measure it from the response's Date when sent.
  const dateHeader = headerValue(response.headers, 'date');
  const serverNowMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  const nowMs = Number.isNaN(serverNowMs) ? endedAtMs(exchange) : serverNowMs;
  return Math.max(0, atMs - nowMs);
}

/** Whether a wait honours a requested delay. Retry-After has 1 s resolution; clients round. */
function honours(waitMs: number, retryAfterMs: number): boolean {
  return waitMs >= retryAfterMs * 0.9 - 50;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** Advice for an outcome no retry can change. */
function unfixableAdvice(outcome: AttemptOutcome): string | undefined {
  if (outcome.kind === 'unfixable_status') {
    switch (outcome.status) {
      case 400:
        return '400 (the request is malformed: fix it, do not resend it)';
      case 401:
        return '401 (refresh or fix the credentials before trying again)';
      case 403:
        return '403 (the caller lacks permission; another try will not grant it)';
      case 404:
        return '404 (the resource does not exist at this URL: check the path)';
      default:
        return `${outcome.status} (a client error the server will repeat for the same request)`;
    }
  }
  const unfixable = outcome.kind === 'error' ? ERROR_CLASS_TABLE[outcome.errorClass].unfixable : undefined;
  if (outcome.kind === 'error' && unfixable !== undefined) return `${outcome.errorClass} (${unfixable})`;
  return undefined;
}

/** Did this failed attempt possibly reach the server (so a blind resend may repeat its effect)? */
function mayHaveReachedServer(exchange: Exchange): boolean {
  if (exchange.response) return true;
  const phase = exchange.error?.phase;
  return phase === 'send' || phase === 'wait' || phase === 'receive';
}

/** Builds the full description of a chain from its attempts (in order). */
export function analyseChain(chainId: string, exchanges: readonly Exchange[]): RetryChain {
  const attempts: RetryAttempt[] = [];
  exchanges.forEach((exchange, index) => {
    const outcome = attemptOutcome(exchange);
    const attempt: RetryAttempt = {
      exchangeId: exchange.id,
      attempt: index + 1,
      startedAtMs: exchange.startedAtMs,
      endedAtMs: endedAtMs(exchange),
      outcome,
      label: outcomeLabel(exchange, outcome),
    };
    const retryAfterMs = retryAfterMsOf(exchange);
    if (retryAfterMs !== undefined) attempt.retryAfterMs = retryAfterMs;
    const previous = attempts[index - 1];
    if (previous) {
      attempt.waitBeforeMs = Math.max(0, exchange.startedAtMs - previous.endedAtMs);
      if (previous.retryAfterMs !== undefined) {
        attempt.honouredRetryAfter = honours(attempt.waitBeforeMs, previous.retryAfterMs);
      }
    }
    attempts.push(attempt);
  });

  const first = exchanges[0]!;
  const last = attempts[attempts.length - 1]!;
  const waits = attempts.slice(1).map((a) => a.waitBeforeMs ?? 0);
  const backoff = classifyBackoff(waits);
  const retryAfter = retryAfterVerdict(attempts);
  const idempotencyKey = exchanges
    .map((e) => headerValue(e.request.headers, 'idempotency-key'))
    .find((v) => v !== undefined);
  const flags = chainFlags(exchanges, attempts, waits, idempotencyKey);
  const outcome = last.outcome.kind === 'success' ? 'succeeded' : 'failing';
  const method = first.request.method.toUpperCase();
  const failures = attempts.filter((a) => isFailure(a.outcome)).length;
  const result =
    outcome === 'succeeded'
      ? `succeeded after ${failures} failure${failures === 1 ? '' : 's'}`
      : `still failing (last: ${last.label})`;
  const flagText = flags.length > 0 ? `; ${flags.length} flag${flags.length === 1 ? '' : 's'}` : '';
  const chain: RetryChain = {
    chainId,
    exchangeIds: exchanges.map((e) => e.id),
    method,
    url: first.request.url,
    host: hostOf(first.request.url),
    attempts,
    outcome,
    firstStartedAtMs: first.startedAtMs,
    lastEndedAtMs: last.endedAtMs,
    totalDurationMs: Math.max(0, last.endedAtMs - first.startedAtMs),
    backoff,
    retryAfter,
    flags,
    summary: `${method} ${pathOf(first.request.url)}: ${attempts.length} attempts, ${result}; ${backoff.description}${flagText}`,
  };
  if (first.connection.clientAddress !== undefined) chain.clientAddress = first.connection.clientAddress;
  if (first.source !== undefined) chain.source = first.source;
  const userAgent = headerValue(first.request.headers, 'user-agent');
  if (userAgent !== undefined) chain.userAgent = userAgent;
  if (idempotencyKey !== undefined) chain.idempotencyKey = idempotencyKey;
  return chain;
}

function retryAfterVerdict(attempts: readonly RetryAttempt[]): RetryAfterVerdict {
  const judged = attempts.filter((a) => a.honouredRetryAfter !== undefined);
  if (judged.length === 0) {
    return attempts.some((a) => a.retryAfterMs !== undefined) ? 'not_applicable' : 'not_sent';
  }
  const honoured = judged.filter((a) => a.honouredRetryAfter).length;
  if (honoured === judged.length) return 'honoured';
  if (honoured === 0) return 'ignored';
  return 'partly_honoured';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A storm: at least this many attempts with a median wait under STORM_WAIT_MS. */
const STORM_MIN_ATTEMPTS = 4;
const STORM_WAIT_MS = 100;

function chainFlags(
  exchanges: readonly Exchange[],
  attempts: readonly RetryAttempt[],
  waits: readonly number[],
  idempotencyKey: string | undefined,
): RetryFlag[] {
  const flags: RetryFlag[] = [];
  const retried = attempts.slice(0, -1);

  if (attempts.length >= STORM_MIN_ATTEMPTS && median(waits) < STORM_WAIT_MS) {
    const spanMs = attempts[attempts.length - 1]!.endedAtMs - attempts[0]!.startedAtMs;
    flags.push({
      kind: 'retry_storm',
      message: `Retry storm: ${attempts.length} attempts in ${formatDurationMs(spanMs)}, median wait ${formatDurationMs(median(waits))}.`,
      advice:
        'Back off exponentially with jitter (e.g. 100 ms × 2ⁿ, full jitter) and cap the attempts, so a struggling server gets time to recover.',
    });
  }

  // RFC 9110 §9.2.2: PUT, DELETE and the safe methods are idempotent; POST and PATCH are not.
  const method = exchanges[0]!.request.method.toUpperCase();
  if ((method === 'POST' || method === 'PATCH') && idempotencyKey === undefined) {
    const reached = exchanges.slice(0, -1).some(mayHaveReachedServer);
    if (reached) {
      flags.push({
        kind: 'non_idempotent_without_key',
        message: `${method} retried ${attempts.length - 1} time${attempts.length === 2 ? '' : 's'} without an Idempotency-Key after an attempt that may have reached the server: the action may have run more than once.`,
        advice:
          'Send an Idempotency-Key header (the same value on every attempt) and have the server de-duplicate, or do not retry this request automatically.',
      });
    }
  }

  const unfixable = [
    ...new Set(retried.map((a) => unfixableAdvice(a.outcome)).filter((t) => t !== undefined)),
  ];
  if (unfixable.length > 0) {
    flags.push({
      kind: 'unfixable_error',
      message: `Retried an error that a retry cannot fix: ${unfixable.join('; ')}.`,
      advice:
        'Retry only transient failures (timeouts, resets, 408, 425, 429, 502, 503, 504); surface the others to the caller at once.',
    });
  }

  const ignored = attempts.filter((a) => a.honouredRetryAfter === false);
  if (ignored.length > 0) {
    const worst = ignored[0]!;
    const asked = attempts[worst.attempt - 2]!.retryAfterMs ?? 0;
    flags.push({
      kind: 'retry_after_ignored',
      message: `Ignored Retry-After: the server asked for ${formatDurationMs(asked)}, the client came back after ${formatDurationMs(worst.waitBeforeMs ?? 0)}${ignored.length > 1 ? ` (${ignored.length} times)` : ''}.`,
      advice:
        'Wait at least the Retry-After delay (RFC 9110 §10.2.3) before the next attempt; use it instead of your backoff when it is longer.',
    });
  }
  return flags;
}

interface Candidate {
  key: string;
  chainId?: string;
  exchanges: Exchange[];
  lastEndedAtMs: number;
}

export interface RetryAssignment {
  chainId: string;
  /** Attempts whose retry info is new: every attempt when a chain forms, else the new one. */
  assigned: { id: string; attempt: number }[];
}

/**
 * Feeds finished exchanges in start order and keeps the chains. Memory stays bounded: only
 * requests whose last attempt failed within the window are candidates, and old chains drop out.
 */
export class RetryChainBuilder {
  private readonly windowMs: number;
  private readonly maxCandidates: number;
  private readonly maxChains: number;
  private readonly maxAttempts: number;
  /** Open candidates by retry key; Map order is insertion order, so the oldest come first. */
  private readonly candidates = new Map<string, Candidate>();
  private readonly chainsById = new Map<string, Exchange[]>();
  private readonly rhythms: PollRhythms;

  constructor(options: RetryChainOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_RETRY_WINDOW_MS;
    this.maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
    this.maxChains = options.maxChains ?? DEFAULT_MAX_CHAINS;
    this.maxAttempts = options.maxAttemptsPerChain ?? DEFAULT_MAX_ATTEMPTS;
    this.rhythms = new PollRhythms(options.maxPollUrls);
  }

  /** Adds one finished exchange. Returns what changed when it joined (or formed) a chain. */
  add(exchange: Exchange, requestBodyHash?: string): RetryAssignment | undefined {
    if (exchange.kind !== 'http' || exchange.state === 'pending') return undefined;
    this.expire(exchange.startedAtMs);
    const key = retryKey(exchange, requestBodyHash);
    const failed = isFailure(attemptOutcome(exchange));
    const candidate = this.candidates.get(key);
    const poller = pollerOf(exchange);
    const onSchedule = this.rhythms.onSchedule(exchange.request.url, poller, exchange.startedAtMs);
    this.rhythms.note(exchange.request.url, poller, exchange.startedAtMs, endedAtMs(exchange), !failed);

    if (candidate) {
      const gapMs = exchange.startedAtMs - candidate.lastEndedAtMs;
      const full = candidate.exchanges.length >= this.maxAttempts;
      // A poll that comes on its schedule after a failed poll is the schedule, not a retry.
      if (!full && !onSchedule && gapMs >= -CLOCK_SLACK_MS && gapMs <= this.windowMs) {
        candidate.exchanges.push(exchange);
        candidate.lastEndedAtMs = endedAtMs(exchange);
        // Re-insert so the Map stays ordered by last activity.
        this.candidates.delete(key);
        if (failed) this.candidates.set(key, candidate);
        return this.assign(candidate, exchange);
      }
      // Too far apart, overlapping (a concurrent duplicate, not a retry), on a poll schedule or
      // full: the old chain is over.
      this.candidates.delete(key);
    }
    if (failed) {
      this.candidates.set(key, { key, exchanges: [exchange], lastEndedAtMs: endedAtMs(exchange) });
      while (this.candidates.size > this.maxCandidates) {
        const oldest = this.candidates.keys().next().value;
        if (oldest === undefined) break;
        this.candidates.delete(oldest);
      }
    }
    return undefined;
  }

  /**
   * An exchange the caller knows cannot join a chain (a success no failure of its client and
   * request precedes): only its place in a poll schedule is remembered.
   */
  observeUnchained(exchange: Exchange): void {
    if (exchange.kind !== 'http' || exchange.state === 'pending') return;
    this.rhythms.note(
      exchange.request.url,
      pollerOf(exchange),
      exchange.startedAtMs,
      endedAtMs(exchange),
      true,
    );
  }

  private assign(candidate: Candidate, exchange: Exchange): RetryAssignment {
    if (candidate.chainId === undefined) {
      candidate.chainId = `chain-${candidate.exchanges[0]!.id}`;
      this.chainsById.set(candidate.chainId, candidate.exchanges);
      while (this.chainsById.size > this.maxChains) {
        const oldest = this.chainsById.keys().next().value;
        if (oldest === undefined) break;
        this.chainsById.delete(oldest);
      }
      return {
        chainId: candidate.chainId,
        assigned: candidate.exchanges.map((e, i) => ({ id: e.id, attempt: i + 1 })),
      };
    }
    return {
      chainId: candidate.chainId,
      assigned: [{ id: exchange.id, attempt: candidate.exchanges.length }],
    };
  }

  /** Forgets candidates whose last attempt ended longer than the window before `nowMs`. */
  private expire(nowMs: number): void {
    for (const [key, candidate] of this.candidates) {
      if (nowMs - candidate.lastEndedAtMs <= this.windowMs) break;
      this.candidates.delete(key);
    }
  }

  /** The attempts of each chain, oldest chain first. */
  chainExchanges(): [string, readonly Exchange[]][] {
    return [...this.chainsById.entries()];
  }

  chains(): RetryChain[] {
    return this.chainExchanges().map(([chainId, exchanges]) => analyseChain(chainId, exchanges));
  }

  /** One chain as it stands now; undefined once it dropped out (or never formed). */
  chain(chainId: string): RetryChain | undefined {
    const exchanges = this.chainsById.get(chainId);
    return exchanges ? analyseChain(chainId, exchanges) : undefined;
  }

  clear(): void {
    this.candidates.clear();
    this.chainsById.clear();
    this.rhythms.clear();
  }

  /** Open candidates right now (for tests of bounded memory). */
  get candidateCount(): number {
    return this.candidates.size;
  }
}

/** Groups a whole session into chains (exchanges in any order). */
export function groupRetryChains(
  exchanges: readonly Exchange[],
  options: RetryChainOptions & { requestBodyHash?: (exchange: Exchange) => string | undefined } = {},
): RetryChain[] {
  const builder = new RetryChainBuilder(options);
  const ordered = [...exchanges].sort((a, b) => a.startedAtMs - b.startedAtMs || a.seq - b.seq);
  for (const exchange of ordered) builder.add(exchange, options.requestBodyHash?.(exchange));
  return builder.chains();
}
