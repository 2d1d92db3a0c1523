/**
 * The e2e tests' own origin servers on 127.0.0.1 and the requests they send to them through the
 * NetLens proxy, as an HTTP client configured with a proxy does (absolute-form target,
 * RFC 9112 §3.2.2).
 */
import type http from 'node:http';
import { request } from 'node:http';
import net from 'node:net';

/** Listens on 127.0.0.1, port 0; resolves with the port the OS chose. */
export function listenOnLoopback(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/** Closes a server that may never have been created (a failed beforeAll). */
export function closeServer(server: net.Server | undefined): Promise<void> {
  return new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** A port that was free a moment ago and has nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await closeServer(server);
  return port;
}

export interface ProxiedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request to `url` through the proxy at `proxyUrl`; a body is sent as JSON. */
export function requestViaProxy(
  proxyUrl: string,
  url: string,
  options: { method?: string; body?: string; headers?: http.OutgoingHttpHeaders } = {},
): Promise<ProxiedResponse> {
  const proxy = new URL(proxyUrl);
  const target = new URL(url);
  const { method = 'GET', body } = options;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        method,
        path: url,
        headers: {
          host: target.host,
          ...options.headers,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
