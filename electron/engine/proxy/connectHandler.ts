import type http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { hostMatches } from '../../../shared/settings.js';
import { failure } from '../analysis/diagnose.js';
import { MAX_SNIFF_BYTES, sniffTunnel, type TunnelSniff } from './clientHello.js';
import { parseAuthority } from './connectTarget.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import { toHeaderList } from './hopByHop.js';
import type { ClientContext } from './clientContext.js';
import { hostPort } from '../../../shared/address.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import type { Http2ClientContext } from './http2ClientConnection.js';
import { certificateRejectionAlert, type PinnedHosts } from './pinnedHosts.js';
import { openTunnel } from './tunnel.js';
import { closeAfterAnswer } from './socketClose.js';

export interface LeafCertificates {
  get(host: string): { secureContext: tls.SecureContext };
}

export interface ConnectDeps extends ForwarderDeps {
  leafCerts: LeafCertificates;
  pinnedHosts: PinnedHosts;
  /** Hands a socket opened inside a tunnel (TLS or plain) to the HTTP server. */
  serveInner(socket: net.Socket, ctx: ClientContext): void;
  /** Hands a socket that speaks HTTP/2 from its first byte (h2c with prior knowledge) to the HTTP/2 server. */
  serveHttp2(socket: net.Socket, ctx: Http2ClientContext): void;
  track(socket: net.Socket): void;
}

const H2_AND_HTTP1 = ['h2', 'http/1.1'];

/** A client hanging up this soon after our certificate, without an alert, is taken to reject it. */
const SILENT_REJECTION_WINDOW_MS = 1000;

/** A client that says nothing this long after the 200 probably waits for the server to speak first. */
const SERVER_FIRST_GRACE_MS = 2000;

/**
 * CONNECT (RFC 9110 §9.3.6). Pass-through and pinned hosts are tunnelled untouched; otherwise
 * NetLens answers 200, looks at the first bytes and: a TLS ClientHello is intercepted with a leaf
 * for its SNI (or the CONNECT host); plain HTTP is parsed as is; anything else is tunnelled.
 */
export function handleConnect(
  req: http.IncomingMessage,
  clientSocket: net.Socket,
  head: Buffer,
  deps: ConnectDeps,
  source?: string,
): void {
  clientSocket.on('error', () => undefined);
  const authority = parseAuthority(req.url);
  if (!authority) {
    rejectConnect(
      req,
      clientSocket,
      deps,
      `CONNECT needs a host:port target, got "${req.url ?? ''}"`,
      source,
    );
    return;
  }
  const { host, port } = authority;
  const settings = deps.settings();
  const track = deps.track;
  if (hostMatches(settings.passThroughHosts, host) || deps.pinnedHosts.has(host)) {
    openTunnel(
      {
        req,
        clientSocket,
        host,
        port,
        reason: deps.pinnedHosts.has(host) ? 'client_rejected_certificate' : 'pass_through_host',
        initialData: head,
        established: false,
        track,
        source,
      },
      deps,
    );
    return;
  }
  clientSocket.write(`HTTP/${req.httpVersion} 200 Connection Established\r\n\r\n`);
  let buffered = head;
  let decided = false;
  const timeoutMs = Math.min(SERVER_FIRST_GRACE_MS, settings.clientHeadersTimeoutMs);
  const decide = (sniff: TunnelSniff): void => {
    if (decided) return;
    decided = true;
    clearTimeout(timer);
    clientSocket.off('data', onData);
    clientSocket.off('close', onClose);
    clientSocket.pause();
    if (sniff.kind === 'tls') {
      clientSocket.unshift(buffered);
      intercept(req, clientSocket, host, port, sniff.serverName, deps, source);
    } else if (sniff.kind === 'h2c') {
      clientSocket.unshift(buffered);
      deps.serveHttp2(clientSocket, {
        rawSocket: clientSocket,
        tunnel: { scheme: 'http', host, port },
        cleartext: true,
        ...(source !== undefined ? { source } : {}),
      });
    } else if (sniff.kind === 'http') {
      clientSocket.unshift(buffered);
      deps.serveInner(clientSocket, {
        rawSocket: clientSocket,
        tunnel: { scheme: 'http', host, port },
        source,
      });
      clientSocket.resume();
    } else {
      openTunnel(
        {
          req,
          clientSocket,
          host,
          port,
          reason: 'not_tls',
          initialData: buffered,
          established: true,
          track,
          source,
        },
        deps,
      );
    }
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const sniff = sniffTunnel(buffered);
    if (sniff.kind !== 'need_more') decide(sniff);
    else if (buffered.length >= MAX_SNIFF_BYTES) decide({ kind: 'other' });
  };
  const onClose = (): void => {
    decided = true;
    clearTimeout(timer);
  };
  const timer = setTimeout(() => decide({ kind: 'other' }), timeoutMs);
  timer.unref();
  if (buffered.length > 0) {
    const sniff = sniffTunnel(buffered);
    if (sniff.kind !== 'need_more') {
      decide(sniff);
      return;
    }
  }
  clientSocket.on('data', onData);
  clientSocket.on('close', onClose);
}

function intercept(
  req: http.IncomingMessage,
  clientSocket: net.Socket,
  connectHost: string,
  port: number,
  serverName: string | undefined,
  deps: ConnectDeps,
  source: string | undefined,
): void {
  const settings = deps.settings();
  const certHost = serverName ?? connectHost;
  let secureContext: tls.SecureContext;
  try {
    secureContext = deps.leafCerts.get(certHost).secureContext;
  } catch (error) {
    // Not a name a certificate can carry: tunnel it rather than break the client.
    void error;
    openTunnel(
      {
        req,
        clientSocket,
        host: connectHost,
        port,
        reason: 'not_tls',
        established: true,
        track: deps.track,
        source,
      },
      deps,
    );
    return;
  }
  const startedMs = performance.now();
  const tlsSocket = new tls.TLSSocket(clientSocket, {
    isServer: true,
    secureContext,
    // RFC 7301: the client's choice decides which server reads the connection (see serveInner).
    ALPNProtocols: H2_AND_HTTP1,
  });
  let secure = false;
  const handshakeTimer = setTimeout(() => tlsSocket.destroy(), Math.max(1, settings.clientHeadersTimeoutMs));
  handshakeTimer.unref();
  tlsSocket.once('secure', () => {
    secure = true;
    clearTimeout(handshakeTimer);
    deps.pinnedHosts.accepted(connectHost);
    const clientTls: ClientContext['clientTls'] = { servername: certHost };
    const protocol = tlsSocket.getProtocol();
    if (protocol) clientTls.protocol = protocol;
    const cipher = tlsSocket.getCipher()?.name;
    if (cipher) clientTls.cipher = cipher;
    if (typeof tlsSocket.alpnProtocol === 'string' && tlsSocket.alpnProtocol)
      clientTls.alpn = tlsSocket.alpnProtocol;
    deps.serveInner(tlsSocket, {
      rawSocket: clientSocket,
      tunnel: { scheme: 'https', host: connectHost, port },
      clientTls,
      source,
    });
  });
  // The CONNECT socket allows half-open (http.Server does): a client that sends FIN during the
  // handshake would otherwise leave it open until the handshake timer.
  tlsSocket.once('end', () => {
    if (!secure) tlsSocket.destroy();
  });
  let handshakeError: (Error & { code?: string }) | undefined;
  tlsSocket.on('error', (error: Error & { code?: string }) => {
    if (!secure) handshakeError ??= error;
  });
  tlsSocket.once('close', () => {
    clearTimeout(handshakeTimer);
    clientSocket.destroy();
    if (secure) return;
    // A client that refuses our certificate says so with an alert (RFC 8446 §6.2): remember the
    // host and tunnel it next time. A hang-up without an alert is ambiguous (see PinnedHosts.hungUp).
    const elapsedMs = Math.round(performance.now() - startedMs);
    const alert = handshakeError ? certificateRejectionAlert(handshakeError) : undefined;
    // A silent hang-up counts only when it follows our certificate closely: a client that
    // merely gives up on a slow or unused connection must not lose interception for the host.
    const hangUp =
      !handshakeError && elapsedMs <= SILENT_REJECTION_WINDOW_MS ? 'closed after ServerHello' : undefined;
    let pinned = false;
    if (alert) {
      deps.pinnedHosts.add(connectHost, alert);
      pinned = true;
    } else if (hangUp) {
      pinned = deps.pinnedHosts.hungUp(connectHost, hangUp);
    }
    const recorder = new ExchangeRecorder(
      deps.sink,
      {
        kind: 'http',
        method: 'CONNECT',
        url: `https://${hostPort(connectHost, port)}`,
        httpVersion: `HTTP/${req.httpVersion}`,
        headers: toHeaderList(req.rawHeaders, undefined, deps.strings),
        clientAddress: clientSocket.remoteAddress,
        clientPort: clientSocket.remotePort,
        captureRequestBody: false,
        source,
      },
      deps.strings,
    );
    const untilThen = `Trust the NetLens CA in that client, or add ${connectHost} to the pass-through hosts; until then ${connectHost} is tunnelled without interception.`;
    const detail = alert
      ? `The client rejected the NetLens certificate for ${certHost} (${alert}). ${untilThen}`
      : pinned
        ? `The client hung up again right after the NetLens certificate for ${certHost}, without an alert: it does not trust it. ${untilThen}`
        : hangUp
          ? `The client hung up ${elapsedMs} ms into the TLS handshake for ${certHost}, without an alert: it dropped an ` +
            `unneeded connection, or rejected the NetLens certificate. If it happens again before a handshake with ${connectHost} completes, ${connectHost} is tunnelled without interception.`
          : `TLS handshake with the client failed: ${handshakeError?.message ?? 'connection closed'}`;
    const error = failure('tls_handshake_failed', {
      host: connectHost,
      port,
      phase: 'request',
      elapsedMs,
      detail: alert ?? hangUp ?? handshakeError?.code ?? 'client handshake failed',
    });
    recorder.fail({ ...error, message: detail });
  });
  // No resume here: the TLS socket reads the ClientHello we unshifted on its own first tick.
}

function rejectConnect(
  req: http.IncomingMessage,
  clientSocket: net.Socket,
  deps: ConnectDeps,
  reason: string,
  source: string | undefined,
): void {
  const recorder = new ExchangeRecorder(
    deps.sink,
    {
      kind: 'tunnel',
      method: 'CONNECT',
      url: `https://${req.url ?? ''}`,
      httpVersion: `HTTP/${req.httpVersion}`,
      headers: toHeaderList(req.rawHeaders),
      clientAddress: clientSocket.remoteAddress,
      clientPort: clientSocket.remotePort,
      captureRequestBody: false,
      source,
    },
    deps.strings,
  );
  const error = failure('protocol_error', {
    host: req.url ?? '',
    port: 0,
    phase: 'request',
    elapsedMs: recorder.elapsedMs(),
    detail: reason,
  });
  recorder.fail({ ...error, message: `Bad CONNECT request: ${reason}.` });
  const body = `${reason}\n`;
  closeAfterAnswer(
    clientSocket,
    `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-netlens-error: protocol_error\r\nConnection: close\r\n\r\n${body}`,
  );
}
