import type { ErrorClass, FailurePhase, NetlensError } from '../../../shared/errors.js';
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

export interface LifecycleOptions {
  /** The record of this exchange: the lifecycle reports every step to it. */
  recorder: ExchangeRecorder;
  /** Where the request goes, for the failure messages. */
  target: { host: string; port: number };
  /** The client's request has a body to stream upstream. */
  withBody: boolean;
  /** The client asked `Expect: 100-continue`. */
  expectsContinue: boolean;
  timeouts: Pick<Settings, 'responseTimeoutMs' | 'bodyIdleTimeoutMs'>;
  watchdog: WatchdogFactory;
  /** Shared strings for the recorded response head. */
  strings?: InternedStrings;
}

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

  constructor(
    private readonly options: LifecycleOptions,
    private readonly out: CommandExecutor,
  ) {
    this.requestBody = options.withBody ? 'held' : 'none';
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
        if (this.current === 'request') this.openUpstream();
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
        this.onUpstreamError(event.error);
        return;
      case 'requestChunk':
        if (this.requestBody !== 'streaming') return;
        this.requestBodyTimer?.touch();
        this.responseTimer?.touch();
        this.options.recorder.tapRequest(event.chunk);
        this.emit({ type: 'forwardRequestChunk', chunk: event.chunk });
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
        this.emit({ type: 'endUpstreamRequest' });
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
        this.options.recorder.tapResponse(event.chunk);
        this.emit({ type: 'forwardResponseChunk', chunk: event.chunk });
        return;
      case 'clientBlocked':
        if (this.current !== 'receiving') return;
        this.emit({ type: 'pauseResponseBody' });
        this.responseBodyTimer?.pause();
        // A client that stops reading holds the upstream connection: the same idle limit applies.
        (this.clientStallTimer ??= this.timer('clientStall')).resume();
        return;
      case 'clientDrained':
        if (this.current !== 'receiving') return;
        this.clientStallTimer?.pause();
        this.emit({ type: 'resumeResponseBody' });
        this.responseBodyTimer?.resume();
        return;
      case 'responseEnd':
        if (this.current !== 'receiving') return;
        if (event.rawTrailers.length > 0) this.options.recorder.responseTrailers(event.rawTrailers);
        this.finish();
        // A final answer before the request body was sent (e.g. 417 or 401 to Expect:
        // 100-continue): the request can never finish cleanly on that connection.
        this.emit({
          type: 'endResponse',
          rawTrailers: event.rawTrailers,
          discardUpstream: !this.requestSent,
        });
        return;
      case 'responseBroken': {
        if (this.current !== 'receiving') return;
        const errorClass: ErrorClass =
          event.sawReset || !event.sawEnd ? 'connection_reset' : 'incomplete_response';
        const received = this.options.recorder.responseBodyBytes;
        const detail = `received ${received} body bytes${event.declaredBytes ? ` of ${event.declaredBytes}` : ''}`;
        this.fail(failure(errorClass, this.context('receive', { detail })));
        return;
      }
      case 'clientWriteFailed':
        this.fail(diagnose(event.error, this.context(this.phase())));
        return;
      case 'clientClosed':
        // An upgraded connection ends when either side closes: see upgradeClosed.
        if (this.current === 'upgraded') return;
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
    const { recorder, strings } = this.options;
    this.responseTimer?.stop();
    // An answer before the whole request was sent (e.g. 417 to Expect: 100-continue): send
    // ended where the response began.
    if (!this.requestSent) recorder.markSent();
    const connection = this.connection;
    if (connection) recorder.syncConnection(connection);
    recorder.responseHead(
      status,
      statusText,
      strings ? strings.httpVersionLabel(httpVersion) : `HTTP/${httpVersion}`,
      toHeaderList(rawHeaders, connection, strings),
    );
    this.current = 'receiving';
    this.responseHeadSent = true;
    this.emit({ type: 'sendResponseHead', status, statusText, rawHeaders: stripHopByHop(rawHeaders) });
    (this.responseBodyTimer = this.timer('responseBody')).start();
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
  private fail(error: NetlensError, fromClient = false, answer?: ClientAnswer): void {
    if (this.settled) return;
    this.stopTimers();
    const { recorder } = this.options;
    if (this.connection) recorder.syncConnection(this.connection);
    recorder.fail(error);
    this.current = 'failed';
    this.emit({ type: 'abortUpstream' });
    if (fromClient) {
      this.emit({ type: 'closeClient' });
      return;
    }
    this.emit({
      type: 'mirrorFailure',
      error,
      answer: answer && !this.responseHeadSent ? answer : this.mirror(error.class),
      keepAlive: this.requestBody === 'none' || this.requestBody === 'ended',
    });
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
  }
}
