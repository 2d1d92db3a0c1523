/**
 * Classifies a failure another tool recorded, from its own words: Chrome's `net::ERR_*` name,
 * Python's `[Errno N] …` (mitmproxy), Node's `connect ECONNREFUSED …`, Java's exceptions
 * (Charles), mitmproxy's own messages. A class is named only on unambiguous evidence: an exact
 * error name, an errno the platforms agree on, a message only one cause produces. Anything else
 * is `unclassified`, and the caller keeps the text. A wrong class is worse than none: it sends
 * the user to check the wrong thing (a timeout read as "nothing listening").
 */
import type { CertProblem, ErrorClass, FailurePhase } from '../../../shared/errors.js';
import { chromeErrorName, classifyChromeError } from './chromeNetErrors.js';
import { errnoName, KNOWN_ERRNO_NAMES } from './errnoByPlatform.js';

export interface RecordedFailure {
  errorClass: ErrorClass;
  /** Where the evidence places it; absent when it does not say (the caller infers from the timings). */
  phase?: FailurePhase;
  /** A CertProblem for tls_cert_invalid. */
  detail?: CertProblem;
  /** The exact name behind the class: `ERR_CONNECTION_REFUSED`, `ECONNREFUSED`… */
  code?: string;
}

export interface RecordedFailureContext {
  /** The record has a response (status > 0): a failure after it is in the body. */
  hasResponse: boolean;
}

const UNCLASSIFIED: RecordedFailure = { errorClass: 'unclassified' };

/** The longest text looked at: error messages are short; a crafted one must not cost regex time. */
const MAX_TEXT_LENGTH = 4096;

/** An errno name's class. ETIMEDOUT is a connect timeout only when the text is about connect. */
function classifyErrno(name: string, connect: boolean): RecordedFailure {
  switch (name) {
    case 'ECONNREFUSED':
      return { errorClass: 'connect_refused', phase: 'connect', code: name };
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
    case 'EADDRNOTAVAIL':
      return { errorClass: 'host_unreachable', phase: 'connect', code: name };
    case 'ETIMEDOUT':
      // Without connect, ETIMEDOUT is also a read on an established connection whose retransmits failed.
      return connect
        ? { errorClass: 'connect_timeout', phase: 'connect', code: name }
        : { ...UNCLASSIFIED, code: name };
    case 'ECONNRESET':
    case 'ECONNABORTED':
    case 'EPIPE':
      return {
        errorClass: 'connection_reset',
        ...(connect ? { phase: 'connect' as const } : {}),
        code: name,
      };
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
    case 'ENOTFOUND':
      return { errorClass: 'dns_not_found', phase: 'dns', code: name };
    case 'EAI_AGAIN':
      return { errorClass: 'dns_timeout', phase: 'dns', code: name };
    default:
      return { ...UNCLASSIFIED, code: name };
  }
}

/** `[Errno 111] Connect call failed ('127.0.0.1', 9)`, `[WinError 1225] The remote computer…` */
function classifyPythonOsError(text: string): RecordedFailure | undefined {
  const match = /^\[(Errno|WinError) (-?\d{1,6})\] ?(.*)$/s.exec(text);
  if (!match) return undefined;
  const message = match[3]!;
  // asyncio's sock_connect: OSError(errno, f'Connect call failed {address}').
  const connect = /^connect call failed\b/i.test(message);
  const name = errnoName(Number(match[2]), message, match[1] === 'WinError' ? 'windows' : 'any', connect);
  return name === undefined ? UNCLASSIFIED : classifyErrno(name, connect);
}

/** Node: `connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND x.invalid`, `read ECONNRESET`. */
function classifyNodeSystemError(text: string): RecordedFailure | undefined {
  const match = /^(connect|getaddrinfo|read|write|queryA|queryAaaa) (E[A-Z_]+)\b/.exec(text);
  if (!match || !(KNOWN_ERRNO_NAMES.has(match[2]!) || match[2] === 'ENOTFOUND')) return undefined;
  return classifyErrno(match[2]!, match[1] === 'connect');
}

/** Java (Charles): the exception's class fixes the call, its message the cause. */
function classifyJavaException(text: string, context: RecordedFailureContext): RecordedFailure | undefined {
  const match = /^(?:java\.net\.|javax\.net\.ssl\.)?([A-Za-z]+Exception)(?::\s*(.*))?$/s.exec(text);
  if (!match) return undefined;
  const message = (match[2] ?? '').trim().toLowerCase();
  switch (match[1]) {
    case 'UnknownHostException':
      return { errorClass: 'dns_not_found', phase: 'dns' };
    case 'NoRouteToHostException':
      return { errorClass: 'host_unreachable', phase: 'connect' };
    case 'ConnectException':
      if (message.startsWith('connection refused'))
        return { errorClass: 'connect_refused', phase: 'connect' };
      if (message.startsWith('connection timed out') || message.startsWith('connect timed out'))
        return { errorClass: 'connect_timeout', phase: 'connect' };
      return { ...UNCLASSIFIED, phase: 'connect' };
    case 'SocketTimeoutException':
      if (message.startsWith('connect timed out')) return { errorClass: 'connect_timeout', phase: 'connect' };
      if (message.startsWith('read timed out'))
        return context.hasResponse
          ? { errorClass: 'body_timeout', phase: 'receive' }
          : { errorClass: 'response_timeout', phase: 'wait' };
      return UNCLASSIFIED;
    case 'SSLHandshakeException':
      return message.includes('pkix path building failed')
        ? { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'unknown_ca' }
        : { errorClass: 'tls_handshake_failed', phase: 'tls' };
    default:
      return undefined;
  }
}

/** OpenSSL's X509_verify_cert_error_string texts, as mitmproxy quotes them. */
function certProblemOf(text: string): CertProblem {
  const t = text.toLowerCase();
  if (t.includes('certificate has expired')) return 'expired';
  if (t.includes('certificate is not yet valid')) return 'not_yet_valid';
  if (/self[- ]signed certificate/.test(t)) return 'self_signed';
  if (t.includes('unable to get local issuer certificate') || t.includes('unable to get issuer certificate'))
    return 'unknown_ca';
  if (t.includes('hostname mismatch')) return 'hostname_mismatch';
  if (t.includes('certificate revoked')) return 'revoked';
  return 'other';
}

/** mitmproxy's own messages (proxy/layers/http, proxy/layers/tls). */
function classifyMitmproxyMessage(
  text: string,
  context: RecordedFailureContext,
): RecordedFailure | undefined {
  if (text === 'Client disconnected.') return { errorClass: 'client_aborted' };
  if (text === 'server closed connection')
    return { errorClass: 'connection_reset', phase: context.hasResponse ? 'receive' : 'wait' };
  if (text.startsWith('Cannot parse HTTP response:')) return { errorClass: 'protocol_error', phase: 'wait' };
  if (text.startsWith('HTTP/1 protocol error:') || text.startsWith('HTTP/2 protocol error:'))
    return { errorClass: 'protocol_error' };
  if (text.startsWith('Certificate verify failed:'))
    return { errorClass: 'tls_cert_invalid', phase: 'tls', detail: certProblemOf(text) };
  if (
    text === 'The remote server does not speak TLS.' ||
    text.startsWith('The remote server and mitmproxy cannot agree on a TLS version') ||
    text.startsWith('OpenSSL Error(')
  ) {
    return { errorClass: 'tls_handshake_failed', phase: 'tls' };
  }
  return undefined;
}

/** asyncio's `Multiple exceptions: A, B` (one per address tried): certain only if all agree. */
function classifyMultiple(text: string, context: RecordedFailureContext): RecordedFailure | undefined {
  if (!text.startsWith('Multiple exceptions: ')) return undefined;
  const parts = text.slice('Multiple exceptions: '.length).split(/, (?=\[(?:Errno|WinError) )/);
  const results = parts.map((part) => classifyRecordedFailure(part, context));
  const classes = new Set(results.map((r) => r.errorClass));
  return classes.size === 1 && !classes.has('unclassified') ? results[0]! : UNCLASSIFIED;
}

/** The class of a failure recorded as `text` by another tool; `unclassified` unless certain. */
export function classifyRecordedFailure(text: string, context: RecordedFailureContext): RecordedFailure {
  const trimmed = text.trim().slice(0, MAX_TEXT_LENGTH);
  const chrome = chromeErrorName(trimmed);
  if (chrome !== undefined) {
    const known = classifyChromeError(chrome);
    return known
      ? {
          errorClass: known.errorClass,
          ...(known.phase ? { phase: known.phase } : {}),
          ...(known.detail ? { detail: known.detail } : {}),
          code: chrome,
        }
      : { ...UNCLASSIFIED, code: chrome };
  }
  return (
    classifyMultiple(trimmed, context) ??
    classifyPythonOsError(trimmed) ??
    classifyNodeSystemError(trimmed) ??
    classifyJavaException(trimmed, context) ??
    classifyMitmproxyMessage(trimmed, context) ??
    UNCLASSIFIED
  );
}
