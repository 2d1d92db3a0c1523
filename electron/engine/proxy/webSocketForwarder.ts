import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { FailurePhase } from '../../../shared/errors.js';
import type { WebSocketInfo } from '../../../shared/model.js';
import { diagnose, failure } from '../analysis/diagnose.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import { failureStatusText, mirrorFor } from './failureMirror.js';
import { removeRawHeader, serializeHead, setRawHeader, stripHopByHop, toHeaderList } from './hopByHop.js';
import {
  recorderInit,
  resetSocket,
  upstreamRequestOptions,
  type ClientContext,
  type ForwarderDeps,
  type UpstreamTarget,
} from './httpForwarder.js';
import { IdleWatchdog } from './idleWatchdog.js';
import { connectionOf, type UpstreamConnection } from './upstreamAgent.js';
import { WsFrameCounter } from './wsFrameCounter.js';

const UPGRADE_FIELDS = new Set(['connection', 'upgrade']);

/**
 * An HTTP/1.1 Upgrade (WebSocket, RFC 6455 §4): the handshake is forwarded and recorded like any
 * exchange (kind `websocket`, status 101); after it the bytes are piped untouched both ways while
 * frame headers are counted.
 */
export function forwardUpgrade(
  req: http.IncomingMessage,
  clientSocket: net.Socket,
  head: Buffer,
  target: UpstreamTarget,
  ctx: ClientContext,
  deps: ForwarderDeps,
): void {
  const settings = deps.settings();
  clientSocket.on('error', () => undefined);
  const recorder = new ExchangeRecorder(deps.sink, recorderInit('websocket', req, target, ctx, false));
  let headers = stripHopByHop(req.rawHeaders, { keep: UPGRADE_FIELDS });
  if (!ctx.tunnel) headers = setRawHeader(headers, 'Host', target.authority);
  // An upgraded connection never returns to a pool: a fresh, non-pooled one each time.
  const agent = target.tls ? deps.agents.https : deps.agents.http;
  const options = upstreamRequestOptions(req, target, headers, deps, agent);
  const request = target.tls ? https.request(options) : http.request(options);
  let conn: UpstreamConnection | undefined;
  let sent = false;
  const context = (phase: FailurePhase, extra: { timeoutMs?: number; detail?: string } = {}) => ({
    host: target.host,
    port: target.port,
    phase,
    elapsedMs: recorder.elapsedMs(),
    ...extra,
  });
  const watchdog = new IdleWatchdog(settings.responseTimeoutMs, () => {
    const error = failure('response_timeout', context('wait', { timeoutMs: settings.responseTimeoutMs }));
    request.destroy();
    answerFailure(error.class, error.message);
    recorder.fail(error);
  });

  const answerFailure = (errorClass: Parameters<typeof mirrorFor>[0], message: string): void => {
    const action = mirrorFor(errorClass, false);
    if (action.kind === 'respond') {
      const body = `${message}\n`;
      clientSocket.end(
        serializeHead(`HTTP/1.1 ${action.status} ${failureStatusText(action.status)}`, [
          'Content-Type',
          'text/plain; charset=utf-8',
          'Content-Length',
          String(Buffer.byteLength(body)),
          'x-netlens-error',
          errorClass,
          'Connection',
          'close',
        ]) + body,
      );
    } else {
      resetSocket(ctx.rawSocket);
    }
  };

  request.on('socket', (socket: net.Socket) => {
    conn = connectionOf(socket);
    recorder.attachConnection(conn, request.reusedSocket);
    watchdog.start();
  });
  request.on('finish', () => {
    sent = true;
    recorder.markSent();
  });
  request.on('error', (error) => {
    watchdog.stop();
    if (recorder.settled) return;
    if (conn) recorder.syncConnection(conn);
    const phase: FailurePhase = conn && conn.phase !== 'ready' ? conn.phase : sent ? 'wait' : 'send';
    const netlensError = conn?.failure
      ? failure(
          conn.failure.errorClass,
          context(conn.failure.phase, { timeoutMs: conn.failure.timeoutMs, detail: 'timeout' }),
        )
      : diagnose(error, context(phase));
    recorder.fail(netlensError);
    answerFailure(netlensError.class, netlensError.message);
  });
  request.on('response', (response) => {
    // The server declined the upgrade: relay its answer as a plain response and close.
    watchdog.stop();
    if (conn) recorder.syncConnection(conn);
    recorder.responseHead(
      response.statusCode ?? 502,
      response.statusMessage ?? '',
      `HTTP/${response.httpVersion}`,
      toHeaderList(response.rawHeaders),
    );
    // The body is relayed as it is decoded, delimited by closing the connection (RFC 9112 §6.3).
    const relayed = removeRawHeader(stripHopByHop(response.rawHeaders), 'content-length').concat([
      'Connection',
      'close',
    ]);
    clientSocket.write(
      serializeHead(`HTTP/1.1 ${response.statusCode ?? 502} ${response.statusMessage ?? ''}`, relayed),
    );
    response.on('data', (chunk: Buffer) => {
      recorder.tapResponse(chunk);
      clientSocket.write(chunk);
    });
    response.on('end', () => {
      recorder.complete();
      clientSocket.end();
    });
    response.on('error', () => {
      recorder.fail(failure('connection_reset', context('receive')));
      clientSocket.destroy();
    });
  });
  request.on('upgrade', (response, upstreamSocket: net.Socket, upstreamHead: Buffer) => {
    watchdog.stop();
    if (conn) recorder.syncConnection(conn);
    recorder.responseHead(
      response.statusCode ?? 101,
      response.statusMessage ?? 'Switching Protocols',
      `HTTP/${response.httpVersion}`,
      toHeaderList(response.rawHeaders),
    );
    const info: WebSocketInfo = {
      messagesFromClient: 0,
      messagesFromServer: 0,
      bytesFromClient: 0,
      bytesFromServer: 0,
    };
    const fromClient = new WsFrameCounter();
    const fromServer = new WsFrameCounter();
    const sync = (): void => {
      info.messagesFromClient = fromClient.messages;
      info.messagesFromServer = fromServer.messages;
      info.bytesFromClient = fromClient.bytes;
      info.bytesFromServer = fromServer.bytes;
    };
    recorder.patch((exchange) => {
      exchange.websocket = info;
    });
    recorder.progressed();
    clientSocket.write(
      serializeHead(
        `HTTP/1.1 ${response.statusCode ?? 101} ${response.statusMessage ?? 'Switching Protocols'}`,
        response.rawHeaders,
      ),
    );
    if (upstreamHead.length > 0) {
      fromServer.push(upstreamHead);
      clientSocket.write(upstreamHead);
    }
    if (head.length > 0) {
      fromClient.push(head);
      upstreamSocket.write(head);
    }
    clientSocket.on('data', (chunk: Buffer) => fromClient.push(chunk));
    upstreamSocket.on('data', (chunk: Buffer) => fromServer.push(chunk));
    clientSocket.pipe(upstreamSocket);
    upstreamSocket.pipe(clientSocket);
    let upstreamReset = false;
    upstreamSocket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') {
        upstreamReset = true;
        resetSocket(ctx.rawSocket);
      } else clientSocket.destroy();
    });
    clientSocket.on('error', () => upstreamSocket.destroy());
    clientSocket.on('close', () => upstreamSocket.end());
    upstreamSocket.on('close', () => clientSocket.end());
    const done = (): void => {
      if (!clientSocket.destroyed || !upstreamSocket.destroyed || recorder.settled) return;
      sync();
      recorder.patch((exchange) => {
        exchange.websocket = { ...info, closedAtMs: Date.now() };
      });
      if (upstreamReset)
        recorder.fail(failure('connection_reset', context('receive', { detail: 'reset after the upgrade' })));
      else recorder.complete();
    };
    clientSocket.on('close', done);
    upstreamSocket.on('close', done);
  });
  request.end();
}
