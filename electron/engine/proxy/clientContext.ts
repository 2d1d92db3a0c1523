import type net from 'node:net';
import type { TlsInfo } from '../../../shared/model.js';
import type { ExchangeLifecycle } from './exchangeLifecycle.js';
import type { LastHead } from './hopByHop.js';

/** Everything about the client connection a request arrived on, kept for its next requests. */
export interface ClientContext {
  /** The client's TCP socket (under TLS for intercepted HTTPS): resets are mirrored on it. */
  rawSocket: net.Socket;
  /** Set inside a CONNECT tunnel: origin-form requests go to this origin. */
  tunnel?: { scheme: 'http' | 'https'; host: string; port: number; origin?: string; authority?: string };
  clientTls?: TlsInfo;
  /** The last request head recorded on this connection, as it came (see toHeaderList)... */
  lastHead?: LastHead;
  /** ...and as it went upstream. */
  upstreamHead?: { lastHead?: LastHead };
  /**
   * The client's own head of a request NetLens parses again in another form (an upgrade taken
   * out, see unsupportedUpgrade.ts): `parsed` is the head the server will read next.
   */
  rewrittenHead?: { client: readonly string[]; parsed: readonly string[] };
  /** The exchange whose request is being read on this connection: its parser errors are its own. */
  inFlight?: ExchangeLifecycle;
  /** Where the traffic comes from (shared/source.ts): the source listener's label, or the credentials' user name. */
  source?: string;
  /** Arrived on a source listener (loopback only): admitted without proxy authentication. */
  viaSourceListener?: boolean;
}
