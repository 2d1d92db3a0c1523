/**
 * Chrome's network errors (`net::ERR_*`, net/base/net_error_list.h) in NetLens' taxonomy. Only
 * names whose definition fixes one class are listed; the others (ERR_INTERNET_DISCONNECTED,
 * ERR_CONNECTION_FAILED, ERR_TIMED_OUT, ERR_NAME_RESOLUTION_FAILED…) say that something failed but
 * not which of NetLens' classes it was, and stay `unclassified` with their name kept.
 */
import type { CertProblem, ErrorClass, FailurePhase } from '../../../shared/errors.js';

export interface KnownChromeError {
  errorClass: ErrorClass;
  /** Where the definition places it; absent when the error can happen in several phases. */
  phase?: FailurePhase;
  detail?: CertProblem;
}

const dns = (errorClass: ErrorClass): KnownChromeError => ({ errorClass, phase: 'dns' });
const connect = (errorClass: ErrorClass): KnownChromeError => ({ errorClass, phase: 'connect' });
const cert = (detail: CertProblem): KnownChromeError => ({
  errorClass: 'tls_cert_invalid',
  phase: 'tls',
  detail,
});
const handshake: KnownChromeError = { errorClass: 'tls_handshake_failed', phase: 'tls' };
const malformed: KnownChromeError = { errorClass: 'protocol_error' };

const CHROME_NET_ERRORS: Readonly<Record<string, KnownChromeError>> = {
  // "The host name could not be resolved." (-105)
  ERR_NAME_NOT_RESOLVED: dns('dns_not_found'),
  // "DNS server failed": FORMERR, SERVFAIL, NOTIMP, REFUSED (-802); Node's ESERVFAIL is dns_not_found too.
  ERR_DNS_SERVER_FAILED: dns('dns_not_found'),
  ERR_DNS_TIMED_OUT: dns('dns_timeout'),
  ERR_CONNECTION_REFUSED: connect('connect_refused'),
  // "A connection attempt timed out." (-118); ERR_TIMED_OUT (-7) is any operation.
  ERR_CONNECTION_TIMED_OUT: connect('connect_timeout'),
  // "No route to the specified host or network." (-109)
  ERR_ADDRESS_UNREACHABLE: connect('host_unreachable'),
  ERR_CERT_COMMON_NAME_INVALID: cert('hostname_mismatch'),
  // Expired or not yet valid: the name does not say which.
  ERR_CERT_DATE_INVALID: cert('other'),
  ERR_CERT_AUTHORITY_INVALID: cert('unknown_ca'),
  ERR_CERT_REVOKED: cert('revoked'),
  ERR_CERT_CONTAINS_ERRORS: cert('other'),
  ERR_CERT_NO_REVOCATION_MECHANISM: cert('other'),
  ERR_CERT_UNABLE_TO_CHECK_REVOCATION: cert('other'),
  ERR_CERT_INVALID: cert('other'),
  ERR_CERT_WEAK_SIGNATURE_ALGORITHM: cert('other'),
  ERR_CERT_NON_UNIQUE_NAME: cert('other'),
  ERR_CERT_WEAK_KEY: cert('other'),
  ERR_CERT_NAME_CONSTRAINT_VIOLATION: cert('other'),
  ERR_CERT_VALIDITY_TOO_LONG: cert('other'),
  ERR_CERTIFICATE_TRANSPARENCY_REQUIRED: cert('other'),
  ERR_CERT_SYMANTEC_LEGACY: cert('other'),
  ERR_CERT_KNOWN_INTERCEPTION_BLOCKED: cert('other'),
  ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN: cert('other'),
  ERR_SSL_PROTOCOL_ERROR: handshake,
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: handshake,
  ERR_SSL_VERSION_INTERFERENCE: handshake,
  ERR_SSL_OBSOLETE_CIPHER: handshake,
  ERR_SSL_CLIENT_AUTH_CERT_NEEDED: handshake,
  ERR_BAD_SSL_CLIENT_AUTH_CERT: handshake,
  ERR_SSL_BAD_RECORD_MAC_ALERT: handshake,
  ERR_SSL_DECRYPT_ERROR_ALERT: handshake,
  ERR_SSL_UNRECOGNIZED_NAME_ALERT: handshake,
  ERR_SSL_SERVER_CERT_BAD_FORMAT: handshake,
  ERR_SSL_HANDSHAKE_NOT_COMPLETED: handshake,
  // "A connection was reset (corresponding to a TCP RST)." (-101)
  ERR_CONNECTION_RESET: { errorClass: 'connection_reset' },
  // "A connection was closed (corresponding to a TCP FIN)." (-100)
  ERR_CONNECTION_CLOSED: { errorClass: 'connection_reset' },
  // "The server closed the connection without sending any data." (-324)
  ERR_EMPTY_RESPONSE: { errorClass: 'connection_reset', phase: 'wait' },
  ERR_CONTENT_LENGTH_MISMATCH: { errorClass: 'incomplete_response', phase: 'receive' },
  ERR_INCOMPLETE_CHUNKED_ENCODING: { errorClass: 'incomplete_response', phase: 'receive' },
  ERR_INVALID_RESPONSE: malformed,
  ERR_INVALID_HTTP_RESPONSE: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_INVALID_CHUNKED_ENCODING: { errorClass: 'protocol_error', phase: 'receive' },
  ERR_RESPONSE_HEADERS_TOO_BIG: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_RESPONSE_HEADERS_TRUNCATED: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_HTTP2_PROTOCOL_ERROR: malformed,
  ERR_SPDY_PROTOCOL_ERROR: malformed,
  ERR_QUIC_PROTOCOL_ERROR: malformed,
  // "An operation was aborted (due to user action)." (-3): the client (the browser) gave up.
  ERR_ABORTED: { errorClass: 'client_aborted' },
  // "The client chose to block the request." (-20): it never left the client.
  ERR_BLOCKED_BY_CLIENT: { errorClass: 'client_aborted', phase: 'request' },
};

/** `net::ERR_CONNECTION_REFUSED` or `ERR_CONNECTION_REFUSED` → its name, when the text is one. */
export function chromeErrorName(text: string): string | undefined {
  return /^\s*(?:net::)?(ERR_[A-Z0-9_]+)\s*$/.exec(text)?.[1];
}

/** The class an exact Chrome error name stands for; undefined when the name does not decide one. */
export function classifyChromeError(name: string): KnownChromeError | undefined {
  return Object.hasOwn(CHROME_NET_ERRORS, name) ? CHROME_NET_ERRORS[name] : undefined;
}
