import http2 from 'node:http2';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { Http2Settings } from '../../../shared/model.js';
import type { SetupPhase } from './lifecycleMessages.js';
import { instrumentSocket, type UpstreamConnection } from './upstreamAgent.js';

/** Where an HTTP/2 session goes, and how its connection is made. */
export interface Http2Origin {
  /** The pool key: one set of sessions per key (see poolKey.ts; `|h2c` for cleartext). */
  key: string;
  tls: boolean;
  host: string;
  port: number;
  /** SNI, unless the host is an IP literal. */
  servername?: string;
  rejectUnauthorized: boolean;
  secureContext?: tls.SecureContext;
  /** Offer HTTP/1.1 as well: a server that picks it gets the request over HTTP/1.1. */
  allowHttp1: boolean;
}

/** A request waiting for a session; the pool tells it how its connection goes. */
export interface SessionWaiter {
  /** A new connection was opened for this request: it carries the set-up timings. */
  connecting(conn: UpstreamConnection): void;
  /** That connection moved on to its next set-up step. */
  setupProgress(phase: SetupPhase): void;
  /** A session can take the request's stream now; `reused`: it was not opened for this request. */
  ready(session: PooledSession, reused: boolean): void;
  /**
   * The server does not speak HTTP/2: carry the request over HTTP/1.1 — on `socket` (already
   * connected and negotiated, for the request that opened it) or on a connection of its own.
   */
  http1(socket: tls.TLSSocket | undefined): void;
  /** The connection failed before a session was ready. */
  failed(error: Error): void;
}

/** Streams allowed on a session until the server's SETTINGS say (RFC 9113 §6.5.2 recommends ≥ 100). */
const DEFAULT_CONCURRENT_STREAMS = 100;
/** Sessions per origin before requests queue for a free stream (browsers use one). */
const MAX_SESSIONS_PER_ORIGIN = 4;
/** Flow-control windows: large enough to keep a fast transfer going, small enough to bound memory. */
export const HTTP2_STREAM_WINDOW_BYTES = 1024 * 1024;
export const HTTP2_SESSION_WINDOW_BYTES = 8 * 1024 * 1024;
/** Node's limit on a session's buffered frames (MB): its default of 10 is low for a busy proxy. */
export const HTTP2_SESSION_MEMORY_MB = 64;
/** Header fields per head (Node's default, 128, refuses ordinary large heads). */
export const HTTP2_MAX_HEADER_PAIRS = 2000;

/** One upstream HTTP/2 session of the pool, with the streams it carries. */
export class PooledSession {
  /** Streams in flight or reserved for a waiter about to open one. */
  active = 0;
  ready = false;
  /** GOAWAY received or the connection closing: no new streams. */
  closing = false;
  goAway: { code: number; lastStreamId: number; debug?: string } | undefined;
  /** The error the session's connection failed with, if it did. */
  error: Error | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly origin: Http2Origin,
    readonly conn: UpstreamConnection,
    readonly session: http2.ClientHttp2Session,
  ) {}

  /** Streams the server allows at once (SETTINGS_MAX_CONCURRENT_STREAMS), ours if it says nothing. */
  get capacity(): number {
    const announced = this.ready ? this.session.remoteSettings.maxConcurrentStreams : undefined;
    return announced === undefined ? DEFAULT_CONCURRENT_STREAMS : Math.max(0, announced);
  }

  get usable(): boolean {
    return this.ready && !this.closing && !this.session.destroyed && !this.session.closed;
  }

  /** The server's SETTINGS as the record keeps them. */
  serverSettings(): Http2Settings | undefined {
    if (!this.ready) return undefined;
    const s = this.session.remoteSettings;
    const settings: Http2Settings = {};
    if (s.headerTableSize !== undefined) settings.headerTableSize = s.headerTableSize;
    if (s.enablePush !== undefined) settings.enablePush = s.enablePush;
    if (s.maxConcurrentStreams !== undefined) settings.maxConcurrentStreams = s.maxConcurrentStreams;
    if (s.initialWindowSize !== undefined) settings.initialWindowSize = s.initialWindowSize;
    if (s.maxFrameSize !== undefined) settings.maxFrameSize = s.maxFrameSize;
    if (s.maxHeaderListSize !== undefined) settings.maxHeaderListSize = s.maxHeaderListSize;
    if (s.enableConnectProtocol !== undefined) settings.enableConnectProtocol = s.enableConnectProtocol;
    return settings;
  }

  /** Keeps the session for `idleMs` after its last stream, then closes it (as the HTTP/1.1 pool does). */
  idle(idleMs: number, onIdle: () => void): void {
    this.clearIdle();
    this.idleTimer = setTimeout(onIdle, idleMs);
    this.idleTimer.unref();
  }

  clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

interface PendingConnection {
  origin: Http2Origin;
  conn: UpstreamConnection;
  /** The request that opened the connection comes first; the others joined it. */
  waiters: SessionWaiter[];
  session?: PooledSession;
}

interface OriginState {
  sessions: PooledSession[];
  pending: PendingConnection[];
  /** Requests waiting for a free stream on a full session. */
  queue: SessionWaiter[];
}

export interface Http2PoolOptions {
  connectTimeoutMs: () => number;
  idleTimeoutMs?: number;
}

/**
 * Upstream HTTP/2 sessions per origin, with stream multiplexing: a request takes a stream on a
 * session that has room under the server's SETTINGS_MAX_CONCURRENT_STREAMS; when every session
 * is full a new one is opened (up to MAX_SESSIONS_PER_ORIGIN), then requests queue. A TLS origin
 * is asked for `h2` by ALPN (RFC 7301); one that chooses HTTP/1.1 is remembered, and its requests
 * go to the HTTP/1.1 pool. A cleartext origin (h2c, RFC 9113 §3.3: prior knowledge) that does not
 * answer the connection preface with SETTINGS is remembered the same way.
 */
export class Http2SessionPool {
  private readonly origins = new Map<string, OriginState>();
  /** What each origin's server speaks, as learnt from ALPN or a failed preface. */
  private readonly protocols = new Map<string, 'h2' | 'http/1.1'>();
  private readonly sockets = new Set<net.Socket>();
  private destroyed = false;

  constructor(private readonly options: Http2PoolOptions) {}

  /** What the origin is known to speak, if NetLens has connected to it before. */
  knownProtocol(key: string): 'h2' | 'http/1.1' | undefined {
    return this.protocols.size === 0 ? undefined : this.protocols.get(key);
  }

  /** Remember what an origin speaks (e.g. it refused HTTP/1.1 in its TLS handshake). */
  learn(key: string, protocol: 'h2' | 'http/1.1'): void {
    this.protocols.set(key, protocol);
  }

  /**
   * Finds or opens a session for `waiter`. Returns a function that withdraws the request (it
   * gave up while waiting); after `ready` the stream's close gives the slot back (`release`).
   */
  acquire(origin: Http2Origin, waiter: SessionWaiter): () => void {
    const state = this.stateOf(origin.key);
    for (const session of state.sessions) {
      if (session.usable && session.active < session.capacity) {
        session.active += 1;
        session.clearIdle();
        waiter.ready(session, true);
        return noop;
      }
    }
    for (const pending of state.pending) {
      if (pending.waiters.length < DEFAULT_CONCURRENT_STREAMS) {
        pending.waiters.push(waiter);
        return () => remove(pending.waiters, waiter);
      }
    }
    if (state.sessions.filter((s) => s.usable).length + state.pending.length < MAX_SESSIONS_PER_ORIGIN) {
      this.connect(origin, state, waiter);
      return noop;
    }
    state.queue.push(waiter);
    return () => remove(state.queue, waiter);
  }

  /** A stream of `session` closed: its slot goes to the next queued request, or the session idles. */
  release(session: PooledSession): void {
    session.active = Math.max(0, session.active - 1);
    const state = this.origins.get(session.origin.key);
    if (!state) return;
    this.serveQueue(state);
    if (session.active === 0 && session.usable) {
      session.idle(this.options.idleTimeoutMs ?? 30_000, () => {
        if (session.active === 0) this.retire(session);
      });
    }
  }

  /** Closes every session and connection. */
  destroy(): void {
    this.destroyed = true;
    for (const state of this.origins.values()) {
      for (const session of state.sessions) {
        session.clearIdle();
        session.session.destroy();
      }
      for (const waiter of state.queue) waiter.failed(new Error('NetLens is shutting down'));
    }
    for (const socket of this.sockets) socket.destroy();
    this.origins.clear();
  }

  private stateOf(key: string): OriginState {
    let state = this.origins.get(key);
    if (!state) {
      state = { sessions: [], pending: [], queue: [] };
      this.origins.set(key, state);
    }
    return state;
  }

  private connect(origin: Http2Origin, state: OriginState, opener: SessionWaiter): void {
    const createdMs = performance.now();
    const socket = origin.tls
      ? tls.connect({
          host: origin.host,
          port: origin.port,
          ...(origin.servername ? { servername: origin.servername } : {}),
          rejectUnauthorized: origin.rejectUnauthorized,
          ...(origin.secureContext ? { secureContext: origin.secureContext } : {}),
          ALPNProtocols: origin.allowHttp1 ? ['h2', 'http/1.1'] : ['h2'],
        })
      : net.connect({ host: origin.host, port: origin.port });
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const target = {
      host: origin.host,
      port: origin.port,
      tls: origin.tls,
      verify: origin.rejectUnauthorized,
      ...(origin.servername ? { servername: origin.servername } : {}),
    };
    const conn = instrumentSocket(socket, target, this.options.connectTimeoutMs(), createdMs);
    const pending: PendingConnection = { origin, conn, waiters: [opener] };
    state.pending.push(pending);
    opener.connecting(conn);

    const progress = (phase: SetupPhase): void => {
      for (const waiter of pending.waiters) waiter.setupProgress(phase);
    };
    socket.once('lookup', (error: Error | null) => {
      if (!error && conn.phase === 'connect') progress('connect');
    });
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      remove(state.pending, pending);
      socket.destroy();
      for (const waiter of pending.waiters) waiter.failed(error);
      this.serveQueue(state);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(closedError()));
    if (origin.tls) {
      socket.once('connect', () => progress('tls'));
      socket.once('secureConnect', () => {
        const alpn = (socket as tls.TLSSocket).alpnProtocol;
        if (alpn === 'h2') {
          this.protocols.set(origin.key, 'h2');
          this.startSession(pending, state, socket, () => (settled = true), fail);
          return;
        }
        // RFC 7301: no protocol, or http/1.1, both mean HTTP/1.1.
        settled = true;
        this.protocols.set(origin.key, 'http/1.1');
        remove(state.pending, pending);
        socket.removeListener('error', fail);
        const [first, ...rest] = pending.waiters;
        first?.http1(socket as tls.TLSSocket);
        for (const waiter of rest) waiter.http1(undefined);
        for (const waiter of state.queue.splice(0)) waiter.http1(undefined);
      });
    } else {
      socket.once('connect', () => this.startSession(pending, state, socket, () => (settled = true), fail));
    }
  }

  /**
   * The session over a connected socket. Over TLS, ALPN already said `h2`: it is usable at once.
   * Over cleartext the server's SETTINGS are awaited first — a server that does not speak h2
   * answers the preface otherwise, and nothing of the request has been sent yet.
   */
  private startSession(
    pending: PendingConnection,
    state: OriginState,
    socket: net.Socket,
    settle: () => void,
    fail: (error: Error) => void,
  ): void {
    const { origin, conn } = pending;
    // Over cleartext, a server that is not an HTTP/2 one answers the preface with an HTTP/1.1
    // error and closes: the session fails, and that means "speak HTTP/1.1" (settleHttp1 below),
    // not a failed request.
    if (!origin.tls) settle();
    const session = http2.connect(`${origin.tls ? 'https' : 'http'}://${authorityOf(origin)}`, {
      createConnection: () => socket,
      settings: { enablePush: false, initialWindowSize: HTTP2_STREAM_WINDOW_BYTES },
      maxSessionMemory: HTTP2_SESSION_MEMORY_MB,
      maxHeaderListPairs: HTTP2_MAX_HEADER_PAIRS,
    });
    const pooled = new PooledSession(origin, conn, session);
    pending.session = pooled;
    session.on('error', (error: Error) => {
      // Reported through the streams (see Http2UpstreamLeg); the session closes.
      pooled.error ??= error;
    });
    socket.on('error', (error: Error) => {
      pooled.error ??= error;
    });
    session.on('goaway', (code: number, lastStreamId: number, data?: Buffer) => {
      pooled.closing = true;
      pooled.goAway = { code, lastStreamId, ...(data && data.length > 0 ? { debug: debugText(data) } : {}) };
      this.serveQueue(state);
    });
    session.once('close', () => {
      pooled.closing = true;
      pooled.clearIdle();
      remove(state.sessions, pooled);
      if (!pooled.ready) {
        if (!origin.tls) this.protocols.set(origin.key, 'http/1.1');
        settleHttp1();
      }
      this.serveQueue(state);
    });
    const settleHttp1 = (): void => {
      // A cleartext server that did not answer the preface: it speaks HTTP/1.1 (or nothing).
      if (!remove(state.pending, pending)) return;
      settle();
      for (const waiter of pending.waiters) waiter.http1(undefined);
    };
    const ready = (): void => {
      if (pooled.ready || !remove(state.pending, pending)) return;
      settle();
      socket.removeListener('error', fail);
      pooled.ready = true;
      session.setLocalWindowSize(HTTP2_SESSION_WINDOW_BYTES);
      state.sessions.push(pooled);
      const [first, ...rest] = pending.waiters;
      pooled.active = pending.waiters.length;
      if (first) first.ready(pooled, false);
      for (const waiter of rest) waiter.ready(pooled, true);
      this.serveQueue(state);
    };
    if (origin.tls) ready();
    else {
      if (!this.protocols.has(origin.key)) {
        session.once('remoteSettings', () => {
          this.protocols.set(origin.key, 'h2');
          ready();
        });
      } else session.once('remoteSettings', ready);
      session.once('close', settleHttp1);
    }
  }

  private serveQueue(state: OriginState): void {
    if (this.destroyed) return;
    while (state.queue.length > 0) {
      const session = state.sessions.find((s) => s.usable && s.active < s.capacity);
      if (!session) break;
      const waiter = state.queue.shift()!;
      session.active += 1;
      session.clearIdle();
      waiter.ready(session, true);
    }
    if (state.queue.length > 0) {
      const open = state.sessions.filter((s) => s.usable).length + state.pending.length;
      if (open < MAX_SESSIONS_PER_ORIGIN) {
        const waiter = state.queue.shift()!;
        const origin = state.sessions[0]?.origin ?? state.pending[0]?.origin;
        if (origin) this.connect(origin, state, waiter);
        else state.queue.unshift(waiter);
      }
    }
  }

  private retire(session: PooledSession): void {
    session.closing = true;
    session.clearIdle();
    const state = this.origins.get(session.origin.key);
    if (state) remove(state.sessions, session);
    session.session.close();
  }
}

function authorityOf(origin: Http2Origin): string {
  const host = net.isIPv6(origin.host) ? `[${origin.host}]` : origin.host;
  return `${host}:${origin.port}`;
}

/** The connection closed before its session was ready: what Node's HTTP/1.1 client says then. */
function closedError(): Error {
  const error = new Error('socket hang up') as NodeJS.ErrnoException;
  error.code = 'ECONNRESET';
  return error;
}

/** GOAWAY debug data, as text when it is printable (servers put a reason there). */
export function debugText(data: Buffer): string {
  const text = data.subarray(0, 256).toString('utf8');
  return /^[\x20-\x7e\t]*$/.test(text) ? text : `0x${data.subarray(0, 64).toString('hex')}`;
}

function remove<T>(list: T[], item: T): boolean {
  const index = list.indexOf(item);
  if (index === -1) return false;
  list.splice(index, 1);
  return true;
}

function noop(): void {
  // Nothing to withdraw: the request already has its stream.
}
