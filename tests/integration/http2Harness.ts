/** HTTP/2 origins and clients for the integration tests (127.0.0.1 only). */
import http2 from 'node:http2';
import type net from 'node:net';
import tls from 'node:tls';
import { expect } from 'vitest';
import type { TestPki } from '@fixtures/certificates.js';
import { connectTunnel, type TestProxy } from './proxyHarness.js';

export interface H2Origin {
  port: number;
  server: http2.Http2SecureServer;
  sessions: Set<http2.ServerHttp2Session>;
  close(): Promise<void>;
}

/** An HTTP/2-only origin (no allowHTTP1: a client offering only http/1.1 is refused by ALPN). */
export async function h2Origin(
  pki: TestPki,
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void,
): Promise<H2Origin> {
  const server = http2.createSecureServer({ cert: pki.valid.certPem, key: pki.valid.keyPem });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    onStream(stream, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    sessions,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP/2 session of Node's client to NetLens, inside a CONNECT tunnel, trusting NetLens' CA. */
export async function h2ViaTunnel(proxy: TestProxy, authority: string): Promise<http2.ClientHttp2Session> {
  const { socket } = await connectTunnel(proxy, authority);
  const secure = tls.connect({ socket, servername: 'localhost', ca: proxy.caPem, ALPNProtocols: ['h2'] });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  expect(secure.alpnProtocol).toBe('h2');
  const session = http2.connect(`https://${authority}`, { createConnection: () => secure });
  session.on('error', () => undefined);
  return session;
}

export interface StreamResult {
  status?: number;
  headers?: http2.IncomingHttpHeaders;
  body: string;
  trailers?: http2.IncomingHttpHeaders;
  rstCode?: number;
}

export function get(
  session: http2.ClientHttp2Session,
  path: string,
  extra: http2.OutgoingHttpHeaders = {},
  body?: Buffer,
): Promise<StreamResult> {
  return new Promise((resolve) => {
    const stream = session.request({ ':path': path, ...extra }, { endStream: body === undefined });
    const result: StreamResult = { body: '' };
    stream.on('response', (headers) => {
      result.status = Number(headers[':status']);
      result.headers = headers;
    });
    stream.on('trailers', (trailers) => (result.trailers = trailers));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (result.body += chunk));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== 0) result.rstCode = stream.rstCode;
      resolve(result);
    });
    if (body !== undefined) stream.end(body);
  });
}
