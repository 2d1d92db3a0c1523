/**
 * NetlensApi over a WebSocket (web mode). Requests are `{id, channel, args}`, replies
 * `{type:'result', id, result}`, and the engine pushes `{type:'events', events}` batches.
 *
 * The socket reconnects with capped exponential backoff when it drops. Calls never hang: a
 * call made while connecting waits for the socket; a call in flight when the socket drops, or
 * made after the client was closed, resolves to `{ok:false, error:{code:'disconnected'}}`.
 */
import type { Channel, ChannelArgs, ChannelValue, EngineEvent, NetlensApi } from '../../shared/api';
import type { Result } from '../../shared/result';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The part of the DOM WebSocket this client uses (a fake one stands in for it in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface WsClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Injected for tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface WsClient extends NetlensApi {
  readonly state: ConnectionState;
  /** Called on every state change; the UI reloads its data after a reconnect. Returns the unsubscribe function. */
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

const OPEN = 1;

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

function disconnected(message: string): Result<never> {
  return { ok: false, error: { code: 'disconnected', message } };
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { ok?: unknown; error?: unknown };
  if (r.ok === true) return true;
  if (r.ok !== false || typeof r.error !== 'object' || r.error === null) return false;
  const e = r.error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && typeof e.message === 'string';
}

export function createWsClient(options: WsClientOptions): WsClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const initialBackoffMs = options.initialBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as number));

  const eventListeners = new Set<(events: EngineEvent[]) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  /** Sent, waiting for their reply. */
  const inFlight = new Map<number, Pending>();
  /** Made while the socket was connecting: sent on open, in order. */
  let queued: { id: number; text: string }[] = [];
  const waiting = new Map<number, Pending>();
  let nextId = 1;
  let socket: SocketLike | undefined;
  let state: ConnectionState = 'connecting';
  let closedByUser = false;
  let backoffMs = initialBackoffMs;
  let reconnectTimer: unknown;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) {
      try {
        listener(next);
      } catch (error) {
        console.error('NetLens: connection listener failed', error);
      }
    }
  }

  function failAll(message: string): void {
    const pending = [...inFlight.values()];
    inFlight.clear();
    for (const { id } of queued) {
      const p = waiting.get(id);
      if (p) pending.push(p);
    }
    queued = [];
    waiting.clear();
    for (const p of pending) p.resolve(disconnected(message));
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      console.error('NetLens: ignoring a malformed message from the engine');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as { type?: unknown; id?: unknown; result?: unknown; events?: unknown };
    if (m.type === 'events' && Array.isArray(m.events)) {
      const events = m.events as EngineEvent[];
      for (const listener of eventListeners) {
        try {
          listener(events);
        } catch (error) {
          console.error('NetLens: event listener failed', error);
        }
      }
      return;
    }
    if (typeof m.id === 'number') {
      const pending = inFlight.get(m.id);
      if (!pending) return;
      inFlight.delete(m.id);
      pending.resolve(
        isResult(m.result)
          ? m.result
          : { ok: false, error: { code: 'bad_reply', message: 'Malformed reply from the engine.' } },
      );
    }
  }

  function connect(): void {
    setState('connecting');
    let s: SocketLike;
    try {
      s = createSocket(options.url);
    } catch (error) {
      failAll(
        `Cannot open the connection to NetLens: ${error instanceof Error ? error.message : String(error)}`,
      );
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      backoffMs = initialBackoffMs;
      setState('open');
      const toSend = queued;
      queued = [];
      for (const { id, text } of toSend) {
        const pending = waiting.get(id);
        if (!pending) continue;
        waiting.delete(id);
        inFlight.set(id, pending);
        s.send(text);
      }
    };
    s.onmessage = (event) => {
      if (socket === s) handleMessage(event.data);
    };
    s.onerror = () => {
      // onclose follows and does the work.
    };
    s.onclose = (event) => {
      if (socket !== s) return;
      socket = undefined;
      const reason = event.reason ? ` (${event.reason})` : '';
      failAll(`Lost the connection to NetLens${reason}; reconnecting.`);
      if (closedByUser) {
        setState('closed');
        return;
      }
      // 4401/4403 are never sent (the upgrade is refused instead); a refused upgrade shows up
      // here as 1006 and is retried, since the engine may simply be restarting.
      scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (closedByUser) return;
    setState('closed');
    const jitter = 0.75 + Math.random() * 0.5;
    const delay = Math.round(backoffMs * jitter);
    backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
    reconnectTimer = setTimer(() => {
      reconnectTimer = undefined;
      connect();
    }, delay);
  }

  function invoke<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<Result<ChannelValue<C>>> {
    if (closedByUser) return Promise.resolve(disconnected('The NetLens connection was closed.'));
    const id = nextId++;
    let text: string;
    try {
      text = JSON.stringify({ id, channel, args });
    } catch (error) {
      return Promise.resolve({
        ok: false,
        error: { code: 'bad_argument', message: `Arguments cannot be sent: ${String(error)}` },
      });
    }
    return new Promise<Result<ChannelValue<C>>>((resolve) => {
      const pending: Pending = { resolve: resolve as (result: Result<unknown>) => void };
      if (socket && socket.readyState === OPEN) {
        inFlight.set(id, pending);
        try {
          socket.send(text);
        } catch (error) {
          inFlight.delete(id);
          resolve(disconnected(`Sending to NetLens failed: ${String(error)}`));
        }
      } else if (state === 'connecting') {
        waiting.set(id, pending);
        queued.push({ id, text });
      } else {
        resolve(disconnected('Not connected to NetLens; reconnecting.'));
      }
    });
  }

  connect();

  return {
    invoke,
    onEvents(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    get state() {
      return state;
    },
    close() {
      if (closedByUser) return;
      closedByUser = true;
      if (reconnectTimer !== undefined) clearTimer(reconnectTimer);
      const s = socket;
      socket = undefined;
      failAll('The NetLens connection was closed.');
      setState('closed');
      s?.close(1000, 'client closed');
    },
  };
}
