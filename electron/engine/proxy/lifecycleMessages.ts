import type { FailurePhase, NetlensError } from '../../../shared/errors.js';
import type { LocalAnswer } from '../rules/exchangeRulePlan.js';
import type { UpstreamConnection } from './upstreamAgent.js';

/**
 * The vocabulary of the exchange lifecycle (exchangeLifecycle.ts): its states, the events the
 * socket adapters feed it, and the commands it gives them. Nothing here touches a socket: the
 * adapters (http1Adapter.ts, webSocketAdapter.ts) translate Node's socket events into these
 * events and carry out these commands, so the lifecycle itself is tested as a script.
 */

/**
 * Where an exchange is. The main line runs request → connecting → sending → waiting → receiving
 * → done; any state may end in failed. A failure's phase is read off the state it happened in
 * (see phaseOf in exchangeLifecycle.ts), never pieced together from flags.
 */
export type LifecycleState =
  /** The request head is in; nothing has gone upstream yet. */
  | 'request'
  /** A rule holds the request before it goes upstream (latency before the request). */
  | 'delaying'
  /** A rule's fault holds the exchange and sends nothing (a timeout, or the wait before a failure). */
  | 'holding'
  /** An upstream connection is being set up (dns, connect, tls: see `setupPhase`). */
  | 'connecting'
  /** The connection is ready; the request head (and body) is being written upstream. */
  | 'sending'
  /** The whole request was written and flushed upstream; no response head yet. */
  | 'waiting'
  /** The response head is in and was forwarded; its body is streaming. */
  | 'receiving'
  /** An Upgrade was accepted (101): bytes are piped both ways until both sides close. */
  | 'upgraded'
  | 'done'
  | 'failed';

/** The set-up step of a new upstream connection, as the connection reports it. */
export type SetupPhase = 'dns' | 'connect' | 'tls';

/** The idle timers an exchange can run; each fires a `timeout` event naming itself. */
export type TimerName =
  /** Connection ready → response head: the server must answer in time. */
  | 'response'
  /** Silence in the middle of the response body. */
  | 'responseBody'
  /** Silence in the middle of the client's request body. */
  | 'requestBody'
  /** The client stopped reading the response (its socket stays full). */
  | 'clientStall'
  /** A rule's hold before the request goes upstream, or before its fault acts. */
  | 'ruleDelay'
  /** A rule's shaping of the request body (upload bandwidth). */
  | 'ruleRequest'
  /** A rule's shaping of the response (latency, bandwidth, slicing, slow close). */
  | 'ruleResponse';

/** A timer that fires after `timeoutMs` of silence (IdleWatchdog is the real one). */
export interface Watchdog {
  start(): unknown;
  touch(): void;
  pause(): void;
  resume(): void;
  stop(): void;
}

/** Makes the lifecycle's timers: real ones in the adapters, manual ones in tests. */
export type WatchdogFactory = (timer: TimerName, timeoutMs: number, onTimeout: () => void) => Watchdog;

/** What the adapters tell the lifecycle. */
export type LifecycleEvent =
  /** Begin: the request head was read and the exchange recorded as started. */
  | { type: 'start' }
  /** The upstream request got a socket, fresh (with `connection` in set-up) or pooled. */
  | { type: 'upstreamSocket'; connection: UpstreamConnection | undefined; reused: boolean }
  /** A fresh connection moved on to its next set-up step (the lookup or TCP connect ended). */
  | { type: 'setupProgress'; phase: SetupPhase }
  /** The connection can carry the request (connected, and TLS done where there is TLS). */
  | { type: 'upstreamReady' }
  /** The upstream request failed at the socket or HTTP level. */
  | { type: 'upstreamError'; error: Error }
  /** A chunk of the client's request body arrived. */
  | { type: 'requestChunk'; chunk: Buffer }
  /** The client's request body ended. */
  | { type: 'requestEnd' }
  /** The upstream socket's buffer is full (a write returned false) / drained again. */
  | { type: 'upstreamBlocked' }
  | { type: 'upstreamDrained' }
  /** The request (head and body) was written and flushed to the upstream socket. */
  | { type: 'requestSent' }
  /** The server sent 100 Continue (RFC 9110 §10.1.1). */
  | { type: 'upstreamContinue' }
  /** The response head arrived. */
  | { type: 'responseHead'; status: number; statusText: string; httpVersion: string; rawHeaders: string[] }
  | { type: 'responseChunk'; chunk: Buffer }
  /** The client's socket buffer is full / drained again. */
  | { type: 'clientBlocked' }
  | { type: 'clientDrained' }
  /** The response body ended as its framing said it would. */
  | { type: 'responseEnd'; rawTrailers: string[] }
  /**
   * The response body broke off before its end. `sawReset`/`sawEnd`: what the connection saw
   * (a RST, a FIN); `declaredBytes`: its Content-Length, when it had one.
   */
  | { type: 'responseBroken'; sawReset: boolean; sawEnd: boolean; declaredBytes?: string }
  /** Writing to the client failed (e.g. Node refused the response head). */
  | { type: 'clientWriteFailed'; error: Error }
  /**
   * The client's connection (or its HTTP/2 stream) closed before the response was complete;
   * `detail` says how when the client said so (an HTTP/2 client's RST_STREAM and its code).
   */
  | { type: 'clientClosed'; detail?: string }
  /** The client closed its sending side (FIN): a half-close, or the first sign of a close. */
  | { type: 'clientEnded' }
  /** The client's HTTP parser failed mid-request (a malformed body, the client hung up mid-body). */
  | { type: 'clientError'; error: Error & { code?: string } }
  /** The server accepted an Upgrade (101). */
  | { type: 'upgraded'; status: number; statusText: string; httpVersion: string; rawHeaders: string[] }
  /** Both sides of an upgraded connection are closed. */
  | { type: 'upgradeClosed' }
  | { type: 'timeout'; timer: TimerName };

/** How a failure is shown to the client (see failureMirror.ts), with NetLens' own answer spelt out. */
export type ClientAnswer =
  { kind: 'reset' } | { kind: 'close' } | { kind: 'respond'; status: number; statusText: string };

/** What the lifecycle tells the adapters to do. */
export type LifecycleCommand =
  /** Open the upstream request (attempt 2 and on: a stale pooled connection is being retried). */
  | { type: 'openUpstream'; attempt: number }
  /** Start (or go on) reading the client's request body / stop reading it for now. */
  | { type: 'readRequestBody' }
  | { type: 'pauseRequestBody' }
  | { type: 'forwardRequestChunk'; chunk: Buffer }
  /** The request body is complete: end the upstream request. */
  | { type: 'endUpstreamRequest' }
  /** Relay 100 Continue to the client. */
  | { type: 'sendContinue' }
  /** Send the response head to the client (hop-by-hop fields already removed). */
  | { type: 'sendResponseHead'; status: number; statusText: string; rawHeaders: string[] }
  | { type: 'forwardResponseChunk'; chunk: Buffer }
  /** Stop reading the response body for now / go on reading it. */
  | { type: 'pauseResponseBody' }
  | { type: 'resumeResponseBody' }
  /**
   * The response is complete: pass its trailers on and end it. `discardUpstream`: the request
   * was not fully sent (an early final answer), so the connection cannot be reused.
   */
  | { type: 'endResponse'; rawTrailers: string[]; discardUpstream: boolean }
  /** Accept the client's Upgrade with this head (101) and pipe the bytes both ways. */
  | { type: 'acceptUpgrade'; status: number; statusText: string; rawHeaders: string[] }
  /**
   * A rule answers from a file: stream it as the response (reported back as `responseHead`,
   * `responseChunk`, `responseEnd`, or `upstreamError` when it cannot be read).
   */
  | { type: 'serveLocalFile'; answer: LocalAnswer & { file: string } }
  /** Abandon the upstream request and response (destroy their socket). */
  | { type: 'abortUpstream' }
  /**
   * Show a failure to the client as `answer` says. `keepAlive`: the client's request was read
   * whole, so its connection may carry the next request after a `respond`. `shown`: what the
   * client is told when it differs from the record (a rule's fault shows the failure it imitates).
   */
  | {
      type: 'mirrorFailure';
      error: NetlensError;
      answer: ClientAnswer;
      keepAlive: boolean;
      shown?: NetlensError;
    }
  /** The client is gone or stalled: close its side without an answer. */
  | { type: 'closeClient' };

/** Carries out the lifecycle's commands (an adapter, or a recorder of commands in tests). */
export interface CommandExecutor {
  execute(command: LifecycleCommand): void;
}

/** The failure phase each state stands for (`connecting` names its set-up step instead). */
export const STATE_PHASES: Record<Exclude<LifecycleState, 'connecting' | 'done' | 'failed'>, FailurePhase> = {
  request: 'request',
  // A rule's hold: the client is waiting for its response.
  delaying: 'wait',
  holding: 'wait',
  sending: 'send',
  waiting: 'wait',
  receiving: 'receive',
  upgraded: 'receive',
};
