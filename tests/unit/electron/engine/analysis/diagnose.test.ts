import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES, type ErrorClass, type FailurePhase } from '@shared/errors.js';
import { classifyError, diagnose, failure, timeoutClass } from '@engine/analysis/diagnose.js';
import { describeFailure } from '@shared/errorClasses.js';
import type { FailureContext } from '@shared/failureMessage.js';
import { hostPort } from '@shared/address.js';
import { formatDurationMs } from '@shared/format.js';

/** An error shaped like the ones Node throws: message plus code (and extras). */
function nodeError(
  code: string | undefined,
  message = code ?? 'boom',
  extra: Record<string, unknown> = {},
): Error {
  return Object.assign(new Error(message), code ? { code } : {}, extra);
}

const ctx = (overrides: Partial<FailureContext> = {}): FailureContext => ({
  host: 'auth.internal',
  port: 443,
  phase: 'connect',
  elapsedMs: 3001.4,
  ...overrides,
});

describe('classifyError: codes', () => {
  const cases: [string, string | undefined, FailurePhase, ErrorClass, string | undefined][] = [
    // [label, code, phase, class, detail]
    ['ENOTFOUND', 'ENOTFOUND', 'dns', 'dns_not_found', 'ENOTFOUND'],
    ['EAI_NONAME', 'EAI_NONAME', 'dns', 'dns_not_found', 'EAI_NONAME'],
    ['ENODATA (dns.resolve)', 'ENODATA', 'dns', 'dns_not_found', 'ENODATA'],
    ['ESERVFAIL', 'ESERVFAIL', 'dns', 'dns_not_found', 'ESERVFAIL'],
    ['EAI_AGAIN', 'EAI_AGAIN', 'dns', 'dns_timeout', 'EAI_AGAIN'],
    ['EAI_AGAIN outside the dns phase', 'EAI_AGAIN', 'connect', 'dns_timeout', 'EAI_AGAIN'],
    ['ETIMEOUT (c-ares) on lookup', 'ETIMEOUT', 'dns', 'dns_timeout', 'ETIMEOUT'],
    ['ETIMEDOUT on lookup', 'ETIMEDOUT', 'dns', 'dns_timeout', 'ETIMEDOUT'],
    ['ECONNREFUSED from the resolver', 'ECONNREFUSED', 'dns', 'dns_timeout', 'ECONNREFUSED'],
    ['ECONNREFUSED', 'ECONNREFUSED', 'connect', 'connect_refused', undefined],
    ['ETIMEDOUT in connect', 'ETIMEDOUT', 'connect', 'connect_timeout', undefined],
    ['EHOSTUNREACH', 'EHOSTUNREACH', 'connect', 'host_unreachable', 'EHOSTUNREACH'],
    ['ENETUNREACH', 'ENETUNREACH', 'connect', 'host_unreachable', 'ENETUNREACH'],
    ['EADDRNOTAVAIL', 'EADDRNOTAVAIL', 'connect', 'host_unreachable', 'EADDRNOTAVAIL'],
    ['ENETDOWN', 'ENETDOWN', 'connect', 'host_unreachable', 'ENETDOWN'],
    ['CERT_HAS_EXPIRED', 'CERT_HAS_EXPIRED', 'tls', 'tls_cert_invalid', 'expired'],
    ['CERT_NOT_YET_VALID', 'CERT_NOT_YET_VALID', 'tls', 'tls_cert_invalid', 'not_yet_valid'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'tls_cert_invalid', 'self_signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'SELF_SIGNED_CERT_IN_CHAIN', 'tls', 'tls_cert_invalid', 'self_signed'],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'tls',
      'tls_cert_invalid',
      'unknown_ca',
    ],
    ['UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT', 'tls', 'tls_cert_invalid', 'unknown_ca'],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'tls',
      'tls_cert_invalid',
      'unknown_ca',
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'tls',
      'tls_cert_invalid',
      'hostname_mismatch',
    ],
    ['CERT_REVOKED', 'CERT_REVOKED', 'tls', 'tls_cert_invalid', 'revoked'],
    ['CERT_SIGNATURE_FAILURE', 'CERT_SIGNATURE_FAILURE', 'tls', 'tls_cert_invalid', 'other'],
    [
      'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
      'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
      'tls',
      'tls_handshake_failed',
      'alert: unknown ca',
    ],
    [
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      'tls',
      'tls_handshake_failed',
      'alert: handshake failure',
    ],
    [
      'ERR_SSL_UNSUPPORTED_PROTOCOL',
      'ERR_SSL_UNSUPPORTED_PROTOCOL',
      'tls',
      'tls_handshake_failed',
      'unsupported protocol',
    ],
    ['EPROTO', 'EPROTO', 'tls', 'tls_handshake_failed', 'eproto'],
    ['ERR_TLS_HANDSHAKE_TIMEOUT', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'tls', 'tls_handshake_failed', 'timeout'],
    ['ETIMEDOUT in tls', 'ETIMEDOUT', 'tls', 'tls_handshake_failed', 'timeout'],
    ['ECONNRESET in tls', 'ECONNRESET', 'tls', 'tls_handshake_failed', 'reset'],
    ['ECONNRESET while sending', 'ECONNRESET', 'send', 'connection_reset', undefined],
    ['EPIPE while sending', 'EPIPE', 'send', 'connection_reset', undefined],
    ['ECONNABORTED while waiting', 'ECONNABORTED', 'wait', 'connection_reset', undefined],
    ['ECONNRESET from the client', 'ECONNRESET', 'request', 'client_aborted', 'reset'],
    ['ETIMEDOUT while waiting', 'ETIMEDOUT', 'wait', 'response_timeout', undefined],
    ['ETIMEDOUT while receiving', 'ETIMEDOUT', 'receive', 'body_timeout', undefined],
    ['ETIMEDOUT while sending', 'ETIMEDOUT', 'send', 'body_timeout', undefined],
    ['ETIMEDOUT reading the request', 'ETIMEDOUT', 'request', 'client_aborted', undefined],
    ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'connect', 'connect_timeout', undefined],
    ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'wait', 'response_timeout', undefined],
    ['UND_ERR_BODY_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'receive', 'body_timeout', undefined],
    ['UND_ERR_SOCKET', 'UND_ERR_SOCKET', 'receive', 'connection_reset', undefined],
    ['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_PREMATURE_CLOSE', 'send', 'connection_reset', undefined],
    ['ABORT_ERR', 'ABORT_ERR', 'wait', 'client_aborted', 'aborted'],
    [
      'HPE_INVALID_EOF_STATE',
      'HPE_INVALID_EOF_STATE',
      'receive',
      'incomplete_response',
      'HPE_INVALID_EOF_STATE',
    ],
    [
      'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
      'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
      'send',
      'incomplete_response',
      'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
    ],
  ];
  for (const [label, code, phase, errorClass, detail] of cases) {
    it(`${label} in phase ${phase} → ${errorClass}${detail ? ` (${detail})` : ''}`, () => {
      const result = classifyError(nodeError(code), phase);
      expect(result.errorClass).toBe(errorClass);
      expect(result.detail).toBe(detail);
      expect(result.code).toBe(code);
    });
  }
});

describe('classifyError: shapes Node really produces', () => {
  it('maps the OpenSSL reason of ERR_SSL_WRONG_VERSION_NUMBER (TLS spoken to a plain-HTTP port)', () => {
    const error = nodeError('ERR_SSL_WRONG_VERSION_NUMBER', '...:ssl3_get_record:wrong version number:...', {
      reason: 'wrong version number',
      library: 'SSL routines',
    });
    expect(classifyError(error, 'tls')).toEqual({
      errorClass: 'tls_handshake_failed',
      detail: 'wrong version number',
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    });
  });

  it('maps llhttp parse errors to protocol_error with the parser reason', () => {
    const error = nodeError('HPE_INVALID_STATUS', 'Parse Error: Invalid status code', {
      reason: 'Invalid status code',
    });
    expect(classifyError(error, 'wait')).toEqual({
      errorClass: 'protocol_error',
      detail: 'Invalid status code',
      code: 'HPE_INVALID_STATUS',
    });
    expect(
      classifyError(nodeError('HPE_HEADER_OVERFLOW', 'Parse Error: Header overflow'), 'request').errorClass,
    ).toBe('protocol_error');
  });

  it('tells a server that hung up without a response from a reset', () => {
    expect(classifyError(nodeError('ECONNRESET', 'socket hang up'), 'wait')).toEqual({
      errorClass: 'connection_reset',
      detail: 'closed',
      code: 'ECONNRESET',
    });
    expect(
      classifyError(nodeError('ECONNRESET', 'read ECONNRESET', { syscall: 'read' }), 'wait').detail,
    ).toBeUndefined();
  });

  it('treats a response Node reports as `aborted` mid-body as incomplete, and a read reset as a reset', () => {
    expect(classifyError(nodeError('ECONNRESET', 'aborted'), 'receive').errorClass).toBe(
      'incomplete_response',
    );
    expect(classifyError(nodeError('ECONNRESET', 'read ECONNRESET'), 'receive').errorClass).toBe(
      'connection_reset',
    );
  });

  it('recognises "socket hang up" without a code', () => {
    expect(classifyError(new Error('socket hang up'), 'send').errorClass).toBe('connection_reset');
  });

  it("digs the socket error out of fetch's `cause`", () => {
    const error = new TypeError('fetch failed', {
      cause: nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
    });
    expect(classifyError(error, 'connect')).toMatchObject({
      errorClass: 'connect_refused',
      code: 'ECONNREFUSED',
    });
  });

  it("uses the last address' error of a Happy Eyeballs AggregateError", () => {
    const error = new AggregateError([nodeError('EHOSTUNREACH'), nodeError('ETIMEDOUT')], 'connect failed');
    expect(classifyError(error, 'connect').errorClass).toBe('connect_timeout');
  });

  it("prefers the aggregate's own code when it has one", () => {
    const error = Object.assign(new AggregateError([nodeError('ENETUNREACH')], ''), { code: 'ECONNREFUSED' });
    expect(classifyError(error, 'connect').errorClass).toBe('connect_refused');
  });

  it('maps AbortSignal.timeout() by phase and a plain abort to client_aborted', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    expect(classifyError(timeout, 'wait').errorClass).toBe('response_timeout');
    expect(classifyError(timeout, 'dns').errorClass).toBe('dns_timeout');
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(classifyError(abort, 'receive').errorClass).toBe('client_aborted');
  });

  it('keeps a class an error already carries (e.g. an injected fault)', () => {
    const error = Object.assign(new Error('rule'), {
      errorClass: 'injected_fault',
      detail: 'reset after headers',
    });
    expect(classifyError(error, 'receive')).toEqual({
      errorClass: 'injected_fault',
      detail: 'reset after headers',
    });
  });

  it('falls back on the phase for an unknown error, keeping its message as detail', () => {
    const fallbacks: [FailurePhase, ErrorClass][] = [
      ['request', 'protocol_error'],
      ['dns', 'dns_not_found'],
      ['connect', 'host_unreachable'],
      ['tls', 'tls_handshake_failed'],
      ['send', 'connection_reset'],
      ['wait', 'connection_reset'],
      ['receive', 'incomplete_response'],
    ];
    for (const [phase, errorClass] of fallbacks) {
      expect(classifyError(new Error('weird'), phase)).toEqual({ errorClass, detail: 'weird' });
    }
    expect(classifyError('a string', 'connect')).toEqual({
      errorClass: 'host_unreachable',
      detail: 'a string',
    });
    expect(classifyError(undefined, 'wait')).toEqual({ errorClass: 'connection_reset' });
  });
});

describe('timeoutClass', () => {
  it('maps each phase to its timeout class', () => {
    expect(timeoutClass('dns')).toBe('dns_timeout');
    expect(timeoutClass('connect')).toBe('connect_timeout');
    expect(timeoutClass('tls')).toBe('tls_handshake_failed');
    expect(timeoutClass('send')).toBe('body_timeout');
    expect(timeoutClass('wait')).toBe('response_timeout');
    expect(timeoutClass('receive')).toBe('body_timeout');
    expect(timeoutClass('request')).toBe('client_aborted');
  });
});

describe('describeFailure', () => {
  it("matches DESIGN.md's example for a connect timeout", () => {
    expect(describeFailure('connect_timeout', ctx({ timeoutMs: 3000 }))).toBe(
      'Failed to connect to auth.internal:443: TCP connect timed out after 3000 ms. Is a firewall dropping packets, or is the host down?',
    );
  });

  const phaseOf: Record<ErrorClass, FailurePhase> = {
    dns_not_found: 'dns',
    dns_timeout: 'dns',
    connect_refused: 'connect',
    connect_timeout: 'connect',
    host_unreachable: 'connect',
    tls_cert_invalid: 'tls',
    tls_handshake_failed: 'tls',
    connection_reset: 'send',
    response_timeout: 'wait',
    body_timeout: 'receive',
    incomplete_response: 'receive',
    protocol_error: 'wait',
    client_aborted: 'request',
    injected_fault: 'receive',
    unclassified: 'connect',
  };
  const phaseWords: Record<FailurePhase, RegExp> = {
    request: /reading the request/,
    dns: /DNS lookup/,
    connect: /TCP connect/,
    tls: /TLS handshake/,
    send: /sending the request/,
    wait: /waiting for the response|response headers/,
    receive: /receiving the response body/,
  };
  for (const errorClass of ERROR_CLASSES) {
    it(`${errorClass}: names host, port, phase and time, and says what to check`, () => {
      const phase = phaseOf[errorClass];
      const message = describeFailure(errorClass, ctx({ phase, elapsedMs: 1234.6, ruleName: 'flaky auth' }));
      expect(message).toContain('auth.internal');
      expect(message).toContain('443');
      expect(message).toMatch(phaseWords[phase]);
      expect(message).toContain('1235 ms');
      // Two sentences at least: what happened, then what to check.
      expect(message.split(/[.?] /).length).toBeGreaterThanOrEqual(2);
      expect(message).toMatch(/[.?]$/);
    });
  }

  it('quotes the limit, not the elapsed time, for timeouts', () => {
    expect(
      describeFailure('response_timeout', ctx({ phase: 'wait', elapsedMs: 60_123, timeoutMs: 60_000 })),
    ).toContain('within 60.0 s');
    expect(describeFailure('dns_timeout', ctx({ phase: 'dns', elapsedMs: 5003, timeoutMs: 5000 }))).toContain(
      'no answer after 5000 ms',
    );
    expect(
      describeFailure('body_timeout', ctx({ phase: 'receive', elapsedMs: 31_000, timeoutMs: 30_000 })),
    ).toContain('no data for 30.0 s');
  });

  it('brackets IPv6 literals', () => {
    expect(hostPort('::1', 8443)).toBe('[::1]:8443');
    expect(hostPort('[::1]', 8443)).toBe('[::1]:8443');
    expect(describeFailure('connect_refused', ctx({ host: '::1', port: 8443 }))).toContain('[::1]:8443');
  });

  describe('certificate problems', () => {
    const tls = (detail: string, extra: Partial<FailureContext> = {}) =>
      describeFailure('tls_cert_invalid', ctx({ phase: 'tls', elapsedMs: 40, detail, ...extra }));

    it('says when an expired certificate expired, when known', () => {
      expect(tls('expired', { certificate: { validFromMs: 0, validToMs: Date.UTC(2024, 0, 31) } })).toContain(
        "the server's certificate expired on 2024-01-31",
      );
      expect(tls('expired')).toContain(
        "certificate has expired. Renew the certificate on the server, or check this machine's clock.",
      );
    });

    it('says from when a not-yet-valid certificate is valid', () => {
      expect(
        tls('not_yet_valid', { certificate: { validFromMs: Date.UTC(2030, 5, 1), validToMs: 0 } }),
      ).toContain('not valid until 2030-06-01');
      expect(tls('not_yet_valid')).toContain("Check this machine's clock");
    });

    it('explains self-signed, unknown CA, hostname mismatch, revoked and other', () => {
      expect(tls('self_signed')).toContain('is self-signed');
      expect(tls('unknown_ca')).toContain('a CA this machine does not trust');
      expect(tls('unknown_ca')).toContain('intermediate certificates');
      expect(
        tls('hostname_mismatch', {
          certificate: { validFromMs: 0, validToMs: 0, subjectAltNames: ['wrong.example.invalid'] },
        }),
      ).toContain('not valid for auth.internal (it lists wrong.example.invalid)');
      expect(tls('revoked')).toContain('revoked');
      expect(tls('other')).toContain('was rejected.');
    });
  });

  describe('handshake failures', () => {
    const hs = (detail: string | undefined, extra: Partial<FailureContext> = {}) =>
      describeFailure('tls_handshake_failed', ctx({ phase: 'tls', elapsedMs: 12, detail, ...extra }));

    it('spots TLS spoken to a plain-HTTP port', () => {
      expect(hs('wrong version number')).toContain('Try http:// instead of https://');
    });
    it('tells a client that rejected the NetLens certificate to trust the NetLens CA', () => {
      expect(hs('alert: unknown ca')).toContain('trust the NetLens CA');
      expect(hs('alert: bad certificate')).toContain('rejected the certificate');
    });
    it('explains version and cipher mismatches, client certificates, resets and timeouts', () => {
      expect(hs('alert: protocol version')).toContain('no TLS version is supported by both sides');
      expect(hs('unsupported protocol')).toContain('no TLS version is supported by both sides');
      expect(hs('alert: handshake failure')).toContain('no cipher suite');
      expect(hs('alert: certificate required')).toContain('client certificate');
      expect(hs('reset')).toContain('closed the connection during the handshake');
      expect(hs('timeout', { timeoutMs: 10_000 })).toContain('did not complete within 10.0 s');
      expect(hs('alert: internal error')).toContain('TLS alert "internal error"');
      expect(hs(undefined)).toContain('the handshake failed.');
    });
  });

  it('names the unreachable reason', () => {
    expect(describeFailure('host_unreachable', ctx({ detail: 'ENETUNREACH' }))).toContain(
      'the network is unreachable',
    );
    expect(describeFailure('host_unreachable', ctx({ detail: 'EHOSTUNREACH' }))).toContain(
      'no route to the host',
    );
  });

  it('distinguishes a malformed request from the client and a malformed response', () => {
    expect(describeFailure('protocol_error', ctx({ phase: 'request', detail: 'Invalid method' }))).toMatch(
      /^The client sent NetLens a malformed HTTP request .*: Invalid method\./,
    );
    expect(describeFailure('protocol_error', ctx({ phase: 'wait', detail: 'Invalid status code' }))).toMatch(
      /^auth\.internal:443 sent a malformed HTTP response .*: Invalid status code\./,
    );
  });

  it('says a server closed without answering', () => {
    expect(describeFailure('connection_reset', ctx({ phase: 'wait', detail: 'closed' }))).toContain(
      'closed the connection without sending a response',
    );
  });

  it('names the rule of an injected fault', () => {
    expect(
      describeFailure(
        'injected_fault',
        ctx({ phase: 'receive', ruleName: 'flaky auth', detail: 'reset after headers' }),
      ),
    ).toContain('NetLens rule "flaky auth" failed the request to auth.internal:443 on purpose');
  });
});

describe('failure and diagnose', () => {
  it('failure builds a NetlensError for a class the caller knows', () => {
    expect(failure('connect_timeout', ctx({ elapsedMs: 3000.7, timeoutMs: 3000 }))).toEqual({
      class: 'connect_timeout',
      phase: 'connect',
      elapsedMs: 3000.7,
      message:
        'Failed to connect to auth.internal:443: TCP connect timed out after 3000 ms. Is a firewall dropping packets, or is the host down?',
    });
  });

  it('failure puts the rule name in detail for an injected fault', () => {
    expect(failure('injected_fault', ctx({ phase: 'wait', ruleName: 'slow api' })).detail).toBe('slow api');
  });

  it('diagnose classifies and describes, keeping the code', () => {
    const error = diagnose(
      nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'),
      ctx({ host: '127.0.0.1', port: 9, elapsedMs: 2 }),
    );
    expect(error).toMatchObject({
      class: 'connect_refused',
      phase: 'connect',
      elapsedMs: 2,
      code: 'ECONNREFUSED',
    });
    expect(error.message).toBe(
      'Failed to connect to 127.0.0.1:9: the TCP connect was refused after 2.0 ms. Nothing is listening on port 9 there: is the service running, on this port and address?',
    );
  });

  it('diagnose lets the caller override the detail', () => {
    const error = diagnose(nodeError('CERT_HAS_EXPIRED'), ctx({ phase: 'tls', detail: 'expired' }));
    expect(error.detail).toBe('expired');
    expect(error.class).toBe('tls_cert_invalid');
  });

  it('diagnose reads the peer certificate Node attaches to a hostname mismatch', () => {
    const error = nodeError(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames",
      {
        cert: {
          valid_from: 'Jan  1 00:00:00 2025 GMT',
          valid_to: 'Jan  1 00:00:00 2027 GMT',
          subjectaltname: 'DNS:wrong.example.invalid, IP Address:10.0.0.1',
        },
      },
    );
    const result = diagnose(error, ctx({ host: 'localhost', port: 8443, phase: 'tls', elapsedMs: 9 }));
    expect(result.detail).toBe('hostname_mismatch');
    expect(result.message).toContain('not valid for localhost (it lists wrong.example.invalid, 10.0.0.1)');
  });

  it('diagnose of a DNS failure names the host and the code', () => {
    const result = diagnose(
      nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND nothing.invalid', { syscall: 'getaddrinfo' }),
      ctx({ host: 'nothing.invalid', port: 80, phase: 'dns', elapsedMs: 3 }),
    );
    expect(result.class).toBe('dns_not_found');
    expect(result.message).toBe(
      'Failed to resolve nothing.invalid (port 80): the DNS lookup found no such host after 3.0 ms (ENOTFOUND). Check the spelling of the host name, your DNS or VPN settings, and /etc/hosts.',
    );
  });
});

describe('the time of a failure', () => {
  it('is stored to the microsecond and written in the message exactly as the UI and CLI write it', () => {
    const error = failure('connect_refused', ctx({ elapsedMs: 1.63449 }));
    expect(error.elapsedMs).toBe(1.634);
    expect(error.message).toContain(`after ${formatDurationMs(error.elapsedMs)}.`);
    expect(error.message).toContain('after 1.6 ms.');
  });
});
