import { describe, expect, it } from 'vitest';
import { chromeErrorName, classifyChromeError } from '@engine/analysis/chromeNetErrors.js';
import { errnoName } from '@engine/analysis/errnoByPlatform.js';
import { classifyRecordedFailure } from '@engine/analysis/recordedFailure.js';

const noResponse = { hasResponse: false };
const classify = (text: string, context = noResponse) => classifyRecordedFailure(text, context);

describe('Chrome net::ERR names', () => {
  it('maps the names whose definition fixes one class', () => {
    expect(classify('net::ERR_CONNECTION_REFUSED')).toEqual({
      errorClass: 'connect_refused',
      phase: 'connect',
      code: 'ERR_CONNECTION_REFUSED',
    });
    expect(classify('net::ERR_NAME_NOT_RESOLVED')).toMatchObject({
      errorClass: 'dns_not_found',
      phase: 'dns',
    });
    expect(classify('net::ERR_CONNECTION_TIMED_OUT')).toMatchObject({ errorClass: 'connect_timeout' });
    expect(classify('net::ERR_CERT_AUTHORITY_INVALID')).toMatchObject({
      errorClass: 'tls_cert_invalid',
      detail: 'unknown_ca',
    });
    expect(classify('ERR_EMPTY_RESPONSE')).toMatchObject({ errorClass: 'connection_reset', phase: 'wait' });
    expect(classify('net::ERR_INCOMPLETE_CHUNKED_ENCODING')).toMatchObject({
      errorClass: 'incomplete_response',
      phase: 'receive',
    });
  });

  it('does not guess which of expired and not-yet-valid a date error is', () => {
    expect(classify('net::ERR_CERT_DATE_INVALID')).toMatchObject({
      errorClass: 'tls_cert_invalid',
      detail: 'other',
    });
  });

  it('keeps names that do not fix a class unclassified, with the name as the code', () => {
    for (const name of [
      'ERR_INTERNET_DISCONNECTED',
      'ERR_CONNECTION_FAILED',
      'ERR_TIMED_OUT',
      'ERR_NAME_RESOLUTION_FAILED',
      'ERR_NETWORK_CHANGED',
      'ERR_CONNECTION_ABORTED',
      'ERR_SOMETHING_NEW',
    ]) {
      expect(classify(`net::${name}`)).toEqual({ errorClass: 'unclassified', code: name });
    }
  });

  it('reads only an exact name, not one inside a sentence', () => {
    expect(chromeErrorName(' net::ERR_ABORTED ')).toBe('ERR_ABORTED');
    expect(chromeErrorName('maybe ERR_CONNECTION_REFUSED or not')).toBeUndefined();
    expect(classifyChromeError('toString')).toBeUndefined();
    expect(classify('maybe ERR_CONNECTION_REFUSED or not').errorClass).toBe('unclassified');
  });
});

describe('errnos by platform', () => {
  it("names a number when the platforms that could have produced it agree, or by the errno's own message", () => {
    // 60: ETIMEDOUT on macOS; on Linux ENOSTR, which connect() never returns.
    expect(errnoName(60, "Connect call failed ('10.0.0.1', 443)", 'any', true)).toBe('ETIMEDOUT');
    expect(errnoName(111, "Connect call failed ('127.0.0.1', 9)", 'any', true)).toBe('ECONNREFUSED');
    expect(errnoName(61, 'Connection refused', 'any', false)).toBe('ECONNREFUSED');
    expect(errnoName(110, 'Connection timed out', 'any', false)).toBe('ETIMEDOUT');
    expect(errnoName(10061, 'Connect call failed', 'any', true)).toBe('ECONNREFUSED');
    expect(errnoName(1225, 'The remote computer refused the network connection', 'windows', false)).toBe(
      'ECONNREFUSED',
    );
    expect(errnoName(-2, 'Name or service not known', 'any', false)).toBe('EAI_NONAME');
    expect(errnoName(8, 'nodename nor servname provided, or not known', 'any', false)).toBe('EAI_NONAME');
  });

  it('names nothing when the evidence does not decide', () => {
    // 2 is EAI_AGAIN on macOS but ENOENT on Linux: the message says which, and it is not a network error.
    expect(errnoName(2, 'No such file or directory', 'any', false)).toBeUndefined();
    // A number no platform returns from connect.
    expect(errnoName(13, 'Connect call failed', 'any', true)).toBeUndefined();
    // Without the message or a connect context, a bare number is not enough.
    expect(errnoName(60, 'something else', 'any', false)).toBeUndefined();
  });
});

describe('classifyRecordedFailure', () => {
  it("maps mitmproxy's asyncio connect errors by errno and platform, not by the words 'connect call failed'", () => {
    expect(classify("[Errno 60] Connect call failed ('203.0.113.7', 443)")).toEqual({
      errorClass: 'connect_timeout',
      phase: 'connect',
      code: 'ETIMEDOUT',
    });
    expect(classify("[Errno 111] Connect call failed ('127.0.0.1', 9)")).toMatchObject({
      errorClass: 'connect_refused',
      code: 'ECONNREFUSED',
    });
    expect(classify("[Errno 113] Connect call failed ('10.9.9.9', 80)")).toMatchObject({
      errorClass: 'host_unreachable',
      code: 'EHOSTUNREACH',
    });
    expect(classify("[Errno 99] Connect call failed ('::1', 80)")).toMatchObject({
      errorClass: 'host_unreachable',
      code: 'EADDRNOTAVAIL',
    });
    expect(classify("[Errno 13] Connect call failed ('127.0.0.1', 9)")).toEqual({
      errorClass: 'unclassified',
    });
  });

  it('maps a read timeout errno only with a connect context', () => {
    expect(classify('[Errno 110] Connection timed out')).toEqual({
      errorClass: 'unclassified',
      code: 'ETIMEDOUT',
    });
  });

  it('maps name resolution errors of Linux, macOS and Windows', () => {
    expect(classify('[Errno -2] Name or service not known')).toMatchObject({ errorClass: 'dns_not_found' });
    expect(classify('[Errno 8] nodename nor servname provided, or not known')).toMatchObject({
      errorClass: 'dns_not_found',
    });
    expect(classify('[Errno 11001] getaddrinfo failed')).toMatchObject({ errorClass: 'dns_not_found' });
    expect(classify('[Errno -3] Temporary failure in name resolution')).toMatchObject({
      errorClass: 'dns_timeout',
    });
  });

  it('needs every address of a Happy Eyeballs failure to agree', () => {
    expect(
      classify(
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 9, 0, 0), [Errno 111] Connect call failed ('127.0.0.1', 9)",
      ),
    ).toMatchObject({ errorClass: 'connect_refused' });
    expect(
      classify(
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 9, 0, 0), [Errno 110] Connect call failed ('10.0.0.1', 9)",
      ),
    ).toEqual({ errorClass: 'unclassified' });
  });

  it("reads Node's and Java's errors", () => {
    expect(classify('connect ECONNREFUSED 127.0.0.1:9')).toMatchObject({ errorClass: 'connect_refused' });
    expect(classify('connect ETIMEDOUT 10.0.0.1:443')).toMatchObject({ errorClass: 'connect_timeout' });
    expect(classify('read ETIMEDOUT')).toEqual({ errorClass: 'unclassified', code: 'ETIMEDOUT' });
    expect(classify('getaddrinfo ENOTFOUND api.invalid')).toMatchObject({ errorClass: 'dns_not_found' });
    expect(classify('read ECONNRESET')).toMatchObject({ errorClass: 'connection_reset' });
    expect(classify('java.net.ConnectException: Connection refused')).toMatchObject({
      errorClass: 'connect_refused',
    });
    expect(classify('java.net.UnknownHostException: api.invalid')).toMatchObject({
      errorClass: 'dns_not_found',
    });
    expect(classify('java.net.SocketTimeoutException: Read timed out')).toMatchObject({
      errorClass: 'response_timeout',
    });
    expect(classify('java.net.SocketTimeoutException: Read timed out', { hasResponse: true })).toMatchObject({
      errorClass: 'body_timeout',
    });
  });

  it("reads mitmproxy's own messages", () => {
    expect(classify('Certificate verify failed: certificate has expired')).toMatchObject({
      errorClass: 'tls_cert_invalid',
      detail: 'expired',
    });
    expect(classify('The remote server does not speak TLS.')).toMatchObject({
      errorClass: 'tls_handshake_failed',
    });
    expect(classify('Client disconnected.')).toMatchObject({ errorClass: 'client_aborted' });
    expect(classify('server closed connection')).toMatchObject({
      errorClass: 'connection_reset',
      phase: 'wait',
    });
    expect(classify('Cannot parse HTTP response: bad status line')).toMatchObject({
      errorClass: 'protocol_error',
    });
  });

  it('keeps vague words unclassified: a wrong class is worse than none', () => {
    for (const text of [
      'connect call failed',
      'Connection failed',
      'timed out',
      'request timed out after 30s',
      'the network is flaky',
      'refused to cooperate',
      '',
    ]) {
      expect(classify(text).errorClass).toBe('unclassified');
    }
  });

  it('looks at a bounded prefix of a huge text', () => {
    expect(classify(`[Errno 111] Connect call failed ${'x'.repeat(5_000_000)}`).errorClass).toBe(
      'connect_refused',
    );
  });
});
