/**
 * Error diagnosis for the proxy and the probes: turns what Node, OpenSSL, llhttp or undici
 * threw into one of the stable classes of the taxonomy (DESIGN.md, "Error taxonomy") and a
 * message that names host, port, phase and time, and says what to check.
 */
import type { CertProblem, ErrorClass, FailurePhase, NetlensError } from '../../../shared/errors.js';
import { isErrorClass } from '../../../shared/errors.js';
import type { CertificateSummary } from '../../../shared/model.js';

export interface FailureContext {
  host: string;
  port: number;
  phase: FailurePhase;
  /** Time from the start of the exchange (or probe step) to the failure. */
  elapsedMs: number;
  /** The limit that expired, for timeouts: the message quotes it rather than the elapsed time. */
  timeoutMs?: number;
  /** A CertProblem for tls_cert_invalid, a reason for the rest; overrides what classifyError found. */
  detail?: string;
  /** The rule that acted, for injected_fault. */
  ruleName?: string;
  protocol?: 'http' | 'https' | 'tcp';
  /** The OS / library error code, when known. */
  code?: string;
  /** The peer's certificate, when known: lets the message say e.g. when it expired. */
  certificate?: Pick<CertificateSummary, 'validFromMs' | 'validToMs'> & Partial<CertificateSummary>;
}

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

/** The class a timeout belongs to, by the phase it expired in. */
/** The certificate problem an OpenSSL/Node verification code stands for; undefined if it is not one. */
export function certProblemForCode(code: string | undefined): CertProblem | undefined {
  return code !== undefined && Object.hasOwn(CERT_CODES, code) ? CERT_CODES[code] : undefined;
}

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

const PHASE_LABELS: Record<FailurePhase, string> = {
  request: 'reading the request',
  dns: 'DNS lookup',
  connect: 'TCP connect',
  tls: 'TLS handshake',
  send: 'sending the request',
  wait: 'waiting for the response',
  receive: 'receiving the response body',
};

export function phaseLabel(phase: FailurePhase): string {
  return PHASE_LABELS[phase];
}

/** `host:port`, IPv6 in brackets (RFC 3986 §3.2.2). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

function ms(value: number): string {
  return `${Math.max(0, Math.round(value))} ms`;
}

function day(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function codeSuffix(context: FailureContext): string {
  return context.code ? ` (${context.code})` : '';
}

function certificateSentence(problem: string, context: FailureContext): { what: string; fix: string } {
  const cert = context.certificate;
  switch (problem as CertProblem) {
    case 'expired':
      return {
        what: cert
          ? `the server's certificate expired on ${day(cert.validToMs)}`
          : "the server's certificate has expired",
        fix: "Renew the certificate on the server, or check this machine's clock.",
      };
    case 'not_yet_valid':
      return {
        what: cert
          ? `the server's certificate is not valid until ${day(cert.validFromMs)}`
          : "the server's certificate is not valid yet",
        fix: "Check this machine's clock, and the dates of the server's certificate.",
      };
    case 'self_signed':
      return {
        what: "the server's certificate is self-signed",
        fix: 'Trust that certificate explicitly (CA bundle, or list the host in insecure hosts), or install one from a trusted CA on the server.',
      };
    case 'unknown_ca':
      return {
        what: "the server's certificate was issued by a CA this machine does not trust",
        fix: 'Make the server send its full chain (intermediate certificates), or trust the issuing CA.',
      };
    case 'hostname_mismatch': {
      const names = cert?.subjectAltNames?.length ? ` (it lists ${cert.subjectAltNames.join(', ')})` : '';
      return {
        what: `the server's certificate is not valid for ${context.host}${names}`,
        fix: 'Connect with a name the certificate lists, or fix the certificate on the server.',
      };
    }
    case 'revoked':
      return {
        what: "the server's certificate has been revoked by its issuer",
        fix: 'The server needs a new certificate.',
      };
    default:
      return {
        what: `the server's certificate was rejected${problem && problem !== 'other' ? ` (${problem})` : ''}`,
        fix: "Inspect the server's certificate chain (netlens probe, or openssl s_client).",
      };
  }
}

function handshakeSentence(
  detail: string | undefined,
  context: FailureContext,
): { what: string; fix: string } {
  const d = (detail ?? '').toLowerCase();
  if (d === 'timeout') {
    return {
      what: `the handshake did not complete within ${ms(context.timeoutMs ?? context.elapsedMs)}`,
      fix: 'Is the port really a TLS port, and is the server overloaded?',
    };
  }
  if (d === 'reset') {
    return {
      what: 'the peer closed the connection during the handshake',
      fix: 'The server may reject this SNI name or require a client certificate, or a middlebox cut it: check the server logs.',
    };
  }
  if (
    d.includes('wrong version number') ||
    d.includes('packet length too long') ||
    d.includes('http request')
  ) {
    return {
      what: 'the peer did not answer with TLS',
      fix: 'Is this a plain-HTTP port? Try http:// instead of https://.',
    };
  }
  if (d.startsWith('alert: ')) {
    const alert = d.slice('alert: '.length);
    if (
      [
        'unknown ca',
        'bad certificate',
        'certificate unknown',
        'certificate expired',
        'decrypt error',
      ].includes(alert)
    ) {
      return {
        what: `the peer rejected the certificate it was shown (TLS alert "${alert}")`,
        fix: 'If the peer is a client of NetLens, trust the NetLens CA there (netlens ca prints its path).',
      };
    }
    if (alert === 'protocol version') {
      return {
        what: 'no TLS version is supported by both sides (TLS alert "protocol version")',
        fix: 'The server may offer only old TLS (1.0/1.1), or only TLS 1.3 to an old client.',
      };
    }
    if (alert === 'handshake failure' || alert === 'insufficient security') {
      return {
        what: `no cipher suite or parameters in common (TLS alert "${alert}")`,
        fix: "Compare the server's TLS configuration with what the client offers (netlens probe shows it).",
      };
    }
    if (alert === 'certificate required') {
      return {
        what: 'the server requires a client certificate (TLS alert "certificate required")',
        fix: 'Configure a client certificate for this host.',
      };
    }
    return {
      what: `the peer sent TLS alert "${alert}"`,
      fix: "Check the server's TLS configuration and logs.",
    };
  }
  if (
    d.includes('unsupported protocol') ||
    d.includes('no protocols available') ||
    d.includes('version too low')
  ) {
    return {
      what: `no TLS version is supported by both sides (${detail})`,
      fix: 'The server may offer only old TLS (1.0/1.1).',
    };
  }
  return {
    what: detail ? `the handshake failed (${detail})` : 'the handshake failed',
    fix: "Check the server's TLS configuration (netlens probe shows the handshake).",
  };
}

function unreachableReason(detail: string | undefined): string {
  switch (detail) {
    case 'ENETUNREACH':
      return 'the network is unreachable';
    case 'EADDRNOTAVAIL':
      return 'the address is not available from this machine';
    case 'ENETDOWN':
      return 'the network is down';
    case 'EAFNOSUPPORT':
      return 'this machine has no route for that address family (IPv6?)';
    default:
      return 'there is no route to the host';
  }
}

/** The sentence for a class: names host, port, phase and time, and says what to check. */
export function describeFailure(errorClass: ErrorClass, context: FailureContext): string {
  const target = hostPort(context.host, context.port);
  const phase = phaseLabel(context.phase);
  const elapsed = ms(context.elapsedMs);
  const limit = ms(context.timeoutMs ?? context.elapsedMs);
  const detail = context.detail;
  switch (errorClass) {
    case 'dns_not_found':
      return (
        `Failed to resolve ${context.host} (port ${context.port}): the DNS lookup found no such host after ${elapsed}${codeSuffix(context)}. ` +
        'Check the spelling of the host name, your DNS or VPN settings, and /etc/hosts.'
      );
    case 'dns_timeout':
      return (
        `Failed to resolve ${context.host} (port ${context.port}): the DNS lookup got no answer after ${limit}${codeSuffix(context)}. ` +
        'Is the DNS server reachable (VPN, resolver settings), or is the network down?'
      );
    case 'connect_refused':
      return (
        `Failed to connect to ${target}: the TCP connect was refused after ${elapsed}. ` +
        `Nothing is listening on port ${context.port} there: is the service running, on this port and address?`
      );
    case 'connect_timeout':
      return (
        `Failed to connect to ${target}: TCP connect timed out after ${limit}. ` +
        'Is a firewall dropping packets, or is the host down?'
      );
    case 'host_unreachable':
      return (
        `Failed to connect to ${target}: ${unreachableReason(detail ?? context.code)} (TCP connect failed after ${elapsed}). ` +
        'Check the network connection, VPN and routes, and that the address is right.'
      );
    case 'tls_cert_invalid': {
      const sentence = certificateSentence(detail ?? 'other', context);
      return `TLS handshake with ${target} failed after ${elapsed}: ${sentence.what}. ${sentence.fix}`;
    }
    case 'tls_handshake_failed': {
      const sentence = handshakeSentence(detail, context);
      return `TLS handshake with ${target} failed after ${elapsed}: ${sentence.what}. ${sentence.fix}`;
    }
    case 'connection_reset':
      if (detail === 'closed' && context.phase === 'wait') {
        return (
          `${target} closed the connection without sending a response (while ${phase}, after ${elapsed}). ` +
          'The server may have crashed, or dropped an idle keep-alive connection: check its logs.'
        );
      }
      return (
        `The connection to ${target} was reset while ${phase}, after ${elapsed}${codeSuffix(context)}. ` +
        'The server, or a proxy or load balancer in between, closed it: check their logs and idle timeouts.'
      );
    case 'response_timeout':
      return (
        `No response from ${target}: the request was sent but no response headers arrived within ${limit} (while ${phase}). ` +
        'The server is slow or stuck: check its logs, or raise the response timeout.'
      );
    case 'body_timeout':
      return context.phase === 'send'
        ? `${target} stopped reading the request body: no progress for ${limit} while ${phase}. ` +
            'The server may be stuck or refusing large uploads: check its logs.'
        : `The response from ${target} stalled: no data for ${limit} while ${phase} (after ${elapsed} in all). ` +
            'The server or the network stalled mid-transfer: check the server, or raise the body idle timeout.';
    case 'incomplete_response':
      return (
        `The response from ${target} ended early: the server closed the connection before the declared body length, after ${elapsed} (while ${phase}). ` +
        'The server may have crashed mid-response, or a proxy cut it: check its logs.'
      );
    case 'protocol_error':
      return context.phase === 'request'
        ? `The client sent NetLens a malformed HTTP request for ${target} (while ${phase}, after ${elapsed})${detail ? `: ${detail}` : ''}. ` +
            "Check the client's HTTP implementation, or the size of its headers."
        : `${target} sent a malformed HTTP response (while ${phase}, after ${elapsed})${detail ? `: ${detail}` : ''}. ` +
            'Is it an HTTP server on this port (not TLS, not another protocol)?';
    case 'client_aborted':
      return (
        `The client closed its connection to NetLens while ${phase} (request to ${target}, after ${elapsed}). ` +
        'Usually the client gave up (its own timeout) or was cancelled; check the client if that was not intended.'
      );
    case 'injected_fault': {
      const rule = context.ruleName ? `NetLens rule "${context.ruleName}"` : 'A NetLens rule';
      return (
        `${rule} failed the request to ${target} on purpose while ${phase}, after ${elapsed}${detail ? ` (${detail})` : ''}. ` +
        'Disable the rule to let the request through.'
      );
    }
    case 'unclassified':
      return (
        `The request to ${target} failed after ${elapsed} (phase: ${phase}), and the record does not say why for certain${detail ? `: "${detail}"` : ''}. ` +
        'NetLens names a class only on unambiguous evidence (an exact error name or errno); capture it through NetLens to get a diagnosis.'
      );
  }
}

/** A NetlensError for a class the caller already knows (e.g. a timeout it detected itself). */
export function failure(errorClass: ErrorClass, context: FailureContext): NetlensError {
  const detail = context.detail ?? (errorClass === 'injected_fault' ? context.ruleName : undefined);
  return {
    class: errorClass,
    phase: context.phase,
    elapsedMs: Math.max(0, Math.round(context.elapsedMs)),
    message: describeFailure(errorClass, context),
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
