import type http from 'node:http';
import type https from 'node:https';
import type tls from 'node:tls';
import { hostMatches } from '../../../shared/settings.js';
import type { ExchangeKind } from '../../../shared/model.js';
import type { ClientContext } from './clientContext.js';
import type { RecorderInit } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { setRawHeader, stripHopByHop, toHeaderList } from './hopByHop.js';
import type { UpstreamTarget } from './upstreamTarget.js';

/** NetLens speaks HTTP/1.1 upstream; one list for every request (Node only reads it). */
const UPSTREAM_ALPN: readonly string[] = Object.freeze(['http/1.1']);

/**
 * What the recorder of a request arriving from a client starts with (HTTP and WebSocket alike):
 * the head that goes upstream, and the client's own when it differs.
 */
export function recorderInit(
  kind: ExchangeKind,
  req: http.IncomingMessage,
  upstreamRawHeaders: readonly string[],
  target: UpstreamTarget,
  ctx: ClientContext,
  captureRequestBody: boolean,
  deps: ForwarderDeps,
): RecorderInit {
  let clientRaw: readonly string[] = req.rawHeaders;
  const rewritten = ctx.rewrittenHead;
  if (rewritten !== undefined) {
    ctx.rewrittenHead = undefined;
    if (sameHead(rewritten.parsed, clientRaw)) clientRaw = rewritten.client;
  }
  const same = sameHead(clientRaw, upstreamRawHeaders);
  return {
    kind,
    method: req.method ?? 'GET',
    url: target.href,
    httpVersion: deps.strings.httpVersionLabel(req.httpVersion),
    headers: toHeaderList(upstreamRawHeaders, (ctx.upstreamHead ??= {}), deps.strings),
    clientHeaders: same ? undefined : toHeaderList(clientRaw, ctx, deps.strings),
    clientAddress: ctx.rawSocket.remoteAddress,
    clientPort: ctx.rawSocket.remotePort,
    clientTls: ctx.clientTls,
    source: ctx.source,
    captureRequestBody,
  };
}

/** Request options for the upstream hop: pooled, timed, head order and case kept. */
export function upstreamRequestOptions(
  req: http.IncomingMessage,
  target: UpstreamTarget,
  rawHeaders: string[],
  deps: ForwarderDeps,
  agent: http.Agent | false,
): https.RequestOptions {
  return upstreamHttpOptions(req.method ?? 'GET', target, rawHeaders, deps, agent);
}

/** The same, for a request known by its method (an HTTP/2 stream's `:method`). */
export function upstreamHttpOptions(
  method: string,
  target: UpstreamTarget,
  rawHeaders: string[],
  deps: ForwarderDeps,
  agent: http.Agent | false | undefined,
): https.RequestOptions {
  const settings = deps.settings();
  const options: https.RequestOptions = {
    protocol: target.tls ? 'https:' : 'http:',
    host: target.host,
    port: target.port,
    method,
    path: target.path,
    headers: rawHeaders as unknown as http.OutgoingHttpHeaders,
    setHost: false,
    agent,
    insecureHTTPParser: false,
    maxHeaderSize: Math.max(settings.maxHeaderBytes, 16 * 1024),
  };
  if (target.tls) {
    options.rejectUnauthorized = !hostMatches(settings.insecureHosts, target.host);
    if (deps.upstreamSecureContext) {
      (options as https.RequestOptions & { secureContext?: tls.SecureContext }).secureContext =
        deps.upstreamSecureContext;
    }
    if (!deps.ipLiterals.has(target.host)) options.servername = target.host;
    (options as https.RequestOptions & { ALPNProtocols?: readonly string[] }).ALPNProtocols = UPSTREAM_ALPN;
  }
  return options;
}

/**
 * The head forwarded upstream, exactly: hop-by-hop fields out, Host from the absolute URL,
 * framing kept, this hop's own Connection field.
 */
export function upstreamHeaders(
  req: http.IncomingMessage,
  target: UpstreamTarget,
  inTunnel: boolean,
): string[] {
  let headers = stripHopByHop(req.rawHeaders);
  // RFC 9112 §3.2.2: a proxy receiving absolute-form replaces Host with the target's authority.
  if (!inTunnel) headers = setRawHeader(headers, 'Host', target.authority);
  // The body is re-framed on this hop; keep it chunked so the server sees a body of unknown length.
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) {
    headers.push('Transfer-Encoding', 'chunked');
  }
  // Node's client would append this itself (the pool keeps connections open): written here, in
  // the same place, so that the head NetLens records is byte for byte the head the server gets.
  headers.push('Connection', 'keep-alive');
  return headers;
}

function sameHead(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function hasRequestBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return length !== undefined && length !== '0';
}
