import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { WebSocketInfo } from '../../../shared/model.js';
import type { ClientContext } from './clientContext.js';
import { ExchangeLifecycle } from './exchangeLifecycle.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { removeRawHeader, serializeHead, setRawHeader, stripHopByHop } from './hopByHop.js';
import { newIdleWatchdog } from './idleWatchdog.js';
import type { CommandExecutor, LifecycleCommand, LifecycleEvent } from './lifecycleMessages.js';
import { flushedOnHandOver } from './socketFlush.js';
import { resetSocket } from './socketReset.js';
import { connectionOf, type UpstreamConnection } from './upstreamAgent.js';
import { recorderInit, upstreamRequestOptions } from './upstreamRequest.js';
import type { UpstreamTarget } from './upstreamTarget.js';
import { WsFrameCounter } from './wsFrameCounter.js';
import { WsFrameFeed } from './wsFrameFeed.js';
import { WsFrameLog } from './wsFrameLog.js';
import { closeAfterAnswer } from './socketClose.js';

const UPGRADE_FIELDS = new Set(['connection', 'upgrade']);

const START: LifecycleEvent = { type: 'start' };
const READY: LifecycleEvent = { type: 'upstreamReady' };
const SETUP_CONNECT: LifecycleEvent = { type: 'setupProgress', phase: 'connect' };
const SETUP_TLS: LifecycleEvent = { type: 'setupProgress', phase: 'tls' };
const REQUEST_SENT: LifecycleEvent = { type: 'requestSent' };
const CLIENT_BLOCKED: LifecycleEvent = { type: 'clientBlocked' };
const CLIENT_DRAINED: LifecycleEvent = { type: 'clientDrained' };
const CLIENT_CLOSED: LifecycleEvent = { type: 'clientClosed' };
const UPGRADE_CLOSED: LifecycleEvent = { type: 'upgradeClosed' };

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
  new WebSocketExchange(req, clientSocket, head, target, ctx, deps).lifecycle.handle(START);
}

/**
 * The WebSocket socket adapter: the handshake goes through the same lifecycle as any request
 * (the client's side is a raw socket here, so heads are written by hand); an accepted upgrade is
 * piped, a declined one relayed as a plain response delimited by closing the connection.
 */
class WebSocketExchange implements CommandExecutor {
  readonly lifecycle: ExchangeLifecycle;
  private readonly recorder: ExchangeRecorder;
  private upstream: http.ClientRequest | undefined;
  private upstreamResponse: http.IncomingMessage | undefined;
  private upstreamSocket: net.Socket | undefined;
  private upstreamHead: Buffer | undefined;
  /** The handshake's head as it goes upstream. */
  private readonly rawHeaders: string[];

  constructor(
    private readonly req: http.IncomingMessage,
    private readonly clientSocket: net.Socket,
    private readonly head: Buffer,
    private readonly target: UpstreamTarget,
    private readonly ctx: ClientContext,
    private readonly deps: ForwarderDeps,
  ) {
    clientSocket.on('error', () => undefined);
    let headers = stripHopByHop(req.rawHeaders, { keep: UPGRADE_FIELDS });
    if (!ctx.tunnel) headers = setRawHeader(headers, 'Host', target.authority);
    this.rawHeaders = headers;
    this.recorder = new ExchangeRecorder(
      deps.sink,
      recorderInit('websocket', req, headers, target, ctx, false, deps),
      deps.strings,
    );
    this.lifecycle = new ExchangeLifecycle(
      {
        recorder: this.recorder,
        target,
        withBody: false,
        expectsContinue: false,
        timeouts: deps.settings(),
        watchdog: newIdleWatchdog,
        strings: deps.strings,
      },
      this,
    );
    clientSocket.on('close', () => this.lifecycle.handle(CLIENT_CLOSED));
    clientSocket.on('drain', () => this.lifecycle.handle(CLIENT_DRAINED));
  }

  execute(command: LifecycleCommand): void {
    switch (command.type) {
      case 'openUpstream':
        this.openUpstream();
        return;
      case 'sendResponseHead': {
        // The server declined the upgrade: its answer is relayed as a plain response, its body
        // as it is decoded, delimited by closing the connection (RFC 9112 §6.3).
        const relayed = removeRawHeader(command.rawHeaders, 'content-length').concat(['Connection', 'close']);
        this.clientSocket.write(serializeHead(`HTTP/1.1 ${command.status} ${command.statusText}`, relayed));
        return;
      }
      case 'forwardResponseChunk':
        if (!this.clientSocket.write(command.chunk)) this.lifecycle.handle(CLIENT_BLOCKED);
        return;
      case 'pauseResponseBody':
        this.upstreamResponse?.pause();
        return;
      case 'resumeResponseBody':
        this.upstreamResponse?.resume();
        return;
      case 'endResponse':
        closeAfterAnswer(this.clientSocket);
        return;
      case 'acceptUpgrade':
        this.pipe(command.status, command.statusText, command.rawHeaders);
        return;
      case 'abortUpstream':
        this.upstreamResponse?.destroy();
        this.upstream?.destroy();
        this.upstreamSocket?.destroy();
        return;
      case 'mirrorFailure': {
        const { answer, error } = command;
        if (answer.kind === 'respond') {
          const body = `${error.message}\n`;
          closeAfterAnswer(
            this.clientSocket,
            serializeHead(`HTTP/1.1 ${answer.status} ${answer.statusText}`, [
              'Content-Type',
              'text/plain; charset=utf-8',
              'Content-Length',
              String(Buffer.byteLength(body)),
              'x-netlens-error',
              error.class,
              'Connection',
              'close',
            ]) + body,
          );
        } else if (answer.kind === 'reset') {
          resetSocket(this.ctx.rawSocket);
        } else {
          this.clientSocket.destroy();
        }
        return;
      }
      case 'closeClient':
        this.clientSocket.destroy();
        return;
      case 'readRequestBody':
      case 'pauseRequestBody':
      case 'forwardRequestChunk':
      case 'endUpstreamRequest':
      case 'sendContinue':
        // A handshake has no body and asks for no 100.
        return;
    }
  }

  private openUpstream(): void {
    const { req, target, deps, lifecycle } = this;
    const agent = target.tls ? deps.agents.https : deps.agents.http;
    const options = upstreamRequestOptions(req, target, this.rawHeaders, deps, agent);
    const request = target.tls ? https.request(options) : http.request(options);
    this.upstream = request;
    request.on('socket', (socket: net.Socket) => {
      const conn = connectionOf(socket);
      const reused = request.reusedSocket;
      lifecycle.handle({ type: 'upstreamSocket', connection: conn, reused });
      if (conn && !reused && conn.phase !== 'ready') this.watchSetup(socket, conn);
    });
    request.on('prefinish', () => {
      if (flushedOnHandOver(request.socket)) lifecycle.handle(REQUEST_SENT);
    });
    request.on('finish', () => lifecycle.handle(REQUEST_SENT));
    request.on('error', (error) => lifecycle.handle({ type: 'upstreamError', error }));
    request.on('response', (response: http.IncomingMessage) => {
      this.upstreamResponse = response;
      response.on('data', (chunk: Buffer) => lifecycle.handle({ type: 'responseChunk', chunk }));
      response.on('end', () => {
        if (response.complete) lifecycle.handle({ type: 'responseEnd', rawTrailers: response.rawTrailers });
      });
      const broken = (): void => {
        if (lifecycle.settled || response.complete) return;
        setImmediate(() => {
          const conn = connectionOf(response.socket);
          lifecycle.handle({
            type: 'responseBroken',
            sawReset: conn?.sawReset ?? false,
            sawEnd: conn?.sawEnd ?? false,
          });
        });
      };
      response.on('error', broken);
      response.on('close', broken);
      lifecycle.handle({
        type: 'responseHead',
        status: response.statusCode ?? 502,
        statusText: response.statusMessage ?? '',
        httpVersion: response.httpVersion,
        rawHeaders: response.rawHeaders,
      });
    });
    request.on(
      'upgrade',
      (response: http.IncomingMessage, upstreamSocket: net.Socket, upstreamHead: Buffer) => {
        this.upstreamSocket = upstreamSocket;
        this.upstreamHead = upstreamHead;
        lifecycle.handle({
          type: 'upgraded',
          status: response.statusCode ?? 101,
          statusText: response.statusMessage ?? 'Switching Protocols',
          httpVersion: response.httpVersion,
          rawHeaders: response.rawHeaders,
        });
        // Declined by the lifecycle (it had already failed): the socket is nobody's.
        if (lifecycle.state !== 'upgraded') upstreamSocket.destroy();
      },
    );
    request.end();
  }

  private watchSetup(socket: net.Socket, conn: UpstreamConnection): void {
    socket.once('lookup', (error: Error | null) => {
      if (!error && conn.phase === 'connect') this.lifecycle.handle(SETUP_CONNECT);
    });
    if (this.target.tls) socket.once('connect', () => this.lifecycle.handle(SETUP_TLS));
    socket.once(this.target.tls ? 'secureConnect' : 'connect', () => this.lifecycle.handle(READY));
  }

  /** After the 101: the bytes go both ways untouched, frame headers counted on the way. */
  private pipe(status: number, statusText: string, rawHeaders: string[]): void {
    const { clientSocket, recorder, lifecycle, head } = this;
    const upstreamSocket = this.upstreamSocket!;
    const upstreamHead = this.upstreamHead ?? Buffer.alloc(0);
    const info: WebSocketInfo = {
      messagesFromClient: 0,
      messagesFromServer: 0,
      bytesFromClient: 0,
      bytesFromServer: 0,
    };
    const log = new WsFrameLog();
    const fromClient = new WsFrameCounter(log, 'send');
    const fromServer = new WsFrameCounter(log, 'receive');
    const feed = new WsFrameFeed(log, (startIndex, frames, notRecorded) =>
      recorder.webSocketFrames(startIndex, frames, notRecorded),
    );
    recorder.patch((exchange) => {
      exchange.websocket = info;
    });
    recorder.progressed();
    // Counted so far and the close time, copied in before the lifecycle records the end.
    const closing = (): void => {
      feed.stop();
      info.messagesFromClient = fromClient.messages;
      info.messagesFromServer = fromServer.messages;
      info.bytesFromClient = fromClient.bytes;
      info.bytesFromServer = fromServer.bytes;
      recorder.patch((exchange) => {
        exchange.websocket = {
          ...info,
          closedAtMs: Date.now(),
          frames: log.frames.slice(),
          ...(log.notRecorded > 0 ? { framesNotRecorded: log.notRecorded } : {}),
        };
      });
    };
    clientSocket.write(serializeHead(`HTTP/1.1 ${status} ${statusText}`, rawHeaders));
    if (upstreamHead.length > 0) {
      fromServer.push(upstreamHead);
      clientSocket.write(upstreamHead);
    }
    if (head.length > 0) {
      fromClient.push(head);
      upstreamSocket.write(head);
    }
    feed.poke();
    clientSocket.on('data', (chunk: Buffer) => {
      fromClient.push(chunk);
      feed.poke();
    });
    upstreamSocket.on('data', (chunk: Buffer) => {
      fromServer.push(chunk);
      feed.poke();
    });
    clientSocket.pipe(upstreamSocket);
    upstreamSocket.pipe(clientSocket);
    upstreamSocket.on('error', (error: Error) => {
      if (!lifecycle.settled) closing();
      lifecycle.handle({ type: 'upstreamError', error });
    });
    clientSocket.on('error', () => upstreamSocket.destroy());
    clientSocket.on('close', () => upstreamSocket.end());
    upstreamSocket.on('close', () => clientSocket.end());
    const done = (): void => {
      if (!clientSocket.destroyed || !upstreamSocket.destroyed || lifecycle.settled) return;
      closing();
      lifecycle.handle(UPGRADE_CLOSED);
    };
    clientSocket.on('close', done);
    upstreamSocket.on('close', done);
  }
}
