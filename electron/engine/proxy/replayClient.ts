import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { OutgoingReplay } from '../capture/replayRequest.js';
import { ReplayError } from '../capture/replayRequest.js';

export interface ReplayClientOptions {
  /** The replay source listener: everything sent there is recorded with source `replay`. */
  listener: { host: string; port: number };
  /** The NetLens CA: the client side of an intercepted HTTPS replay trusts it and nothing else. */
  caCertPem: string;
  /**
   * Called once the connection to the listener is open and before a byte is sent: the caller
   * links that client port to the original and gets back when the proxy recorded the exchange.
   */
  announce(clientPort: number): { recorded: Promise<string>; cancel(): void };
}

/**
 * Sends a replay through NetLens's own proxy, as any client would (absolute-form for http,
 * CONNECT then TLS for https), so rules, timings, diagnosis and the store treat it like any other
 * exchange. Resolves with the recorded exchange's id as soon as the proxy records it; the
 * response is then read to its end in the background and the connection closed.
 */
export async function sendReplay(replay: OutgoingReplay, options: ReplayClientOptions): Promise<string> {
  const raw = net.connect({ host: options.listener.host, port: options.listener.port });
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', (error) =>
      reject(new ReplayError('replay_failed', `Could not reach NetLens's replay port: ${error.message}.`)),
    );
  });
  const link = options.announce(raw.localPort!);
  let recordedId: string | undefined;
  void link.recorded.then((id) => (recordedId = id));

  const failed = new Promise<never>((_, reject) => {
    raw.once('close', () => {
      if (recordedId !== undefined) return;
      // Nothing was recorded on this connection: forget the port (an unrelated client may get it).
      link.cancel();
      reject(new ReplayError('replay_failed', 'The connection closed before NetLens recorded the replay.'));
    });
    const fail = (error: Error): void => {
      // The proxy records before it answers: an error after that is the exchange's own outcome.
      if (recordedId === undefined) reject(error);
      raw.destroy();
    };
    const target = replay.url;
    const port = target.port === '' ? (target.protocol === 'https:' ? 443 : 80) : Number(target.port);
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    const send = (socket: net.Socket, path: string): void => {
      const request = http.request({
        createConnection: () => socket,
        method: replay.method,
        path,
        headers: replay.rawHeaders,
        setHost: false,
      });
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => raw.destroy());
        response.on('error', () => raw.destroy());
      });
      request.on('error', (error) =>
        fail(
          new ReplayError('replay_failed', `The replay failed before NetLens recorded it: ${error.message}.`),
        ),
      );
      request.end(replay.body);
    };
    if (target.protocol === 'http:') {
      // RFC 9112 §3.2.2: a request to a proxy carries the absolute URI.
      send(raw, target.href);
      return;
    }
    const authority = `${target.hostname}:${port}`;
    const connect = http.request({
      createConnection: () => raw,
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority },
      setHost: false,
    });
    connect.on('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        fail(
          new ReplayError(
            'replay_failed',
            `NetLens's proxy refused the tunnel to ${authority}: ${response.statusCode}.`,
          ),
        );
        return;
      }
      const secure = tls.connect({
        socket,
        ca: options.caCertPem,
        ...(net.isIP(hostname) === 0 ? { servername: hostname } : {}),
        // The proxy checks the name against its own leaf; this side only needs to trust NetLens.
        checkServerIdentity: () => undefined,
        ALPNProtocols: ['http/1.1'],
      });
      secure.once('secureConnect', () => send(secure, `${target.pathname}${target.search}`));
      secure.once('error', (error) =>
        fail(
          new ReplayError(
            'replay_failed',
            `TLS to NetLens for ${authority} failed (${error.message}). Is ${target.hostname} passed through without interception?`,
          ),
        ),
      );
    });
    connect.on('error', (error) =>
      fail(new ReplayError('replay_failed', `The tunnel for the replay failed: ${error.message}.`)),
    );
    connect.end();
  });
  return Promise.race([link.recorded, failed]);
}
