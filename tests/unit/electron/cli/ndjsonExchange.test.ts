import { describe, expect, it } from 'vitest';
import { exchangeLine, listeningLine, proxyUrl, retryLine } from '@cli/ndjsonExchange.js';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

describe('exchangeLine', () => {
  it('summarises a complete exchange with the documented fields', () => {
    const exchange = makeExchange({
      url: 'https://127.0.0.1:8443/api?x=1',
      startedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      durationMs: 12.34567,
      timings: { blocked: 0.1, dns: undefined, connect: 1.0004, ssl: 2, send: 0.2, wait: 8, receive: 1 },
      connection: {
        id: 'c7',
        reused: false,
        serverIp: '127.0.0.1',
        serverPort: 8443,
        tls: { protocol: 'TLSv1.3' },
      },
      retry: { chainId: 'r1', attempt: 2 },
    });
    const line = exchangeLine(exchange);
    expect(line).toEqual({
      type: 'exchange',
      id: exchange.id,
      seq: exchange.seq,
      kind: 'http',
      startedDateTime: '2026-01-02T03:04:05.678Z',
      method: 'GET',
      url: 'https://127.0.0.1:8443/api?x=1',
      httpVersion: 'HTTP/1.1',
      status: 200,
      statusText: 'OK',
      durationMs: 12.346,
      requestBodyBytes: 0,
      responseBodyBytes: 2,
      timings: { blocked: 0.1, connect: 1, ssl: 2, send: 0.2, wait: 8, receive: 1 },
      connection: {
        id: 'c7',
        reused: false,
        serverIp: '127.0.0.1',
        serverPort: 8443,
        tlsProtocol: 'TLSv1.3',
      },
      retry: { chainId: 'r1', attempt: 2 },
    });
    // `type` comes first, so `grep '^{"type":"exchange"'` works.
    expect(JSON.stringify(line).startsWith('{"type":"exchange",')).toBe(true);
    expect(Object.keys(line.timings)).not.toContain('dns');
  });

  it('keeps the error of a failed exchange and a null status', () => {
    const exchange = makeFailedExchange(
      {
        class: 'tls_cert_invalid',
        phase: 'tls',
        elapsedMs: 5.5,
        detail: 'expired',
        code: 'CERT_HAS_EXPIRED',
      },
      { durationMs: undefined },
    );
    const line = exchangeLine(exchange);
    expect(line.status).toBeNull();
    expect(line.durationMs).toBeNull();
    expect(line).not.toHaveProperty('statusText');
    expect(line).not.toHaveProperty('responseBodyBytes');
    expect(line.error).toEqual({
      class: 'tls_cert_invalid',
      phase: 'tls',
      elapsedMs: 5.5,
      message: exchange.error!.message,
      detail: 'expired',
    });
  });

  it('describes tunnels and rules', () => {
    const exchange = makeExchange({
      kind: 'tunnel',
      method: 'CONNECT',
      url: 'pinned.example:443',
      response: null,
      tunnel: { reason: 'pass_through_host', bytesFromClient: 10, bytesFromServer: 20 },
      rule: { ruleId: 'r', ruleName: 'slow', actions: ['delay 500 ms'] },
    });
    const line = exchangeLine(exchange);
    expect(line.tunnel).toEqual({ reason: 'pass_through_host', bytesFromClient: 10, bytesFromServer: 20 });
    expect(line.rule).toEqual({ id: 'r', name: 'slow', action: 'delay 500 ms', actions: ['delay 500 ms'] });
  });
});

describe('exchangeLine: HTTP/2 and gRPC', () => {
  it('carries the streams, the server side version when it differs, and the gRPC call', () => {
    const exchange = makeExchange({
      url: 'https://127.0.0.1/a.B/C',
      request: { httpVersion: 'HTTP/2.0' },
      response: { httpVersion: 'HTTP/1.1' },
      http2: {
        clientStreamId: 3,
        clientConnectionId: 'k1',
        reset: { by: 'client', code: 8, name: 'CANCEL' },
        serverSettings: { maxConcurrentStreams: 100 },
      },
      grpc: {
        service: 'a.B',
        method: 'C',
        status: 0,
        statusName: 'OK',
        requestMessages: 1,
        responseMessages: 2,
      },
    });
    const line = exchangeLine(exchange);
    expect(line.httpVersion).toBe('HTTP/2.0');
    expect(line.responseHttpVersion).toBe('HTTP/1.1');
    expect(line.http2).toEqual({
      clientStreamId: 3,
      clientConnectionId: 'k1',
      reset: { by: 'client', code: 8, name: 'CANCEL' },
    });
    expect(line.grpc).toEqual({
      service: 'a.B',
      method: 'C',
      status: 0,
      statusName: 'OK',
      requestMessages: 1,
      responseMessages: 2,
    });
    const plain = exchangeLine(makeExchange());
    expect(plain.responseHttpVersion).toBeUndefined();
    expect(plain.http2).toBeUndefined();
    expect(plain.grpc).toBeUndefined();
  });
});

describe('truncated bodies', () => {
  it('says how much of each cut body was captured, and why', () => {
    const exchange = makeExchange({
      request: { body: { sizeBytes: 10, capturedBytes: 10, truncated: false } },
      response: {
        body: {
          sizeBytes: 100 * 1024 * 1024,
          capturedBytes: 22_000_000,
          truncated: true,
          truncatedReason: 'disk_behind',
        },
      },
    });
    expect(exchangeLine(exchange).truncated).toEqual({
      response: { capturedBytes: 22_000_000, reason: 'disk_behind' },
    });
    expect(exchangeLine(makeExchange()).truncated).toBeUndefined();
  });
});

describe('other lines', () => {
  it('formats the listening and retry lines', () => {
    expect(JSON.stringify(listeningLine('http://127.0.0.1:8899', '/d/ca.pem'))).toBe(
      '{"type":"listening","proxy":"http://127.0.0.1:8899","caCert":"/d/ca.pem"}',
    );
    expect(JSON.stringify(listeningLine('http://0.0.0.0:8899', '/d/ca.pem', undefined, 'pw'))).toBe(
      '{"type":"listening","proxy":"http://0.0.0.0:8899","caCert":"/d/ca.pem","proxyPassword":"pw"}',
    );
    expect(exchangeLine({ ...makeExchange(), source: 'terminal#2' }).source).toBe('terminal#2');
    expect('source' in exchangeLine(makeExchange())).toBe(false);
    expect(JSON.stringify(retryLine('ex-1', { chainId: 'c', attempt: 1 }))).toBe(
      '{"type":"retry","id":"ex-1","retry":{"chainId":"c","attempt":1}}',
    );
  });

  it('brackets IPv6 hosts in the proxy URL', () => {
    expect(proxyUrl('::1', 8899)).toBe('http://[::1]:8899');
    expect(proxyUrl('127.0.0.1', 0)).toBe('http://127.0.0.1:0');
  });
});
