import { describe, expect, it } from 'vitest';
import { terseExchangeLine, terseRetryLine } from '@cli/terseExchangeLine.js';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

describe('terseExchangeLine', () => {
  it('prints status, method, URL, time and size', () => {
    const exchange = makeExchange({ url: 'http://127.0.0.1:8080/a', durationMs: 42.4 });
    expect(terseExchangeLine(exchange)).toBe('200 GET http://127.0.0.1:8080/a 42 ms 2 B');
  });

  it('names the source of a client NetLens launched, not of manual traffic', () => {
    const exchange = makeExchange({ url: 'http://127.0.0.1:8080/a', durationMs: 8 });
    expect(terseExchangeLine({ ...exchange, source: 'chromium#1' })).toBe(
      '200 GET http://127.0.0.1:8080/a 8.0 ms 2 B <chromium#1>',
    );
    expect(terseExchangeLine({ ...exchange, source: 'manual' })).toBe(
      '200 GET http://127.0.0.1:8080/a 8.0 ms 2 B',
    );
  });

  it('prints ERR and the error class with its message for a failure', () => {
    const exchange = makeFailedExchange({}, { url: 'http://127.0.0.1:1/x', durationMs: 3001 });
    expect(terseExchangeLine(exchange)).toBe(
      `ERR GET http://127.0.0.1:1/x 3001 ms connect_timeout: ${exchange.error!.message}`,
    );
  });

  it('marks reuse, retries and tunnels', () => {
    const reused = makeExchange({
      connection: { id: 'c', reused: true },
      retry: { chainId: 'c1', attempt: 3 },
    });
    expect(terseExchangeLine(reused)).toMatch(/\(reused\) \[retry #3\]$/);
    const tunnel = makeExchange({
      kind: 'tunnel',
      method: 'CONNECT',
      url: 'pinned.example:443',
      response: null,
      durationMs: 5020,
      tunnel: { reason: 'client_rejected_certificate', bytesFromClient: 1126, bytesFromServer: 20480 },
    });
    expect(terseExchangeLine(tunnel)).toBe(
      'TUNNEL CONNECT pinned.example:443 5020 ms ↑ 1.1 KiB ↓ 20 KiB (client_rejected_certificate)',
    );
  });

  it('never claims more than was captured: a cut body says how much was kept, and why', () => {
    const upload = makeExchange({ method: 'POST', url: 'http://127.0.0.1/up', durationMs: 3200 });
    upload.request.body = {
      sizeBytes: 200_000_000,
      capturedBytes: 64 * 1024 * 1024,
      truncated: true,
      truncatedReason: 'cap',
    };
    expect(terseExchangeLine(upload)).toBe(
      '200 POST http://127.0.0.1/up 3200 ms 2 B [request body captured 64 MiB of 191 MiB: capture cap]',
    );
    upload.request.body.truncatedReason = 'disk_behind';
    upload.request.body.capturedBytes = 20 * 1024 * 1024;
    expect(terseExchangeLine(upload)).toContain(
      '[request body captured 20 MiB of 191 MiB: the disk fell behind]',
    );
  });

  it('escapes control characters so one exchange stays one line', () => {
    const exchange = makeExchange({ url: 'http://127.0.0.1/a\r\nforged', durationMs: 1 });
    const line = terseExchangeLine(exchange);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('a\\x0d\\x0aforged');
  });

  it('describes a retry found later', () => {
    const exchange = makeExchange({ url: 'http://127.0.0.1/r' });
    expect(terseRetryLine(exchange, exchange.id, { chainId: 'ch', attempt: 1 })).toBe(
      'RETRY GET http://127.0.0.1/r is attempt 1 of retry chain ch',
    );
  });

  it('marks HTTP/2 streams and a gRPC status', () => {
    const stream = makeExchange({
      url: 'https://127.0.0.1:8443/echo.Echo/Say',
      http2: { clientStreamId: 5, clientConnectionId: 'k1' },
      grpc: {
        service: 'echo.Echo',
        method: 'Say',
        status: 14,
        statusName: 'UNAVAILABLE',
        message: 'backend down',
      },
    });
    expect(terseExchangeLine(stream)).toBe(
      '200 GET https://127.0.0.1:8443/echo.Echo/Say 42 ms 2 B [h2 stream 5] [grpc UNAVAILABLE: backend down]',
    );
    const cleartext = makeExchange({
      url: 'http://127.0.0.1/',
      http2: { clientStreamId: 1, clientCleartext: true },
    });
    expect(terseExchangeLine(cleartext)).toContain('[h2c stream 1]');
    const upstream = makeExchange({ url: 'https://127.0.0.1/', response: { httpVersion: 'HTTP/2.0' } });
    expect(terseExchangeLine(upstream)).toContain('[h2 upstream]');
    expect(terseExchangeLine(makeExchange())).not.toContain('h2');
  });
});
