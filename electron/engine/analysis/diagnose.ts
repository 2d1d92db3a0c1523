/**
 * Error diagnosis for the proxy and the probes: turns what Node, OpenSSL, llhttp or undici
 * threw into one of the stable classes of the taxonomy and its message (the message templates
 * are in the error-class table, shared/errorClasses.ts).
 */
import type { CertProblem, ErrorClass, FailurePhase, NetlensError } from '../../../shared/errors.js';
import { isErrorClass } from '../../../shared/errors.js';
import { describeFailure } from '../../../shared/errorClasses.js';
import type { FailureContext } from '../../../shared/failureMessage.js';

export interface Classification {
  errorClass: ErrorClass;
  detail?: string;
  code?: string;
}

/** Certificate verification codes (OpenSSL's X509_V_ERR names as Node reports them). */
const CERT_CODES: Record<string, CertProblem> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not_yet_valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self_signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self_signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown_ca',
  CERT_UNTRUSTED: 'unknown_ca',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname_mismatch',
  HOSTNAME_MISMATCH: 'hostname_mismatch',
  IP_ADDRESS_MISMATCH: 'hostname_mismatch',
  CERT_REVOKED: 'revoked',
  CERT_SIGNATURE_FAILURE: 'other',
  CERT_REJECTED: 'other',
  CERT_CHAIN_TOO_LONG: 'other',
  INVALID_CA: 'other',
  INVALID_PURPOSE: 'other',
  PATH_LENGTH_EXCEEDED: 'other',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'other',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'other',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'other',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'other',
  EE_KEY_TOO_SMALL: 'other',
  CA_KEY_TOO_SMALL: 'other',
  CA_MD_TOO_WEAK: 'other',
  ERR_TLS_CERT_SIGNATURE_ALGORITHM_UNSUPPORTED: 'other',
};

const UNREACHABLE_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAFNOSUPPORT',
]);
/** getaddrinfo and c-ares (dns.resolve*) codes meaning the name has no usable answer. */
const DNS_NOT_FOUND_CODES = new Set([
  'ENOTFOUND',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENODATA',
  'EAI_FAIL',
  'ESERVFAIL',
  'EREFUSED',
  'EBADNAME',
  'EFORMERR',
  'ENONAME',
]);
/** Resolver-side failures: the question got no answer (EAI_AGAIN is getaddrinfo's "try again"). */
const DNS_TIMEOUT_CODES = new Set([
  'EAI_AGAIN',
  'ETIMEOUT',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECANCELLED',
  'ECONNRESET',
]);
const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'ESOCKETTIMEDOUT', 'ERR_TLS_HANDSHAKE_TIMEOUT']);

interface ErrorFacts {
  code?: string;
  message: string;
  name?: string;
  reason?: string;
  errorClass?: ErrorClass;
  detail?: string;
}

/**
 * The most specific code in an error: fetch wraps the socket error in `cause`, Happy Eyeballs
 * (autoSelectFamily) throws an AggregateError holding one error per address.
 */
function factsOf(error: unknown, depth = 0): ErrorFacts {
  if (error === null || error === undefined) return { message: '' };
  if (typeof error !== 'object') return { message: String(error) };
  const record = error as Record<string, unknown>;
  const facts: ErrorFacts = {
    message: typeof record.message === 'string' ? record.message : String(error),
    ...(typeof record.code === 'string' ? { code: record.code } : {}),
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.reason === 'string' ? { reason: record.reason } : {}),
    ...(isErrorClass(record.errorClass) ? { errorClass: record.errorClass } : {}),
    ...(typeof record.detail === 'string' ? { detail: record.detail } : {}),
  };
  if (depth < 4 && !facts.code && !facts.errorClass) {
    const inner = Array.isArray(record.errors) ? (record.errors as unknown[]).at(-1) : record.cause;
    if (inner !== undefined) {
      const nested = factsOf(inner, depth + 1);
      if (nested.code || nested.errorClass) return nested;
    }
  }
  return facts;
}

/** The certificate problem an OpenSSL/Node verification code stands for; undefined if it is not one. */
export function certProblemForCode(code: string | undefined): CertProblem | undefined {
  return code !== undefined && Object.hasOwn(CERT_CODES, code) ? CERT_CODES[code] : undefined;
}

/** The class a timeout belongs to, by the phase it expired in. */
export function timeoutClass(phase: FailurePhase): ErrorClass {
  switch (phase) {
    case 'dns':
      return 'dns_timeout';
    case 'connect':
      return 'connect_timeout';
    case 'tls':
      return 'tls_handshake_failed';
    case 'wait':
      return 'response_timeout';
    case 'send':
    case 'receive':
      return 'body_timeout';
    case 'request':
      return 'client_aborted';
  }
}

/** `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA` → `unknown ca`. */
function alertName(code: string): string | undefined {
  const match = /ALERT_([A-Z0-9_]+)$/.exec(code);
  return match ? match[1]!.toLowerCase().replace(/_/g, ' ') : undefined;
}

export function classifyError(error: unknown, phase: FailurePhase): Classification {
  const facts = factsOf(error);
  const code = facts.code;
  const message = facts.message;
  const withCode = (errorClass: ErrorClass, detail?: string): Classification => ({
    errorClass,
    ...(detail !== undefined ? { detail } : {}),
    ...(code !== undefined ? { code } : {}),
  });

  // An error that already knows its class (e.g. a fault a rule injected).
  if (facts.errorClass) return withCode(facts.errorClass, facts.detail);

  if (code && code in CERT_CODES) return withCode('tls_cert_invalid', CERT_CODES[code]);

  if (code && DNS_NOT_FOUND_CODES.has(code)) return withCode('dns_not_found', code);
  if (code === 'EAI_AGAIN' || (phase === 'dns' && code !== undefined && DNS_TIMEOUT_CODES.has(code))) {
    return withCode('dns_timeout', code);
  }

  if (facts.name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    const errorClass = timeoutClass(phase);
    return withCode(errorClass, errorClass === 'tls_handshake_failed' ? 'timeout' : undefined);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return withCode('connect_timeout');
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return withCode('response_timeout');
  if (code === 'UND_ERR_BODY_TIMEOUT') return withCode('body_timeout');

  if (code === 'ECONNREFUSED') return withCode('connect_refused');
  if (code && UNREACHABLE_CODES.has(code)) return withCode('host_unreachable', code);

  if (code === 'HPE_INVALID_EOF_STATE') return withCode('incomplete_response', facts.reason ?? message);
  if (code?.startsWith('HPE_')) return withCode('protocol_error', facts.reason ?? message);
  if (code === 'ERR_HTTP_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return withCode('incomplete_response', message);
  }

  if (code?.startsWith('ERR_SSL_') || code === 'EPROTO' || code?.startsWith('ERR_TLS_')) {
    const alert = alertName(code);
    const detail = alert
      ? `alert: ${alert}`
      : (facts.reason ??
        code
          .replace(/^ERR_SSL_/, '')
          .toLowerCase()
          .replace(/_/g, ' '));
    return withCode('tls_handshake_failed', detail);
  }

  const isAbort = facts.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED';
  // NetLens aborts the upstream side only when the client went away.
  if (isAbort) return withCode('client_aborted', 'aborted');

  const looksReset =
    (code !== undefined && RESET_CODES.has(code)) || /socket hang up|ECONNRESET|EPIPE/i.test(message);
  if (looksReset) {
    switch (phase) {
      case 'request':
        return withCode('client_aborted', 'reset');
      case 'tls':
        return withCode('tls_handshake_failed', 'reset');
      case 'receive':
        // Node reports a response cut short by the server as `aborted`; a real RST is `read ECONNRESET`.
        return message === 'aborted'
          ? withCode('incomplete_response', 'closed')
          : withCode('connection_reset');
      case 'wait':
        return withCode('connection_reset', /socket hang up/i.test(message) ? 'closed' : undefined);
      default:
        return withCode('connection_reset');
    }
  }

  return withCode(fallbackClass(phase), code ?? (message || undefined));
}

/** When nothing more specific is known, the phase says the most. */
function fallbackClass(phase: FailurePhase): ErrorClass {
  switch (phase) {
    case 'request':
      return 'protocol_error';
    case 'dns':
      return 'dns_not_found';
    case 'connect':
      return 'host_unreachable';
    case 'tls':
      return 'tls_handshake_failed';
    case 'send':
    case 'wait':
      return 'connection_reset';
    case 'receive':
      return 'incomplete_response';
  }
}

/**
 * A NetlensError for a class the caller already knows (e.g. a timeout it detected itself). The
 * elapsed time is kept to the microsecond, as the phase timings are, and the message is written
 * from that same value: the message, the UI and the CLI then all read the same time.
 */
export function failure(errorClass: ErrorClass, context: FailureContext): NetlensError {
  const detail = context.detail ?? (errorClass === 'injected_fault' ? context.ruleName : undefined);
  const elapsedMs = Math.max(0, Math.round(context.elapsedMs * 1000) / 1000);
  return {
    class: errorClass,
    phase: context.phase,
    elapsedMs,
    message: describeFailure(errorClass, { ...context, elapsedMs }),
    ...(detail !== undefined ? { detail } : {}),
    ...(context.code !== undefined ? { code: context.code } : {}),
  };
}

/** Classify `error` and describe it. Uses the certificate a Node TLS error carries, when it has one. */
export function diagnose(error: unknown, context: FailureContext): NetlensError {
  const classification = classifyError(error, context.phase);
  const detail = context.detail ?? classification.detail;
  const code = context.code ?? classification.code;
  const certificate = context.certificate ?? certificateFromError(error);
  return failure(classification.errorClass, {
    ...context,
    ...(detail !== undefined ? { detail } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(certificate ? { certificate } : {}),
  });
}

/** Node attaches the peer certificate to ERR_TLS_CERT_ALTNAME_INVALID (`error.cert`). */
function certificateFromError(error: unknown): FailureContext['certificate'] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const cert = (error as { cert?: unknown }).cert;
  if (typeof cert !== 'object' || cert === null) return undefined;
  const peer = cert as { valid_from?: string; valid_to?: string; subjectaltname?: string };
  const validFromMs = Date.parse(peer.valid_from ?? '');
  const validToMs = Date.parse(peer.valid_to ?? '');
  if (!Number.isFinite(validFromMs) || !Number.isFinite(validToMs)) return undefined;
  const subjectAltNames = (peer.subjectaltname ?? '')
    .split(',')
    .map((name) => name.trim().replace(/^(DNS|IP Address):/, ''))
    .filter((name) => name !== '');
  return { validFromMs, validToMs, subjectAltNames };
}
