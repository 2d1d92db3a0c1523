import type http from 'node:http';
import net from 'node:net';
import type { FailurePhase } from '../../../shared/errors.js';
import type { TunnelInfo } from '../../../shared/model.js';
import { diagnose, failure } from '../analysis/diagnose.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import { failureStatusText, mirrorFor } from './failureMirror.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { resetSocket } from './socketReset.js';
import { toHeaderList } from './hopByHop.js';
import { IdleWatchdog } from './idleWatchdog.js';
import { ConnectTimeoutError, instrumentSocket } from './upstreamAgent.js';
import { closeAfterAnswer } from './socketClose.js';
import { hostPort } from '../../../shared/address.js';

export interface TunnelRequest {
  req: http.IncomingMessage;
  clientSocket: net.Socket;
  host: string;
  port: number;
  reason: TunnelInfo['reason'];
  /** Bytes the client already sent (read while sniffing), written upstream first. */
  initialData?: Buffer;
  /** The 200 was already sent (sniffing happens after it); failures then can only reset. */
  established: boolean;
  /** Register upstream sockets so closing the proxy ends them. */
  track(socket: net.Socket): void;
  /** Where the traffic comes from (shared/source.ts). */
  source?: string | undefined;
}

/**
 * A CONNECT tunnel without interception: bytes are piped both ways untouched (with the
 * sockets' own backpressure) and recorded as one exchange of kind `tunnel` with the bytes each
 * way and the duration.
 */
export function openTunnel(tunnel: TunnelRequest, deps: ForwarderDeps): void {
  const { req, clientSocket, host, port } = tunnel;
  const settings = deps.settings();
  const scheme = tunnel.reason === 'not_tls' ? 'http' : 'https';
  const recorder = new ExchangeRecorder(
    deps.sink,
    {
      kind: 'tunnel',
      method: 'CONNECT',
      url: `${scheme}://${hostPort(host, port)}`,
      httpVersion: `HTTP/${req.httpVersion}`,
      headers: toHeaderList(req.rawHeaders, undefined, deps.strings),
      clientAddress: clientSocket.remoteAddress,
      clientPort: clientSocket.remotePort,
      captureRequestBody: false,
      source: tunnel.source,
    },
    deps.strings,
  );
  const info: TunnelInfo = { reason: tunnel.reason, bytesFromClient: 0, bytesFromServer: 0 };
  recorder.patch((exchange) => {
    exchange.tunnel = info;
  });
  // Nothing the client sends may be lost while the upstream connection is being made.
  clientSocket.pause();
  const upstream = net.connect({ host, port });
  tunnel.track(upstream);
  const conn = instrumentSocket(
    upstream,
    { host, port, tls: false, verify: true },
    settings.connectTimeoutMs,
  );
  recorder.attachConnection(conn, false);
  let connected = false;
  let upstreamReset = false;

  const context = (phase: FailurePhase, extra: { timeoutMs?: number; detail?: string } = {}) => ({
    host,
    port,
    phase,
    elapsedMs: recorder.elapsedMs(),
    ...extra,
  });

  const finish = (): void => {
    if (recorder.settled) return;
    recorder.syncConnection(conn);
    recorder.patch((exchange) => {
      exchange.tunnel = { ...info };
    });
    if (upstreamReset) {
      recorder.fail(failure('connection_reset', context('receive', { detail: 'reset during the tunnel' })));
    } else {
      // Also a tunnel NetLens closed for idleness: it ended normally, nothing failed.
      recorder.complete();
    }
  };

  upstream.on('connect', () => {
    connected = true;
    recorder.syncConnection(conn);
    recorder.markSent();
    recorder.responseHead(200, 'Connection Established', `HTTP/${req.httpVersion}`, []);
    if (!tunnel.established) clientSocket.write(`HTTP/${req.httpVersion} 200 Connection Established\r\n\r\n`);
    if (tunnel.initialData && tunnel.initialData.length > 0) {
      info.bytesFromClient += tunnel.initialData.length;
      upstream.write(tunnel.initialData);
    }
    // A tunnel silent both ways (a client that never speaks after CONNECT, a forgotten
    // connection) would hold two sockets forever: it is closed after tunnelIdleTimeoutMs.
    const idle = new IdleWatchdog(settings.tunnelIdleTimeoutMs, () => {
      upstream.end();
      closeAfterAnswer(clientSocket);
    }).start();
    clientSocket.on('data', (chunk: Buffer) => {
      info.bytesFromClient += chunk.length;
      idle.touch();
    });
    upstream.on('data', (chunk: Buffer) => {
      info.bytesFromServer += chunk.length;
      idle.touch();
    });
    clientSocket.once('close', () => idle.stop());
    upstream.once('close', () => idle.stop());
    clientSocket.pipe(upstream);
    upstream.pipe(clientSocket);
    clientSocket.resume();
  });

  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (connected) {
      // Mirror a reset from the server to the client: the tunnel's own traffic decides what it means.
      if (error.code === 'ECONNRESET') {
        upstreamReset = true;
        resetSocket(clientSocket);
      } else clientSocket.destroy();
      return;
    }
    if (recorder.settled) return;
    const netlensError =
      conn.failure || error instanceof ConnectTimeoutError
        ? failure(
            conn.failure?.errorClass ?? 'connect_timeout',
            context(conn.failure?.phase ?? 'connect', {
              timeoutMs: settings.connectTimeoutMs,
              detail: 'timeout',
            }),
          )
        : diagnose(error, context(conn.phase === 'ready' ? 'connect' : conn.phase));
    recorder.fail(netlensError);
    const action = mirrorFor(netlensError.class, tunnel.established);
    if (action.kind === 'respond') {
      const body = `${netlensError.message}\n`;
      closeAfterAnswer(
        clientSocket,
        `HTTP/${req.httpVersion} ${action.status} ${failureStatusText(action.status)}\r\n` +
          `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `x-netlens-error: ${netlensError.class}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else if (action.kind === 'reset') {
      resetSocket(clientSocket);
    } else {
      clientSocket.destroy();
    }
  });

  clientSocket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET') resetSocket(upstream);
    else upstream.destroy();
  });
  clientSocket.on('close', () => {
    if (!connected) {
      if (!recorder.settled) {
        recorder.fail(failure('client_aborted', context(conn.phase === 'ready' ? 'connect' : conn.phase)));
      }
      upstream.destroy();
      return;
    }
    upstream.end();
    if (upstream.destroyed) finish();
  });
  upstream.on('close', () => {
    if (connected) {
      clientSocket.end();
      if (clientSocket.destroyed) finish();
    }
  });
  const maybeFinish = (): void => {
    if (connected && clientSocket.destroyed && upstream.destroyed) finish();
  };
  clientSocket.on('close', maybeFinish);
  upstream.on('close', maybeFinish);
}
