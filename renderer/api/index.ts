/**
 * The renderer's one door to the engine (DESIGN.md: renderer/api is the only code that
 * touches window.netlens or the WebSocket). In Electron the preload bridge provides
 * `window.netlens`; in web mode a WebSocket client talks to `netlens web`, authenticated by
 * the token in the page's URL, which then leaves the address bar (the page's cookie covers
 * reloads without it).
 */
import type { Channel, ChannelArgs, ChannelValue, EngineEvent, NetlensApi } from '../../shared/api';
import { forgetTokenInAddressBar } from './tokenInAddressBar';
import { createWsClient, type ConnectionState, type WsClient } from './wsClient';

export type { ConnectionState } from './wsClient';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in web mode. */
    netlens?: NetlensApi;
  }
}

/** An `ok:false` Result turned into an exception by call(); `code` is the engine's stable code. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly channel: Channel,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

let api: NetlensApi | undefined;
let wsClient: WsClient | undefined;

/** The WebSocket endpoint of the page's own origin, carrying the page's token. */
export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}/api${query}`;
}

export function getApi(): NetlensApi {
  if (api) return api;
  const bridge = window.netlens;
  if (bridge) {
    api = bridge;
  } else {
    // The socket keeps the token in memory (it needs it to reconnect); the address bar loses it.
    wsClient = createWsClient({ url: webSocketUrl(window.location) });
    forgetTokenInAddressBar(window.location, window.history);
    api = wsClient;
  }
  return api;
}

/** 'electron' when the preload bridge is present, else 'web'. */
export function transportKind(): 'electron' | 'web' {
  getApi();
  return wsClient ? 'web' : 'electron';
}

/**
 * Calls a channel and returns its value; throws ApiCallError with the engine's message when
 * the Result is `ok:false` (bad argument, not found, disconnected...).
 */
export async function call<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<ChannelValue<C>> {
  const result = await getApi().invoke(channel, ...args);
  if (result.ok) return result.value;
  throw new ApiCallError(result.error.code, result.error.message, channel);
}

/** Subscribes to the engine's event batches. Returns the unsubscribe function. */
export function onEvents(listener: (events: EngineEvent[]) => void): () => void {
  return getApi().onEvents(listener);
}

/**
 * Web mode only: the socket's state. After a drop and reconnect ('open' again) the UI should
 * reload its data (exchanges:list), since events sent while disconnected are lost. In Electron
 * the bridge never disconnects: the listener is called once with 'open'.
 */
export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  getApi();
  if (!wsClient) {
    listener('open');
    return () => undefined;
  }
  listener(wsClient.state);
  return wsClient.onStateChange(listener);
}
