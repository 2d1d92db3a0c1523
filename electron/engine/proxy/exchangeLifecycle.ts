import type { ErrorClass, FailurePhase, NetlensError } from '../../../shared/errors.js';
import { errorClassFacts } from '../../../shared/errorClasses.js';
import type { InjectableClass, RuleFault } from '../../../shared/rules.js';
import type { Settings } from '../../../shared/settings.js';
import { isAlpnRefusal } from './alpnRefusal.js';
import { diagnose, failure } from '../analysis/diagnose.js';
import type { FailureContext } from '../../../shared/failureMessage.js';
import type { ExchangeRecorder } from './exchangeRecorder.js';
import { failureStatusText, mirrorFor } from './failureMirror.js';
import { stripHopByHop, toHeaderList } from './hopByHop.js';
import type { InternedStrings } from './internedStrings.js';
import {
  STATE_PHASES,
  type ClientAnswer,
  type CommandExecutor,
  type LifecycleCommand,
  type LifecycleEvent,
  type LifecycleState,
  type SetupPhase,
  type TimerName,
  type Watchdog,
  type WatchdogFactory,
} from './lifecycleMessages.js';
import { ConnectTimeoutError, type UpstreamConnection } from './upstreamAgent.js';
import {
  cutsResponse,
  shapesResponse,
  type ExchangeRulePlan,
  type LocalAnswer,
} from '../rules/exchangeRulePlan.js';
import { applyHeaderEdit } from '../rules/headerEdits.js';
import { Pacer } from '../rules/pacer.js';
import { MAX_REWRITTEN_BODY_BYTES, rewriteResponseBody } from '../rules/responseBodyRewrite.js';
import { ShapedQueue, type OneShotTimer } from '../rules/shapedQueue.js';

export interface LifecycleOptions {
  /** The record of this exchange: the lifecycle reports every step to it. */
  recorder: ExchangeRecorder;
  /** Where the request goes, for the failure messages. */
  target: { host: string; port: number };
  /** The client's request has a body to stream upstream. */
  withBody: boolean;
  /** The client asked `Expect: 100-continue`. */
  expectsContinue: boolean;
  timeouts: Pick<Settings, 'responseTimeoutMs' | 'bodyIdleTimeoutMs'> &
    Partial<Pick<Settings, 'connectTimeoutMs'>>;
  watchdog: WatchdogFactory;
  /** Shared strings for the recorded response head. */
  strings?: InternedStrings;
  /** What the rules that matched this exchange do to it (electron/engine/rules/); none: nothing added. */
  rule?: ExchangeRulePlan | undefined;
  /** The monotonic clock of the rules' shaping, in ms (performance.now in the adapters). */
  clock?: () => number;
}

/** A response head, held while a rule shapes the response. */
interface ResponseHead {
  status: number;
  statusText: string;
  httpVersion: string;
  rawHeaders: string[];
}

/** What the response-side shaping queue holds, in order. */
type DownItem =
  | { kind: 'head'; head: ResponseHead }
  | { kind: 'chunk'; chunk: Buffer }
  | { kind: 'end'; rawTrailers: string[] }
  | { kind: 'broken'; event: Extract<LifecycleEvent, { type: 'responseBroken' }> }
  /** The rule cuts the response here: RST or FIN, as the imitated failure would. */
  | { kind: 'cut'; imitated: InjectableClass; answer: ClientAnswer };

/** The request-side shaping queue (upload bandwidth). */
type UpItem = { kind: 'chunk'; chunk: Buffer } | { kind: 'end' };

/** A rule's shaping of the response, while the exchange has one. */
interface DownShaping {
  pacer: Pacer;
  queue: ShapedQueue<DownItem>;
  /** Body bytes let through so far (the cut counts them). */
  passedBytes: number;
  /** Where the rule cuts the body, and how. */
  cut?: { atBytes: number; imitated: InjectableClass; answer: ClientAnswer; beforeEnd: boolean };
  /** The cut is queued: nothing more of the response is taken. */
  cutQueued: boolean;
  /** Body replacement: the body is gathered whole before anything goes on. */
  collect?: { head: ResponseHead; chunks: Buffer[]; bytes: number };
  /** NetLens paused the upstream response because its queue holds data. */
  pausedUpstream: boolean;
}

/**
 * A shaped stream reads on while its queue holds at most this many pieces (~10 ms of link time
 * each): the next chunk is in before the link goes idle, so a bandwidth limit is not lowered by
 * the pause and resume at every chunk boundary; more than this, and the sender is paused.
 */
const SHAPED_LOOKAHEAD = 2;

/** Stale pooled connections (closed by the server while idle) are retried this many times. */
const STALE_RETRIES = 2;

/** Errors of a pooled connection the server closed while it was idle. */
function isStaleConnectionError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up';
}

/**
 * A request the server says it never processed: an HTTP/2 stream refused with REFUSED_STREAM, or
 * above the last stream id of a GOAWAY (RFC 9113 §8.7). The leg marks such errors.
 */
function isUnprocessedError(error: Error): boolean {
  return (error as { unprocessed?: boolean }).unprocessed === true;
}

/** Parser codes that mean the client went away mid-request rather than sent something malformed. */
const CLIENT_GONE_CODES = new Set(['HPE_INVALID_EOF_STATE', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED']);

/** The client's request body, apart from the main line: it streams while the exchange goes on. */
type RequestBodyState = 'none' | 'held' | 'streaming' | 'ended';

/**
 * The life of one proxied exchange as an explicit state machine, free of I/O (as mitmproxy's
 * proxy layers are): socket adapters feed it events (`handle`) and carry out the commands it
 * gives (`CommandExecutor`). It decides every step — when to read the request body, when a
 * failure happened and in which phase (read off the state), how the client sees it, when a
 * stale pooled connection is retried — and reports each to the exchange's recorder.
 *
 * Hook points for what comes next (docs/architecture.md, "The exchange lifecycle"): rules act
 * between `start` and `openUpstream` (latency before the request, mock answers), on
 * `sendResponseHead` and each `forwardResponseChunk` (latency, reset after N bytes), and through
 * `fail` (faults as a class); HTTP/2 streams are one lifecycle per stream behind their own adapter.
 */
export class ExchangeLifecycle {
  private current: LifecycleState = 'request';
  /** The set-up step of a fresh connection while `connecting`. */
  private setupPhase: SetupPhase | undefined;
  private connection: UpstreamConnection | undefined;
  private reused = false;
  private attempt = 0;
  private requestBody: RequestBodyState;
  /** The upstream request was fully written (it can be sent before or after the response began). */
  private requestSent = false;
  /** The client has the response head: a failure can only cut the body now. */
  private responseHeadSent = false;
  private responseTimer: Watchdog | undefined;
  private responseBodyTimer: Watchdog | undefined;
  private requestBodyTimer: Watchdog | undefined;
  private clientStallTimer: Watchdog | undefined;
  /** Events that arrived while one was being handled (a command's execution reported back). */
  private pending: LifecycleEvent[] | undefined;
  private handling = false;
  // ── rules (undefined unless a rule acts on this exchange) ──
  private readonly plan: ExchangeRulePlan | undefined;
  /** Answered by NetLens itself (a mock, map local, block): no upstream. */
  private local: LocalAnswer | undefined;
  /** The fault holding the exchange (`holding`): what it imitates when the hold ends. */
  private hold: { imitated: InjectableClass; timeoutMs?: number } | undefined;
  private ruleTimers: Partial<Record<TimerName, { watchdog: Watchdog; fire: () => void }>> | undefined;
  private down: DownShaping | undefined;
  private up: { pacer: Pacer; queue: ShapedQueue<UpItem>; pausedClient: boolean } | undefined;
  /** The client's socket is full (clientBlocked until clientDrained). */
  private clientBlocked = false;

  constructor(
    private readonly options: LifecycleOptions,
    private readonly out: CommandExecutor,
  ) {
    this.requestBody = options.withBody ? 'held' : 'none';
    this.plan = options.rule;
  }

  get state(): LifecycleState {
    return this.current;
  }

  get settled(): boolean {
    return this.current === 'done' || this.current === 'failed';
  }

  /**
   * A parser error on the client's connection belongs to this exchange while its request body
   * is still being read (after that it is the next request's).
   */
  ownsClientError(): boolean {
    return !this.settled && (this.requestBody === 'held' || this.requestBody === 'streaming');
  }

  /** The phase a failure now would be in: read off the state. */
  phase(): FailurePhase {
    const state = this.current;
    if (state === 'connecting') return this.setupPhase ?? 'connect';
    if (state === 'done' || state === 'failed') return 'receive';
    return STATE_PHASES[state];
  }

  handle(event: LifecycleEvent): void {
    if (this.handling) {
      (this.pending ??= []).push(event);
      return;
    }
    this.handling = true;
    try {
      this.dispatch(event);
      const pending = this.pending;
      if (pending) {
        for (let next = pending.shift(); next; next = pending.shift()) this.dispatch(next);
      }
    } finally {
      this.handling = false;
    }
  }

  private emit(command: LifecycleCommand): void {
    this.out.execute(command);
  }

  private dispatch(event: LifecycleEvent): void {
    // After the end nothing changes the record; late socket events are dropped here.
    if (this.settled) return;
    switch (event.type) {
      case 'start':
        if (this.current !== 'request') return;
        if (this.plan) this.startRule(this.plan);
        else this.openUpstream();
        return;
      case 'upstreamSocket':
        this.onSocket(event.connection, event.reused);
        return;
      case 'setupProgress':
        if (this.current === 'connecting') this.setupPhase = event.phase;
        return;
      case 'upstreamReady':
        if (this.current === 'connecting') this.onReady();
        return;
      case 'upstreamError':
        if (this.local) this.onLocalError(event.error);
        else this.onUpstreamError(event.error);
        return;
      case 'requestChunk':
        if (this.requestBody !== 'streaming') return;
        this.requestBodyTimer?.touch();
        this.responseTimer?.touch();
        this.options.recorder.tapRequest(event.chunk);
        if (this.up) this.shapeUp(event.chunk);
        else if (!this.local) this.emit({ type: 'forwardRequestChunk', chunk: event.chunk });
        return;
      case 'upstreamBlocked':
        if (this.requestBody !== 'streaming') return;
        this.requestBodyTimer?.pause();
        this.emit({ type: 'pauseRequestBody' });
        return;
      case 'upstreamDrained':
        if (this.requestBody !== 'streaming') return;
        this.emit({ type: 'readRequestBody' });
        this.requestBodyTimer?.resume();
        return;
      case 'requestEnd':
        if (this.requestBody !== 'streaming') return;
        this.requestBody = 'ended';
        this.requestBodyTimer?.stop();
        if (this.local) this.answerLocally();
        else if (this.up) this.up.queue.push({ kind: 'end' }, this.up.pacer.mark(this.now()));
        else this.emit({ type: 'endUpstreamRequest' });
        return;
      case 'requestSent':
        this.onRequestSent();
        return;
      case 'upstreamContinue':
        // RFC 9110 §10.1.1: the server agreed to receive the body; tell the waiting client (only
        // one that asked: an HTTP/1.0 client cannot take an interim response).
        if (this.options.expectsContinue && !this.responseHeadSent) this.emit({ type: 'sendContinue' });
        return;
      case 'responseHead':
        if (this.current !== 'sending' && this.current !== 'waiting') return;
        this.onResponseHead(event.status, event.statusText, event.httpVersion, event.rawHeaders);
        return;
      case 'responseChunk':
        if (this.current !== 'receiving') return;
        this.responseBodyTimer?.touch();
        if (this.down) this.shapeDownChunk(this.down, event.chunk);
        else this.passChunk(event.chunk);
        return;
      case 'clientBlocked':
        if (this.current !== 'receiving') return;
        this.clientBlocked = true;
        this.emit({ type: 'pauseResponseBody' });
        this.responseBodyTimer?.pause();
        // A client that stops reading holds the upstream connection: the same idle limit applies.
        (this.clientStallTimer ??= this.timer('clientStall')).resume();
        return;
      case 'clientDrained':
        if (this.current !== 'receiving') return;
        this.clientBlocked = false;
        this.clientStallTimer?.pause();
        // A rule's queue still holding data keeps the upstream paused: it resumes once that is out.
        if (this.down?.pausedUpstream) return;
        this.emit({ type: 'resumeResponseBody' });
        this.responseBodyTimer?.resume();
        return;
      case 'responseEnd':
        if (this.current !== 'receiving') return;
        if (this.down) this.shapeDownEnd(this.down, event.rawTrailers);
        else this.endResponse(event.rawTrailers);
        return;
      case 'responseBroken': {
        if (this.current !== 'receiving') return;
        const down = this.down;
        if (down && !down.cutQueued) {
          down.queue.push({ kind: 'broken', event }, down.pacer.mark(this.now()));
          return;
        }
        if (down?.cutQueued) return;
        this.onResponseBroken(event);
        return;
      }
      case 'clientWriteFailed':
        this.fail(diagnose(event.error, this.context(this.phase())));
        return;
      case 'clientClosed':
        // An upgraded connection ends when either side closes: see upgradeClosed.
        if (this.current === 'upgraded') return;
        // The client gave up on a request a rule holds: the rule's doing, named as such.
        if (this.current === 'holding' && this.hold) {
          this.inject(this.hold.imitated, undefined, true);
          return;
        }
        this.fail(
          failure(
            'client_aborted',
            this.context(
              this.clientPhase(),
              event.detail !== undefined ? { detail: event.detail } : undefined,
            ),
          ),
          true,
        );
        return;
      case 'clientError':
        this.onClientError(event.error);
        return;
      case 'clientEnded':
        // HTTP lets a client half-close once its request is sent and still read the response
        // (the adapter's server keeps the connection half-open): before the response that is
        // what a FIN means. Once the body is streaming, a client that wanted it would have
        // half-closed long before: it is gone, and would only tell so at the next write.
        if (this.current === 'receiving') {
          this.fail(
            failure(
              'client_aborted',
              this.context('receive', { detail: 'the client closed the connection' }),
            ),
            true,
          );
        }
        // A rule's endless hold (a timeout fault without closeAfterMs) will never answer: a FIN
        // is the client's own timeout giving up, and the record ends there.
        else if (this.current === 'holding' && this.hold && this.hold.timeoutMs === undefined) {
          this.inject(this.hold.imitated, undefined, true);
        }
        return;
      case 'upgraded':
        if (this.current !== 'sending' && this.current !== 'waiting') return;
        this.onUpgraded(event.status, event.statusText, event.httpVersion, event.rawHeaders);
        return;
      case 'upgradeClosed':
        if (this.current !== 'upgraded') return;
        this.finish();
        return;
      case 'timeout':
        this.onTimeout(event.timer);
        return;
    }
  }

  // ───────────── the main line ─────────────

  private openUpstream(): void {
    this.current = 'connecting';
    this.setupPhase = undefined;
    this.attempt += 1;
    this.emit({ type: 'openUpstream', attempt: this.attempt });
  }

  private onSocket(connection: UpstreamConnection | undefined, reused: boolean): void {
    if (this.current !== 'connecting') return;
    this.connection = connection;
    this.reused = reused;
    this.options.recorder.attachConnection(connection, reused);
    if (!connection || reused || connection.phase === 'ready') this.onReady();
    else this.setupPhase = connection.phase;
  }

  private onReady(): void {
    if (this.connection) this.options.recorder.syncConnection(this.connection);
    this.current = 'sending';
    // A request written while the connection was being set up was held by the socket and goes
    // out now, as it connects: that is when it is sent.
    if (this.requestSent) this.markSent();
    (this.responseTimer ??= this.timer('response')).start();
    if (this.requestBody === 'held') {
      this.requestBody = 'streaming';
      this.requestBodyTimer = this.timer('requestBody');
      this.requestBodyTimer.start();
      this.emit({ type: 'readRequestBody' });
    }
    if (this.current === 'sending') this.options.recorder.sendStarting();
  }

  private onRequestSent(): void {
    if (this.requestSent) return;
    this.requestSent = true;
    // Still connecting: the socket holds the request until the connection is ready (onReady).
    if (this.current === 'sending') this.markSent();
  }

  /** The request is on the wire: send ends, wait begins. */
  private markSent(): void {
    this.options.recorder.markSent();
    this.current = 'waiting';
    this.responseTimer?.touch();
  }

  private onResponseHead(
    status: number,
    statusText: string,
    httpVersion: string,
    rawHeaders: string[],
  ): void {
    const { recorder } = this.options;
    this.responseTimer?.stop();
    // An answer before the whole request was sent (e.g. 417 to Expect: 100-continue): send
    // ended where the response began.
    if (!this.requestSent) recorder.markSent();
    const connection = this.connection;
    if (connection) recorder.syncConnection(connection);
    const head: ResponseHead = { status, statusText, httpVersion, rawHeaders };
    const plan = this.plan;
    if (plan && shapesResponse(plan)) {
      this.current = 'receiving';
      (this.responseBodyTimer = this.timer('responseBody')).start();
      this.shapeDownHead(plan, head);
      return;
    }
    this.sendHead(head);
    this.current = 'receiving';
    (this.responseBodyTimer = this.timer('responseBody')).start();
  }

  /** The response head goes to the client (and into the record, as the client gets it). */
  private sendHead(head: ResponseHead): void {
    const { recorder, strings } = this.options;
    const { status, statusText, httpVersion, rawHeaders } = head;
    recorder.responseHead(
      status,
      statusText,
      strings ? strings.httpVersionLabel(httpVersion) : `HTTP/${httpVersion}`,
      toHeaderList(rawHeaders, this.connection, strings),
    );
    this.current = 'receiving';
    this.responseHeadSent = true;
    this.emit({ type: 'sendResponseHead', status, statusText, rawHeaders: stripHopByHop(rawHeaders) });
  }

  private passChunk(chunk: Buffer): void {
    this.options.recorder.tapResponse(chunk);
    this.emit({ type: 'forwardResponseChunk', chunk });
  }

  private endResponse(rawTrailers: string[]): void {
    if (rawTrailers.length > 0) this.options.recorder.responseTrailers(rawTrailers);
    this.finish();
    // A final answer before the request body was sent (e.g. 417 or 401 to Expect:
    // 100-continue): the request can never finish cleanly on that connection.
    this.emit({ type: 'endResponse', rawTrailers, discardUpstream: !this.requestSent && !this.local });
  }

  private onResponseBroken(event: Extract<LifecycleEvent, { type: 'responseBroken' }>): void {
    const errorClass: ErrorClass =
      event.sawReset || !event.sawEnd ? 'connection_reset' : 'incomplete_response';
    const received = this.options.recorder.responseBodyBytes;
    const detail = `received ${received} body bytes${event.declaredBytes ? ` of ${event.declaredBytes}` : ''}`;
    this.fail(failure(errorClass, this.context('receive', { detail })));
  }

  private onUpgraded(status: number, statusText: string, httpVersion: string, rawHeaders: string[]): void {
    const { recorder, strings } = this.options;
    this.responseTimer?.stop();
    if (!this.requestSent) recorder.markSent();
    if (this.connection) recorder.syncConnection(this.connection);
    recorder.responseHead(
      status,
      statusText,
      strings ? strings.httpVersionLabel(httpVersion) : `HTTP/${httpVersion}`,
      toHeaderList(rawHeaders, undefined, strings),
    );
    this.current = 'upgraded';
    this.responseHeadSent = true;
    this.emit({ type: 'acceptUpgrade', status, statusText, rawHeaders });
  }

  private finish(): void {
    this.stopTimers();
    const { recorder } = this.options;
    if (this.connection) recorder.syncConnection(this.connection);
    recorder.complete();
    this.current = 'done';
  }

  // ───────────── failures ─────────────

  private onUpstreamError(error: Error): void {
    const state = this.current;
    if (state === 'request') return;
    if (state === 'upgraded') {
      // After the upgrade only a reset is a failure of the exchange; any other error just ends
      // the piping, and the exchange completes when both sides have closed.
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') {
        this.fail(
          failure('connection_reset', this.context('receive', { detail: 'reset after the upgrade' })),
        );
      } else {
        this.emit({ type: 'closeClient' });
      }
      return;
    }
    const setupFailure = this.connection?.failure;
    if (setupFailure || error instanceof ConnectTimeoutError) {
      // NetLens gave up on the connection's set-up: the class says which step timed out.
      const timeoutMs = setupFailure?.timeoutMs ?? (error as ConnectTimeoutError).timeoutMs;
      const errorClass: ErrorClass = setupFailure?.errorClass ?? 'connect_timeout';
      this.fail(failure(errorClass, this.context(this.phase(), { timeoutMs, detail: 'timeout' })));
      return;
    }
    // A pooled connection the server closed while idle: the request never reached it, so a
    // bodiless request is safely sent again on a fresh connection (RFC 9110 §9.2.2 idempotence
    // is not needed here: nothing was received by the server). The same holds for an HTTP/2
    // stream the server says it did not process; and a server that refused the protocol offered
    // in the TLS handshake has received nothing at all, body or not.
    const unprocessed = isUnprocessedError(error) || (this.reused && isStaleConnectionError(error));
    if (
      this.attempt <= STALE_RETRIES &&
      ((unprocessed && (state === 'sending' || state === 'waiting') && this.requestBody === 'none') ||
        (state === 'connecting' && isAlpnRefusal(error)))
    ) {
      this.options.recorder.resetConnection();
      this.responseTimer?.stop();
      this.responseTimer = undefined;
      this.connection = undefined;
      this.reused = false;
      this.requestSent = false;
      this.openUpstream();
      return;
    }
    this.fail(diagnose(error, this.context(this.phase())));
  }

  private onClientError(error: Error & { code?: string }): void {
    if (!this.ownsClientError()) return;
    if (error.code !== undefined && CLIENT_GONE_CODES.has(error.code)) {
      this.fail(
        failure('client_aborted', this.context('request', { detail: 'the client closed mid-request-body' })),
        true,
      );
      return;
    }
    const reason = (error as { reason?: string }).reason ?? error.message;
    const base = failure('protocol_error', this.context('request', { detail: error.code ?? 'parse_error' }));
    const netlensError: NetlensError = {
      ...base,
      message: `The client sent a malformed request body: ${reason}. NetLens answered 400 Bad Request.`,
    };
    if (error.code) netlensError.code = error.code;
    this.fail(netlensError, false, { kind: 'respond', status: 400, statusText: 'Bad Request' });
  }

  private onTimeout(timer: TimerName): void {
    const { bodyIdleTimeoutMs, responseTimeoutMs } = this.options.timeouts;
    switch (timer) {
      case 'ruleDelay':
      case 'ruleRequest':
      case 'ruleResponse': {
        const pending = this.ruleTimers?.[timer];
        if (pending) {
          delete this.ruleTimers![timer];
          pending.fire();
        }
        return;
      }
      case 'response':
        this.fail(failure('response_timeout', this.context(this.phase(), { timeoutMs: responseTimeoutMs })));
        return;
      case 'responseBody':
        this.fail(failure('body_timeout', this.context('receive', { timeoutMs: bodyIdleTimeoutMs })));
        return;
      case 'requestBody':
        this.fail(
          failure(
            'body_timeout',
            this.context('request', {
              timeoutMs: bodyIdleTimeoutMs,
              detail: 'client stalled mid-request-body',
            }),
          ),
        );
        return;
      case 'clientStall':
        this.fail(
          failure(
            'client_aborted',
            this.context('receive', {
              timeoutMs: bodyIdleTimeoutMs,
              detail: 'the client stopped reading the response',
            }),
          ),
          true,
        );
        return;
    }
  }

  /** The phase of a client's abort: its own request while that is still coming, else the state's. */
  private clientPhase(): FailurePhase {
    return this.requestBody === 'held' || this.requestBody === 'streaming' ? 'request' : this.phase();
  }

  /**
   * Ends the exchange as failed: records the failure, abandons the upstream side and shows the
   * failure to the client — mirrored where the wire allows it, or the client closed when it is
   * the client who failed.
   */
  private fail(error: NetlensError, fromClient = false, answer?: ClientAnswer, shown?: NetlensError): void {
    if (this.settled) return;
    this.stopTimers();
    const { recorder } = this.options;
    if (this.connection) recorder.syncConnection(this.connection);
    this.current = 'failed';
    if (fromClient) {
      recorder.fail(error);
      this.emit({ type: 'abortUpstream' });
      this.emit({ type: 'closeClient' });
      return;
    }
    this.emit({ type: 'abortUpstream' });
    const clientAnswer = shown
      ? (answer ?? this.mirror(shown.class))
      : answer && !this.responseHeadSent
        ? answer
        : this.mirror(error.class);
    this.emit({
      type: 'mirrorFailure',
      error,
      answer: clientAnswer,
      keepAlive: this.requestBody === 'none' || this.requestBody === 'ended',
      ...(shown ? { shown } : {}),
    });
    // Recorded once the client was told: what it was told (an HTTP/2 stream's RST_STREAM code)
    // belongs to the record.
    recorder.fail(error);
  }

  private mirror(errorClass: ErrorClass): ClientAnswer {
    const action = mirrorFor(errorClass, this.responseHeadSent);
    return action.kind === 'respond'
      ? { kind: 'respond', status: action.status, statusText: failureStatusText(action.status) }
      : action;
  }

  private context(phase: FailurePhase, extra?: { timeoutMs?: number; detail?: string }): FailureContext {
    const { target, recorder } = this.options;
    return { host: target.host, port: target.port, phase, elapsedMs: recorder.elapsedMs(), ...extra };
  }

  private timer(name: TimerName): Watchdog {
    const { timeouts, watchdog } = this.options;
    const timeoutMs = name === 'response' ? timeouts.responseTimeoutMs : timeouts.bodyIdleTimeoutMs;
    return watchdog(name, timeoutMs, () => this.handle({ type: 'timeout', timer: name }));
  }

  private stopTimers(): void {
    this.responseTimer?.stop();
    this.responseBodyTimer?.stop();
    this.requestBodyTimer?.stop();
    this.clientStallTimer?.stop();
    if (this.ruleTimers) {
      for (const pending of Object.values(this.ruleTimers)) pending?.watchdog.stop();
      this.ruleTimers = undefined;
    }
    this.down?.queue.stop();
    this.up?.queue.stop();
  }

  // ───────────── rules ─────────────

  private now(): number {
    return (this.options.clock ?? performance.now.bind(performance))();
  }

  /** A one-shot timer of the rules, fired through `handle` like every other timer. */
  private oneShot(name: TimerName): OneShotTimer {
    return (delayMs, fire) => {
      const watchdog = this.options.watchdog(name, delayMs, () =>
        this.handle({ type: 'timeout', timer: name }),
      );
      (this.ruleTimers ??= {})[name] = { watchdog, fire };
      watchdog.start();
      return () => {
        watchdog.stop();
        if (this.ruleTimers?.[name]?.watchdog === watchdog) delete this.ruleTimers[name];
      };
    };
  }

  /** `start` with a rule: the record says so, then the rule's hold, fault or answer comes first. */
  private startRule(plan: ExchangeRulePlan): void {
    this.options.recorder.ruleActed(plan.info);
    if (plan.upBytesPerMs !== undefined && plan.upBytesPerMs > 0 && this.options.withBody) {
      this.up = {
        pacer: new Pacer({ bytesPerMs: plan.upBytesPerMs, random: plan.random }),
        queue: new ShapedQueue<UpItem>(
          () => this.now(),
          this.oneShot('ruleRequest'),
          (item) => this.releaseUp(item),
        ),
        pausedClient: false,
      };
    }
    if (plan.requestDelayMs > 0) {
      this.current = 'delaying';
      this.oneShot('ruleDelay')(plan.requestDelayMs, () => {
        if (this.current === 'delaying') this.afterRequestDelay(plan);
      });
      return;
    }
    this.afterRequestDelay(plan);
  }

  private afterRequestDelay(plan: ExchangeRulePlan): void {
    const fault = plan.fault;
    if (fault && !cutsResponse(fault)) this.startFault(fault);
    else if (plan.answer) this.serveLocally(plan.answer);
    else this.openUpstream();
  }

  /** A fault that acts before anything goes upstream. */
  private startFault(fault: RuleFault): void {
    const { timeouts } = this.options;
    switch (fault.type) {
      case 'reset':
        this.inject('connection_reset', { kind: 'reset' });
        return;
      case 'close':
        this.inject('connection_reset', { kind: 'close' });
        return;
      case 'timeout':
        this.current = 'holding';
        this.hold = { imitated: 'response_timeout' };
        if (fault.closeAfterMs !== undefined) {
          const closeAfterMs = fault.closeAfterMs;
          this.hold.timeoutMs = closeAfterMs;
          this.oneShot('ruleDelay')(closeAfterMs, () => this.inject('response_timeout', { kind: 'close' }));
        }
        return;
      case 'fail': {
        // A real timeout takes its time: by default the matching NetLens timeout.
        const waitMs =
          fault.afterMs ??
          (fault.class === 'connect_timeout'
            ? (timeouts.connectTimeoutMs ?? 0)
            : fault.class === 'response_timeout'
              ? timeouts.responseTimeoutMs
              : 0);
        if (waitMs <= 0) {
          this.inject(fault.class);
          return;
        }
        this.current = 'holding';
        this.hold = { imitated: fault.class, timeoutMs: waitMs };
        this.oneShot('ruleDelay')(waitMs, () => this.inject(fault.class));
        return;
      }
    }
  }

  /**
   * Fails the exchange on a rule's behalf: recorded as `injected_fault` (the imitated class as
   * detail, the rule named in the message); the client is shown the imitated failure, mirrored
   * as a real one would be.
   */
  private inject(imitated: InjectableClass, answer?: ClientAnswer, fromClient = false): void {
    const plan = this.plan;
    if (!plan || this.settled) return;
    const before = this.current === 'request' || this.current === 'delaying' || this.current === 'holding';
    const phase: FailurePhase = this.responseHeadSent
      ? 'receive'
      : before
        ? errorClassFacts(imitated).phase
        : this.phase();
    const timeoutMs = this.hold?.timeoutMs;
    const extra = timeoutMs !== undefined ? { timeoutMs } : {};
    const shown = failure(imitated, this.context(phase, extra));
    const recorded = failure('injected_fault', {
      ...this.context(phase, extra),
      detail: imitated,
      ruleName: plan.ruleName,
    });
    this.fail(recorded, fromClient, answer, shown);
  }

  /** NetLens answers itself: the request (and its body) is read, nothing goes upstream. */
  private serveLocally(answer: LocalAnswer): void {
    const { recorder } = this.options;
    this.local = answer;
    // No connection: the exchange is "sent" to NetLens itself (no dns, connect or ssl).
    recorder.attachConnection(undefined, true);
    this.current = 'sending';
    if (this.requestBody === 'held') {
      this.requestBody = 'streaming';
      this.requestBodyTimer = this.timer('requestBody');
      this.requestBodyTimer.start();
      this.emit({ type: 'readRequestBody' });
      return;
    }
    this.answerLocally();
  }

  /** The whole request is in: the local answer goes out. */
  private answerLocally(): void {
    const answer = this.local;
    if (!answer || this.current !== 'sending') return;
    this.requestSent = true;
    this.markSent();
    if (answer.file !== undefined && !answer.bodiless) {
      this.emit({ type: 'serveLocalFile', answer: answer as LocalAnswer & { file: string } });
      return;
    }
    this.onResponseHead(answer.status, answer.statusText, '1.1', [...answer.rawHeaders]);
    const body = answer.body;
    // Read through the getter: the head may have failed the exchange (the compiler narrows fields).
    if (body && body.length > 0 && !answer.bodiless && this.state === 'receiving') {
      if (this.down) this.shapeDownChunk(this.down, body);
      else this.passChunk(body);
    }
    if (this.state !== 'receiving') return;
    if (this.down) this.shapeDownEnd(this.down, []);
    else this.endResponse([]);
  }

  /** The rule's file could not be read (or broke off). */
  private onLocalError(error: Error): void {
    const plan = this.plan;
    const file = this.local?.file ?? '';
    const code = (error as NodeJS.ErrnoException).code;
    const base = failure('injected_fault', {
      ...this.context(this.phase(), { detail: `cannot read ${file}` }),
      ruleName: plan?.ruleName,
    });
    const netlensError: NetlensError = {
      ...base,
      message: `NetLens rule "${plan?.ruleName ?? ''}" could not read ${file}${code ? ` (${code})` : ''}: ${error.message}. Fix the file path in the rule.`,
    };
    if (code) netlensError.code = code;
    this.fail(netlensError, false, { kind: 'respond', status: 502, statusText: 'Bad Gateway' });
  }

  // ── the response side: held, paced, cut ──

  private shapeDownHead(plan: ExchangeRulePlan, arrived: ResponseHead): void {
    let head = arrived;
    if (plan.responseHeaders)
      head = { ...head, rawHeaders: applyHeaderEdit(head.rawHeaders, plan.responseHeaders) };
    const down: DownShaping = {
      pacer: new Pacer({
        ...(plan.downBytesPerMs !== undefined ? { bytesPerMs: plan.downBytesPerMs } : {}),
        ...(plan.chunkLatency ? { latency: plan.chunkLatency } : {}),
        ...(plan.slice ? { slice: plan.slice } : {}),
        random: plan.random,
      }),
      queue: new ShapedQueue<DownItem>(
        () => this.now(),
        this.oneShot('ruleResponse'),
        (item) => this.releaseDown(item),
      ),
      passedBytes: 0,
      cutQueued: false,
      pausedUpstream: false,
    };
    this.down = down;
    const declared = declaredLength(head.rawHeaders);
    const fault = plan.fault;
    // A cut before the declared end is what makes the body incomplete: never at or past it.
    const beforeEnd = (bytes: number): number =>
      declared !== undefined ? Math.max(0, Math.min(bytes, declared - 1)) : bytes;
    if (fault?.type === 'reset' && fault.afterBytes !== undefined) {
      down.cut = {
        atBytes: beforeEnd(fault.afterBytes),
        imitated: 'connection_reset',
        answer: { kind: 'reset' },
        beforeEnd: true,
      };
    } else if (fault?.type === 'fail' && fault.class === 'incomplete_response') {
      const at = fault.afterBytes ?? (declared !== undefined ? Math.floor(declared / 2) : 0);
      down.cut = {
        atBytes: beforeEnd(at),
        imitated: 'incomplete_response',
        answer: { kind: 'close' },
        beforeEnd: true,
      };
    }
    if (
      plan.limitDataBytes !== undefined &&
      (down.cut === undefined || plan.limitDataBytes < down.cut.atBytes)
    ) {
      down.cut = {
        atBytes: plan.limitDataBytes,
        imitated:
          declared !== undefined || isChunked(head.rawHeaders) ? 'incomplete_response' : 'connection_reset',
        answer: { kind: 'close' },
        beforeEnd: false,
      };
    }
    const bodiless = this.local?.bodiless === true || head.status === 204 || head.status === 304;
    if (plan.bodyReplacements && !bodiless) {
      down.collect = { head, chunks: [], bytes: 0 };
      return;
    }
    this.queueHead(plan, down, head);
  }

  private queueHead(plan: ExchangeRulePlan, down: DownShaping, head: ResponseHead): void {
    const now = this.now();
    down.queue.push({ kind: 'head', head }, down.pacer.mark(now, plan.responseDelayMs));
    if (down.cut?.beforeEnd && down.cut.atBytes === 0) this.queueCut(down, now);
    else this.holdUpstreamWhileQueued(down);
  }

  private shapeDownChunk(down: DownShaping, chunk: Buffer): void {
    if (down.cutQueued) return;
    const collect = down.collect;
    if (collect) {
      collect.chunks.push(chunk);
      collect.bytes += chunk.length;
      // Too large to hold whole: the body goes on as it came, the replacement is given up.
      if (collect.bytes > MAX_REWRITTEN_BODY_BYTES) {
        down.collect = undefined;
        this.queueHead(this.plan!, down, collect.head);
        for (const held of collect.chunks) this.queueBody(down, held);
      }
      return;
    }
    this.queueBody(down, chunk);
  }

  private queueBody(down: DownShaping, chunk: Buffer): void {
    if (down.cutQueued) return;
    const now = this.now();
    const cut = down.cut;
    const room = cut ? cut.atBytes - down.passedBytes : Number.POSITIVE_INFINITY;
    // A reset or an incomplete body cuts where it is asked; limit_data once the limit is passed
    // (a body that ends exactly at the limit is whole).
    if (cut && (cut.beforeEnd ? chunk.length >= room : chunk.length > room)) {
      this.queueBytes(down, chunk.subarray(0, room), now);
      this.queueCut(down, now);
      return;
    }
    this.queueBytes(down, chunk, now);
  }

  private queueBytes(down: DownShaping, bytes: Buffer, now: number): void {
    if (bytes.length === 0) return;
    down.passedBytes += bytes.length;
    for (const piece of down.pacer.schedule(bytes.length, now)) {
      down.queue.push({ kind: 'chunk', chunk: bytes.subarray(piece.start, piece.end) }, piece.dueMs);
    }
    this.holdUpstreamWhileQueued(down);
  }

  private queueCut(down: DownShaping, now: number): void {
    const cut = down.cut!;
    down.cutQueued = true;
    down.queue.push({ kind: 'cut', imitated: cut.imitated, answer: cut.answer }, down.pacer.mark(now));
    this.holdUpstreamWhileQueued(down);
  }

  private shapeDownEnd(down: DownShaping, rawTrailers: string[]): void {
    if (down.cutQueued) return;
    const collect = down.collect;
    if (collect) {
      down.collect = undefined;
      const plan = this.plan!;
      const whole = Buffer.concat(collect.chunks, collect.bytes);
      const rewritten = rewriteResponseBody(whole, collect.head.rawHeaders, plan.bodyReplacements ?? []);
      const head = rewritten ? { ...collect.head, rawHeaders: rewritten.rawHeaders } : collect.head;
      this.queueHead(plan, down, head);
      if (down.cutQueued) return;
      this.queueBody(down, rewritten ? rewritten.body : whole);
      if (down.cutQueued) return;
    }
    const now = this.now();
    // A reset or an incomplete body the response did not reach: it happens at the end instead.
    if (down.cut?.beforeEnd) {
      this.queueCut(down, now);
      return;
    }
    down.queue.push({ kind: 'end', rawTrailers }, down.pacer.mark(now, this.plan?.slowCloseMs ?? 0));
  }

  /** While the queue holds data, the upstream response waits (its silence is ours, not the server's). */
  private holdUpstreamWhileQueued(down: DownShaping): void {
    if (down.queue.pending > SHAPED_LOOKAHEAD && !down.pausedUpstream && !this.settled) {
      down.pausedUpstream = true;
      this.emit({ type: 'pauseResponseBody' });
      this.responseBodyTimer?.pause();
    }
  }

  private releaseDown(item: DownItem): void {
    if (this.settled) return;
    switch (item.kind) {
      case 'head':
        this.sendHead(item.head);
        break;
      case 'chunk':
        this.passChunk(item.chunk);
        break;
      case 'end':
        this.endResponse(item.rawTrailers);
        return;
      case 'broken':
        this.onResponseBroken(item.event);
        return;
      case 'cut':
        this.inject(item.imitated, item.answer);
        return;
    }
    const down = this.down;
    if (down && down.pausedUpstream && down.queue.pending <= SHAPED_LOOKAHEAD && !this.settled) {
      down.pausedUpstream = false;
      if (!this.clientBlocked) {
        this.emit({ type: 'resumeResponseBody' });
        this.responseBodyTimer?.resume();
      }
    }
  }

  // ── the request side: upload bandwidth ──

  private shapeUp(chunk: Buffer): void {
    const up = this.up!;
    for (const piece of up.pacer.schedule(chunk.length, this.now())) {
      up.queue.push({ kind: 'chunk', chunk: chunk.subarray(piece.start, piece.end) }, piece.dueMs);
    }
    if (up.queue.pending > SHAPED_LOOKAHEAD && !up.pausedClient) {
      up.pausedClient = true;
      this.requestBodyTimer?.pause();
      this.emit({ type: 'pauseRequestBody' });
    }
  }

  private releaseUp(item: UpItem): void {
    if (this.settled) return;
    if (item.kind === 'end') {
      this.emit({ type: 'endUpstreamRequest' });
      return;
    }
    this.emit({ type: 'forwardRequestChunk', chunk: item.chunk });
    const up = this.up!;
    if (up.pausedClient && up.queue.pending <= SHAPED_LOOKAHEAD && this.requestBody === 'streaming') {
      up.pausedClient = false;
      this.requestBodyTimer?.resume();
      this.emit({ type: 'readRequestBody' });
    }
  }
}

/** Content-Length of a response head, when it has one (and only one value). */
function declaredLength(raw: readonly string[]): number | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'content-length') {
      const n = Number(raw[i + 1]);
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    }
  }
  return undefined;
}

function isChunked(raw: readonly string[]): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'transfer-encoding' && /chunked/i.test(raw[i + 1]!)) return true;
  }
  return false;
}
