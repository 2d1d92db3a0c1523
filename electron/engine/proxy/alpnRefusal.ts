/**
 * The server's TLS handshake refused every protocol offered by ALPN (RFC 7301 §3.2: the
 * `no_application_protocol` alert, 120): an HTTP/2-only server asked for HTTP/1.1. A bare TLS
 * socket reports it by its code; Node's https client as a write error `EPROTO` whose OpenSSL
 * message names the alert.
 */
export function isAlpnRefusal(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') return true;
  return code === 'EPROTO' && /alert no application protocol/i.test(error.message);
}
